/**
 * Scale benchmark: 1,000 farms × 10 sensors at 1 Hz (10,000 readings/s). CPU (% of one core) and memory
 * (RSS, heap) of the farm-connections core with renderer-style subscribers, against bare `ws` clients on
 * the same streams in the same run. Each side runs in its own child process so neither inherits the other's
 * heap. Targets: core < 25 % of one core, < 300 MB RSS.
 *
 *   npx node bench/farms-scale.ts [--farms 1000] [--sensors 10] [--seconds 15]
 */
import { wsText } from '../kit/ws-text.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { silentLogger } from '../kit/log.ts';
import { createTailnetDialer } from '../main/core/farms/dialer.ts';
import { createFarmConnections } from '../main/core/farms/connections.ts';
import { startFleet } from './_farms-fleet.ts';

const { values } = parseArgs({
  options: {
    farms: { type: 'string' },
    sensors: { type: 'string' },
    seconds: { type: 'string' },
    phase: { type: 'string' },
    ports: { type: 'string' },
  },
});
const farms = Math.min(2_000, Number(values.farms ?? 1_000));
const sensors = Math.min(100, Number(values.sensors ?? 10));
const seconds = Math.min(120, Number(values.seconds ?? 15));
const warmupMs = 5_000;

interface PhaseResult {
  phase: string;
  readingsPerS: number;
  cpuPctOfOneCore: number;
  rssMB: number;
  heapUsedMB: number;
  loopP99Ms: number;
  /** Open sockets of the measuring process at the end of the window (/proc/self/fd). */
  sockets: number;
  connectMs: number;
  extra?: Record<string, number>;
}

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

async function measure(count: () => number): Promise<Omit<PhaseResult, 'phase' | 'connectMs'>> {
  await new Promise((r) => setTimeout(r, warmupMs));
  const h = monitorEventLoopDelay({ resolution: 10 });
  const c0 = count();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  h.enable();
  let peakRss = 0;
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  h.disable();
  const wall = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    readingsPerS: Math.round((count() - c0) / (wall / 1e6)),
    cpuPctOfOneCore: Math.round(((cpu.user + cpu.system) / wall) * 1000) / 10,
    rssMB: mb(peakRss),
    heapUsedMB: mb(process.memoryUsage().heapUsed),
    loopP99Ms: Math.round(h.percentile(99) / 1e5) / 10,
    sockets: openSockets(),
  };
}

function openSockets(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed while we looked
    }
  }
  return n;
}

async function connectAll<T>(
  ports: number[],
  open: (port: number, i: number) => Promise<T>,
): Promise<[T[], number]> {
  const t0 = performance.now();
  const out: T[] = [];
  // Dial in slices of 100 so the fleet's accept queue is not a factor.
  for (let i = 0; i < ports.length; i += 100) {
    out.push(...(await Promise.all(ports.slice(i, i + 100).map((p, j) => open(p, i + j)))));
  }
  return [out, Math.round(performance.now() - t0)];
}

async function barePhase(ports: number[]): Promise<PhaseResult> {
  let n = 0;
  const [sockets, connectMs] = await connectAll(
    ports,
    (port) =>
      new Promise<WebSocket>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/stream`, { perMessageDeflate: false });
        ws.on('message', (data) => {
          const msg = JSON.parse(wsText(data)) as { type: string; readings?: unknown[] };
          if (msg.type === 'readings') n += msg.readings!.length;
        });
        ws.on('error', () => {});
        ws.once('open', () => resolve(ws));
      }),
  );
  const r = await measure(() => n);
  for (const ws of sockets) ws.terminate();
  return { phase: 'bare ws', connectMs, ...r };
}

async function corePhase(ports: number[]): Promise<PhaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-scale-'));
  try {
    const core = createFarmConnections({
      dataDir: dir,
      dialer: createTailnetDialer({ mode: 'simulated' }),
      healthSink: { noteReading: () => {}, noteGatewayStatus: () => {} },
      log: silentLogger,
    });
    let n = 0;
    let batches = 0;
    let changed = 0;
    core.on('readings', (b) => {
      batches++;
      for (const f of b.farms) n += f.readings.length;
    });
    core.on('live', (b) => {
      changed += b.changed.length; // what a renderer bridge would forward
    });
    const [, connectMs] = await connectAll(ports, (port, i) =>
      core.connect({ farmId: `bench-${i}`, address: '127.0.0.1', port }),
    );
    for (let i = 0; i < 300 && core.all().some((f) => f.link !== 'live'); i++)
      await new Promise((r) => setTimeout(r, 100));
    const b0 = batches;
    const c0 = changed;
    const t0 = performance.now();
    const r = await measure(() => n);
    const dt = (performance.now() - t0) / 1000;
    const live = core.all().filter((f) => f.link === 'live').length;
    await core.dispose();
    return {
      phase: 'farm connections',
      connectMs,
      ...r,
      extra: {
        liveFarms: live,
        hubBatchesPerS: Math.round(((batches - b0) / dt) * 10) / 10,
        farmSummariesPushedPerS: Math.round((changed - c0) / dt),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runPhaseInChild(phase: 'bare' | 'core', ports: number[]): Promise<PhaseResult> {
  const node = join(import.meta.dirname, '..', 'node_modules', '.bin', 'node');
  const child = spawn(
    node,
    [import.meta.filename, '--phase', phase, '--seconds', String(seconds), '--ports', ports.join(',')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += String(d)));
  const timer = setTimeout(() => child.kill('SIGKILL'), (warmupMs / 1000 + seconds + 90) * 1000);
  await new Promise((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  const line = out.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`phase ${phase} printed no result`);
  return JSON.parse(line) as PhaseResult;
}

if (values.phase) {
  const ports = (values.ports ?? '').split(',').map(Number);
  const result = values.phase === 'bare' ? await barePhase(ports) : await corePhase(ports);
  console.log(JSON.stringify(result));
  process.exit(0);
} else {
  const fleet = await startFleet({ farms, sensors, mode: 'rate', hz: 1, maxSeconds: 2 * (seconds + 100) });
  try {
    const bare = await runPhaseInChild('bare', fleet.ports);
    const core = await runPhaseInChild('core', fleet.ports);
    console.log(
      JSON.stringify(
        {
          bench: 'farms-scale',
          farms,
          sensorsPerFarm: sensors,
          hz: 1,
          seconds,
          baseline: bare,
          core,
          ratios: {
            cpu: Math.round((core.cpuPctOfOneCore / Math.max(0.1, bare.cpuPctOfOneCore)) * 100) / 100,
            rss: Math.round((core.rssMB / bare.rssMB) * 100) / 100,
          },
          target: { cpuPctOfOneCore: '< 25', rssMB: '< 300' },
          pass: core.cpuPctOfOneCore < 25 && core.rssMB < 300 && core.readingsPerS >= farms * sensors * 0.95,
        },
        null,
        2,
      ),
    );
  } finally {
    await fleet.stop();
  }
}
