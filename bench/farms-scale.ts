/**
 * Scale benchmark: N farms × 10 sensors at 1 Hz (1,000 farms: 10,000 readings/s). CPU (% of one core), memory
 * (RSS after warm-up and its slope, heap), open sockets, event-loop delay and disk writes of the
 * farm-connections core with renderer-style subscribers, against bare `ws` clients on the same streams in
 * the same run. Each side runs in its own child process so neither inherits the other's heap; the fleet runs
 * in its own processes (one per 4,000 farms, for the open-file limit), and its CPU and sent readings are
 * measured over the same window, so a saturated generator is reported as such. Targets: core < 25 % of one
 * core, < 300 MB RSS.
 *
 *   npx node bench/farms-scale.ts [--farms 1000] [--sensors 10] [--seconds 15] [--warmup 5] [--skip-baseline]
 */
import { wsText } from '../kit/ws-text.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { silentLogger } from '../kit/log.ts';
import { createTailnetDialer } from '../main/core/farms/dialer.ts';
import { createFarmConnections } from '../main/core/farms/connections.ts';
import { type Fleet, startFleet } from './_farms-fleet.ts';
import { cpuMs, fitLine, ioBytes, openSockets } from './_proc-stats.ts';

const { values } = parseArgs({
  options: {
    farms: { type: 'string' },
    sensors: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    phase: { type: 'string' },
    ports: { type: 'string' },
    'skip-baseline': { type: 'boolean' },
  },
});
const farms = Math.max(1, Math.min(10_000, Number(values.farms ?? 1_000)));
const sensors = Math.min(100, Number(values.sensors ?? 10));
const seconds = Math.max(3, Math.min(120, Number(values.seconds ?? 15)));
const warmupMs = Math.max(1, Math.min(60, Number(values.warmup ?? 5))) * 1000;
/** Farms per fleet process: each farm holds a listening and an accepted socket there. */
const FARMS_PER_FLEET_PROCESS = 4_000;

export interface PhaseResult {
  phase: string;
  readingsPerS: number;
  cpuPctOfOneCore: number;
  /** Peak RSS over the window. */
  rssMB: number;
  /** RSS at the start of the window (after warm-up) and at its end, and the fitted slope. */
  rssAfterWarmupMB: number;
  rssEndMB: number;
  rssSlopeMBPerMin: number;
  /** RSS every 5 s of the window. */
  rssEvery5sMB: number[];
  heapUsedMB: number;
  /** Heap V8 has reserved at the end of the window (RSS follows this, not heapUsed). */
  heapTotalMB: number;
  /** Live heap after a full GC at the end of the window (heapUsed minus garbage not yet collected). */
  heapLiveEndMB: number;
  /** Memory outside the JS heap held by JS objects (Buffers, ArrayBuffers) at the end, after that GC. */
  externalMB: number;
  loopP99Ms: number;
  /** Open sockets of the measuring process at the end of the window (/proc/self/fd). */
  sockets: number;
  /** /proc/self/io over the window: bytes sent to the disk, and bytes passed to write(2). */
  diskWriteMBps: number;
  writeCallMBps: number;
  connectMs: number;
  extra?: Record<string, number>;
}

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
const r1 = (n: number) => Math.round(n * 10) / 10;

/** The open-file limit of this process (children inherit it). */
function openFileLimit(): number {
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !line || line[1] === 'unlimited' ? Infinity : Number(line[1]);
}

