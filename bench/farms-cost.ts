/**
 * What one more farm costs the control room, for docs/scale.md: bench/farms-scale.ts (the core holding N
 * farms × 10 sensors at 1 Hz, against bare `ws` clients on the same streams in the same run) at several
 * fleet sizes, each in its own process, and a least-squares line through the results: per farm CPU,
 * RSS, heap and open sockets, and the fixed part. Then how many farms fit farms-scale's budget for the
 * core (25 % of one core, 300 MB RSS). Then what one registry holds: heartbeats/s into a real registry
 * (SQLite file) from 1,000 farm addresses, against a bare node:http server that reads and parses the same
 * bodies, in this process (the load generator shares the event loop, so both figures are low bounds).
 * Last, what one farm adds to a Prometheus server: the samples and bytes of one gateway's /metrics after
 * every route was used once.
 *
 *   node bench/farms-cost.ts [--sizes 250,500,1000] [--seconds 10]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { silentLogger } from '../kit/log.ts';
import { startGateway } from '../gateway/gateway.ts';
import type { FarmLayout } from '../gateway/layout.ts';
import { startRegistry } from '../registry/server.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string' }, seconds: { type: 'string' } } });
const sizes = (values.sizes ?? '250,500,1000')
  .split(',')
  .map(Number)
  .filter((n) => n >= 10 && n <= 2_000)
  .slice(0, 5);
if (sizes.length < 2) throw new Error('--sizes needs two or more fleet sizes from 10 to 2000');
const seconds = Math.max(5, Math.min(60, Number(values.seconds ?? 10)));
const BUDGET = { cpuPctOfOneCore: 25, rssMB: 300 }; // farms-scale.ts's targets for the core

interface Phase {
  cpuPctOfOneCore: number;
  rssMB: number;
  heapUsedMB: number;
  sockets: number;
  readingsPerS: number;
}
interface ScaleRun {
  farms: number;
  baseline: Phase;
  core: Phase & { extra: { liveFarms: number } };
}

function farmsScale(farms: number): Promise<ScaleRun> {
  const node = join(import.meta.dirname, '..', 'node_modules', '.bin', 'node');
  const child = spawn(
    node,
    [
      '--disable-warning=ExperimentalWarning',
      join(import.meta.dirname, 'farms-scale.ts'),
      '--farms',
      String(farms),
      '--seconds',
      String(seconds),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += String(d)));
  const timer = setTimeout(() => child.kill('SIGKILL'), (2 * (seconds + 5) + 120) * 1000);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`farms-scale --farms ${farms} exited with ${String(code)}`));
      resolve(JSON.parse(out.slice(out.indexOf('{'))) as ScaleRun);
    });
  });
}

/** Least squares y = fixed + perFarm × farms. */
function fit(xs: number[], ys: number[]): { perFarm: number; fixed: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const perFarm = sxy / sxx;
  return { perFarm, fixed: my - perFarm * mx };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** One gateway's /metrics, seen by a tag:monitoring node, after each route was called once. */
async function gatewayMetrics(): Promise<{ samples: number; families: number; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-cost-'));
  const layout: FarmLayout = {
    sensors: Array.from({ length: 10 }, (_, i) => ({
      id: `s-${i}`,
      kind: 'soil_moisture' as const,
      label: `Sensor ${i}`,
      unit: '%',
      expectedRange: { min: 0, max: 100 },
      intervalMs: 1_000,
    })),
    actuators: [],
  };
  const gw = await startGateway({
    dataDir: dir,
    farmId: 'bench-cost',
    listen: { host: '127.0.0.1', port: 0 },
    layout,
    resolveIdentity: async (address) => ({
      address,
      nodeId: 'n',
      nodeName: 'prometheus',
      user: 'tagged-devices',
      userDisplayName: 'tagged devices',
      tags: ['tag:monitoring'],
      capabilities: {},
    }),
    discoverRegistry: false,
    log: silentLogger,
  });
  try {
    const now = Date.now();
    gw.ingest(layout.sensors.map((s) => ({ sensorId: s.id, ts: now, value: 30, quality: 'ok' as const })));
    const base = `http://127.0.0.1:${gw.port}`;
    for (const path of [
      '/api/info',
      '/api/health',
      '/api/data/current',
      `/api/data/history?sensor=s-0&from=${now - 3_600_000}&to=${now}`,
      '/api/commands',
    ])
      await (await fetch(base + path)).arrayBuffer();
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/api/stream`);
    await new Promise((resolve, reject) => {
      ws.once('message', resolve);
      ws.once('error', reject);
    });
    const res = await fetch(`${base}/metrics`);
    const text = await res.text();
    ws.terminate();
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    const lines = text.split('\n');
    return {
      samples: lines.filter((l) => l !== '' && !l.startsWith('#')).length,
      families: lines.filter((l) => l.startsWith('# TYPE ')).length,
      bytes: Buffer.byteLength(text),
    };
  } finally {
    await gw.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

const HEARTBEAT_FARMS = 1_000;
const HEARTBEAT_MS = 3_000;

/** Heartbeats/s that `base` answers with 200, 8 connections, for HEARTBEAT_MS after a 500 ms warm-up. */
async function heartbeatRate(base: string): Promise<number> {
  const pool = new Pool(base, { connections: 8 });
  const body = (i: number) =>
    JSON.stringify({
      farmId: `farm-${i}`,
      name: `Farm ${i}`,
      location: { lat: 45 + (i % 100) / 10, lon: 30 + (i % 37) / 10 },
      timeZone: 'Europe/Kyiv',
      gatewayVersion: '0.1.0',
      apiPort: 8080,
      sensors: 10,
      actuators: 3,
      capabilities: ['history:raw'],
    });
  let sent = 0;
  const worker = async (until: number) => {
    let n = 0;
    while (performance.now() < until && n < 200_000) {
      const i = sent++ % HEARTBEAT_FARMS;
      const res = await pool.request({
        method: 'POST',
        path: `/api/heartbeat?address=100.64.${i >> 8}.${i & 255}`,
        headers: { 'content-type': 'application/json' },
        body: body(i),
      });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`heartbeat answered ${res.statusCode}`);
      n++;
    }
    return n;
  };
  const all = (ms: number) => {
    const until = performance.now() + ms;
    return Promise.all(Array.from({ length: 8 }, () => worker(until)));
  };
  await all(500);
  const t0 = performance.now();
  const counts = await all(HEARTBEAT_MS);
  const rate = counts.reduce((a, b) => a + b, 0) / ((performance.now() - t0) / 1000);
  await pool.close();
  return Math.round(rate);
}

async function registryHeartbeats(): Promise<{ registryPerS: number; baselinePerS: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-cost-registry-'));
  const registry = await startRegistry({
    listen: { host: '127.0.0.1', port: 0 },
    dbFile: join(dir, 'registry.db'),
    resolveIdentity: () => Promise.reject(new Error('no who-is in this benchmark')),
    insecureNoAuth: true, // the farm's address then comes from ?address=
  });
  const bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  try {
    const registryPerS = await heartbeatRate(registry.url);
    const baselinePerS = await heartbeatRate(`http://127.0.0.1:${(bare.address() as AddressInfo).port}`);
    return { registryPerS, baselinePerS };
  } finally {
    await registry.dispose();
    await new Promise((resolve) => bare.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs: ScaleRun[] = [];
for (const n of sizes) runs.push(await farmsScale(n));
const xs = runs.map((r) => r.farms);
const line = (side: 'core' | 'baseline', key: keyof Phase, digits: number) => {
  const f = fit(
    xs,
    runs.map((r) => r[side][key]),
  );
  return { perFarm: round(f.perFarm, digits), fixed: round(f.fixed, 1) };
};
const core = {
  cpuPctOfOneCore: line('core', 'cpuPctOfOneCore', 4),
  rssMB: line('core', 'rssMB', 3),
  heapUsedMB: line('core', 'heapUsedMB', 3),
  sockets: line('core', 'sockets', 2),
};
const bare = {
  cpuPctOfOneCore: line('baseline', 'cpuPctOfOneCore', 4),
  rssMB: line('baseline', 'rssMB', 3),
  sockets: line('baseline', 'sockets', 2),
};
const within = (budget: number, l: { perFarm: number; fixed: number }) =>
  l.perFarm > 0 ? Math.floor((budget - l.fixed) / l.perFarm) : null; // null: no measurable growth
const metrics = await gatewayMetrics();
const heartbeats = await registryHeartbeats();
console.log(
  JSON.stringify(
    {
      bench: 'farms-cost',
      sensorsPerFarm: 10,
      hz: 1,
      seconds,
      runs: runs.map((r) => ({
        farms: r.farms,
        liveFarms: r.core.extra.liveFarms,
        core: {
          cpuPctOfOneCore: r.core.cpuPctOfOneCore,
          rssMB: r.core.rssMB,
          heapUsedMB: r.core.heapUsedMB,
          sockets: r.core.sockets,
          readingsPerS: r.core.readingsPerS,
        },
        baseline: {
          cpuPctOfOneCore: r.baseline.cpuPctOfOneCore,
          rssMB: r.baseline.rssMB,
          sockets: r.baseline.sockets,
        },
      })),
      perFarmCore: core,
      perFarmBaselineBareWs: bare,
      ratiosPerFarmCoreToBaseline: {
        cpu: round(core.cpuPctOfOneCore.perFarm / bare.cpuPctOfOneCore.perFarm, 2),
        rss: round(core.rssMB.perFarm / bare.rssMB.perFarm, 2),
      },
      farmsWithinBudget: {
        budget: BUDGET,
        byCpu: within(BUDGET.cpuPctOfOneCore, core.cpuPctOfOneCore),
        byRss: within(BUDGET.rssMB, core.rssMB),
      },
      registry: {
        heartbeatsPerS: heartbeats.registryPerS,
        baselineBareHttpPerS: heartbeats.baselinePerS,
        ratioToBaseline: round(heartbeats.registryPerS / heartbeats.baselinePerS, 2),
        farmsAtDefault30sInterval: heartbeats.registryPerS * 30,
      },
      prometheusPerFarm: { gatewayMetrics: metrics },
      pass: runs.every((r) => r.core.extra.liveFarms === r.farms),
    },
    null,
    2,
  ),
);
