/**
 * What one more farm costs the control room, for docs/scale.md: bench/farms-scale.ts (the core holding N
 * farms × 10 sensors at 1 Hz, against bare `ws` clients on the same streams in the same run) at several
 * fleet sizes, each in its own process, and a least-squares line through the results: per farm CPU,
 * RSS, heap and open sockets, and the fixed part. Then how many farms fit farms-scale's budget for the
 * core (25 % of one core, 300 MB RSS). (What one registry holds is bench/registry-farms.ts: heartbeats
 * from their own process while wrk reads the list.) Last, what one farm adds to a Prometheus server: the samples and bytes of one gateway's /metrics after
 * every route was used once.
 *
 *   node bench/farms-cost.ts [--sizes 250,500,1000] [--seconds 10]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { silentLogger } from '../kit/log.ts';
import { startGateway } from '../gateway/gateway.ts';
import { benchLayout } from './_gateway-process.ts';
import { fitLine } from './_proc-stats.ts';

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
  const { slope, fixed } = fitLine(xs, ys);
  return { perFarm: slope, fixed };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** One gateway's /metrics, seen by a tag:monitoring node, after each route was called once. */
async function gatewayMetrics(): Promise<{ samples: number; families: number; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-cost-'));
  const layout = benchLayout(10);
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
      prometheusPerFarm: { gatewayMetrics: metrics },
      pass: runs.every((r) => r.core.extra.liveFarms === r.farms),
    },
    null,
    2,
  ),
);