async function measure(
  count: () => number,
  warmup = warmupMs,
): Promise<Omit<PhaseResult, 'phase' | 'connectMs'>> {
  await new Promise((r) => setTimeout(r, warmup));
  const h = monitorEventLoopDelay({ resolution: 10 });
  process.stdout.write('{"mark":"start"}\n'); // the parent samples the fleet now
  const c0 = count();
  const cpu0 = process.cpuUsage();
  const io0 = ioBytes();
  const t0 = performance.now();
  h.enable();
  const rss: number[] = [process.memoryUsage().rss];
  const at: number[] = [0];
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
    rss.push(process.memoryUsage().rss);
    at.push((performance.now() - t0) / 60_000);
  }
  h.disable();
  const wall = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  const io1 = ioBytes();
  const { heapUsed, heapTotal } = process.memoryUsage();
  globalThis.gc?.(); // after the window: a forced GC would change how V8 sizes the heap during it
  const { heapUsed: heapLive, external } = process.memoryUsage();
  process.stdout.write('{"mark":"end"}\n');
  return {
    readingsPerS: Math.round((count() - c0) / (wall / 1e6)),
    cpuPctOfOneCore: Math.round(((cpu.user + cpu.system) / wall) * 1000) / 10,
    rssMB: mb(Math.max(...rss)),
    rssAfterWarmupMB: mb(rss[0]!),
    rssEndMB: mb(rss[rss.length - 1]!),
    rssSlopeMBPerMin: r1(
      fitLine(
        at,
        rss.map((b) => b / 1024 / 1024),
      ).slope,
    ),
    rssEvery5sMB: rss.filter((_, i) => i % 5 === 0).map(mb),
    heapUsedMB: mb(heapUsed),
    heapTotalMB: mb(heapTotal),
    heapLiveEndMB: mb(heapLive),
    externalMB: mb(external),
    loopP99Ms: Math.round(h.percentile(99) / 1e5) / 10,
    sockets: openSockets(),
    diskWriteMBps: Math.round(((io1.writeBytes - io0.writeBytes) / 1024 / 1024 / (wall / 1e6)) * 100) / 100,
    writeCallMBps: Math.round(((io1.wchar - io0.wchar) / 1024 / 1024 / (wall / 1e6)) * 100) / 100,
  };
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
  const r = await measure(() => n, Math.min(warmupMs, 10_000)); // bare sockets have no cache to fill
  for (const ws of sockets) ws.terminate();
  return { phase: 'bare ws', connectMs, ...r };
}

/** Bytes of the cache's SQLite file in use (pages minus free pages), as another connection sees it. */
function cacheBytes(reader: DatabaseSync): number {
  const pragma = (name: string) => Object.values(reader.prepare(`PRAGMA ${name}`).get() ?? {})[0] as number;
  return (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');
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
    const reader = new DatabaseSync(join(dir, 'farms.sqlite'), { readOnly: true });
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
    const liveBy = performance.now() + Math.max(30_000, ports.length * 10);
    while (performance.now() < liveBy && core.all().some((f) => f.link !== 'live'))
      await new Promise((r) => setTimeout(r, 100));
    const b0 = batches;
    const c0 = changed;
    let bytes0: number | undefined;
    let bytesAt = 0;
    const t0 = performance.now();
    const r = await measure(() => {
      if (bytes0 === undefined) [bytes0, bytesAt] = [cacheBytes(reader), performance.now()]; // window start
      return n;
    });
    const bytes1 = cacheBytes(reader);
    const bytesDt = (performance.now() - bytesAt) / 1000;
    const dt = (performance.now() - t0) / 1000;
    const live = core.all().filter((f) => f.link === 'live').length;
    reader.close();
    await core.dispose();
    const growthPerS = Math.max(0, bytes1 - (bytes0 ?? bytes1)) / bytesDt;
    return {
      phase: 'farm connections',
      connectMs,
      ...r,
      extra: {
        liveFarms: live,
        hubBatchesPerS: Math.round(((batches - b0) / dt) * 10) / 10,
        farmSummariesPushedPerS: Math.round((changed - c0) / dt),
        cacheGrowthMBps: Math.round((growthPerS / 1024 / 1024) * 100) / 100,
        cacheMBPerFarmPerDay: r1((growthPerS * 86_400) / ports.length / 1024 / 1024),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface FleetWindow {
  processes: number;
  /** CPU of the busiest fleet process over the measuring window, % of one core (a process uses one core). */
  cpuPctOfOneCoreMax: number;
  cpuPctOfOneCoreTotal: number;
  sentPerS: number;
  /** The fleet, not the core, set the pace: it sent under 95 % of its target, or a process was ≥ 90 % busy. */
  generatorLimited: boolean;
}

interface StartedFleet {
  ports: number[];
  parts: Fleet[];
  stop(): Promise<void>;
}

async function startFleets(): Promise<StartedFleet> {
  const parts: Fleet[] = [];
  try {
    for (let offset = 0; offset < farms; offset += FARMS_PER_FLEET_PROCESS) {
      const count = Math.min(FARMS_PER_FLEET_PROCESS, farms - offset);
      parts.push(await startFleet({ farms: count, sensors, mode: 'rate', hz: 1, offset, maxSeconds: 600 }));
    }
  } catch (err) {
    await Promise.all(parts.map((p) => p.stop()));
    throw err;
  }
  return {
    ports: parts.flatMap((p) => p.ports),
    parts,
    stop: async () => void (await Promise.all(parts.map((p) => p.stop()))),
  };
}

async function sampleFleet(fleet: StartedFleet) {
  const sent = await Promise.all(fleet.parts.map((p) => p.sent()));
  return {
    at: performance.now(),
    cpu: fleet.parts.map((p) => cpuMs(p.child.pid)),
    sent: sent.reduce((a, b) => a + b, 0),
  };
}

async function runPhaseInChild(
  phase: 'bare' | 'core',
  fleet: StartedFleet,
): Promise<{ result: PhaseResult; fleet: FleetWindow }> {
  const node = join(import.meta.dirname, '..', 'node_modules', '.bin', 'node');
  const child = spawn(
    node,
    [
      '--disable-warning=ExperimentalWarning',
      '--expose-gc', // the live heap at both ends of the window
      import.meta.filename,
      ...['--phase', phase, '--seconds', String(seconds), '--warmup', String(warmupMs / 1000)],
      ...['--ports', fleet.ports.join(',')],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  const marks: Array<Promise<Awaited<ReturnType<typeof sampleFleet>>>> = [];
  child.stdout.on('data', (d: Buffer) => {
    out += String(d);
    // Sample the fleet as each window mark arrives.
    for (let seen = out.split('{"mark":').length - 1; marks.length < seen;) marks.push(sampleFleet(fleet));
  });
  const limitMs = (warmupMs / 1000 + seconds + 90 + farms / 50) * 1000;
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  await new Promise((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  const line = out.split('\n').find((l) => l.startsWith('{"phase"'));
  if (!line) throw new Error(`phase ${phase} printed no result`);
  const [a, b] = await Promise.all(marks.slice(0, 2));
  const window = (b!.at - a!.at) / 1000;
  const pct = b!.cpu.map((c, i) => (c - a!.cpu[i]!) / 10 / window);
  const sentPerS = Math.round((b!.sent - a!.sent) / window);
  return {
    result: JSON.parse(line) as PhaseResult,
    fleet: {
      processes: pct.length,
      cpuPctOfOneCoreMax: r1(Math.max(...pct)),
      cpuPctOfOneCoreTotal: r1(pct.reduce((x, y) => x + y, 0)),
      sentPerS,
      generatorLimited: sentPerS < farms * sensors * 0.95 || Math.max(...pct) >= 90,
    },
  };
}

if (values.phase) {
  const ports = (values.ports ?? '').split(',').map(Number);
  const result = values.phase === 'bare' ? await barePhase(ports) : await corePhase(ports);
  console.log(JSON.stringify(result));
  process.exit(0);
} else {
  const limit = openFileLimit();
  const needed = Math.max(farms, 2 * Math.min(farms, FARMS_PER_FLEET_PROCESS)) + 200;
  if (limit < needed) {
    console.error(
      `farms-scale: ${farms} farms need about ${needed} open files per process, and the limit here is ${limit}. ` +
        'Raise it (ulimit -n) or run fewer farms.',
    );
    process.exit(2);
  }
  const fleet = await startFleets();
  try {
    const bare = values['skip-baseline'] ? null : await runPhaseInChild('bare', fleet);
    const core = await runPhaseInChild('core', fleet);
    console.log(
      JSON.stringify(
        {
          bench: 'farms-scale',
          farms,
          sensorsPerFarm: sensors,
          hz: 1,
          seconds,
          warmupS: warmupMs / 1000,
          baseline: bare?.result ?? null,
          core: core.result,
          fleet: { duringBaseline: bare?.fleet ?? null, duringCore: core.fleet },
          ratios: bare
            ? {
                cpu:
                  Math.round(
                    (core.result.cpuPctOfOneCore / Math.max(0.1, bare.result.cpuPctOfOneCore)) * 100,
                  ) / 100,
                rss: Math.round((core.result.rssMB / bare.result.rssMB) * 100) / 100,
              }
            : null,
          target: { cpuPctOfOneCore: '< 25', rssMB: '< 300' },
          pass:
            core.result.cpuPctOfOneCore < 25 &&
            core.result.rssMB < 300 &&
            core.result.readingsPerS >= farms * sensors * 0.95,
        },
        null,
        2,
      ),
    );
  } finally {
    await fleet.stop();
  }
}
