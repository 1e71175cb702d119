/**
 * The self-contained gateway (`npm run dist:gateway`, a Node single-executable application) against the
 * same gateway under plain `node` in the same run: file size, start time (spawn to the "listening" line,
 * median of `--starts` runs, each its own process with a fresh data directory), RSS at idle once started,
 * and peak RSS and CPU while 10 sensors report at 1 Hz through the local push endpoint with one live-stream
 * client attached (a control room). RSS is given whole and as its anonymous part (heap and stacks: what
 * the process really costs; the rest is pages of the executable the kernel can drop). Three programs: the SEA binary, `node gateway/bin.ts` (the source,
 * the baseline every ratio divides by) and `node dist-gateway/agromesh-gateway.cjs` (the bundle inside
 * the binary, run by the same Node, to tell the bundling's share from the SEA's). The load phase runs the
 * three side by side, fed by this process, so they share the machine's noise.
 *
 *   node bench/gateway-binary.ts [--starts 7] [--settle 5] [--seconds 15]
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { wsText } from '../kit/ws-text.ts';
import { binaryPath, buildGateway, OUT_DIR } from '../scripts/dist/gateway.ts';
import { benchLayout, type RunningGateway, startGatewayProcess } from './_gateway-process.ts';
import { cpuMs, memory } from './_proc-stats.ts';

const { values } = parseArgs({
  options: { starts: { type: 'string' }, settle: { type: 'string' }, seconds: { type: 'string' } },
});
const STARTS = Math.max(5, Math.min(21, Number(values.starts ?? 7)));
const SETTLE_S = Math.max(1, Math.min(30, Number(values.settle ?? 5)));
const LOAD_S = Math.max(5, Math.min(60, Number(values.seconds ?? 15)));
const SENSORS = 10;
const HZ = 1;
const root = join(import.meta.dirname, '..');
const node = realpathSync(join(root, 'node_modules', '.bin', 'node'));
const deadline = Date.now() + 8 * 60_000; // the whole run, on top of every loop's own count

const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
await buildGateway({ arches: [arch] }); // cached: seconds when nothing changed
const bundle = join(OUT_DIR, 'agromesh-gateway.cjs');

interface Program {
  name: 'binary' | 'nodeSource' | 'nodeBundle';
  cmd: string;
  args: string[];
}
const programs: Program[] = [
  { name: 'nodeSource', cmd: node, args: [join(root, 'gateway', 'bin.ts')] },
  { name: 'nodeBundle', cmd: node, args: [bundle] },
  { name: 'binary', cmd: binaryPath(arch), args: [] },
];

const tmp = mkdtempSync(join(tmpdir(), 'agromesh-bench-binary-'));
const layoutFile = join(tmp, 'layout.json');
const layout = benchLayout(SENSORS, 1_000 / HZ);
writeFileSync(layoutFile, JSON.stringify(layout));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;
const mb = (bytes: number) => r1(bytes / 1e6);

const maxOf = (a: { rss: number; anon: number }, b: { rss: number; anon: number }) => ({
  rss: Math.max(a.rss, b.rss),
  anon: Math.max(a.anon, b.anon),
});

let runs = 0;
function start(p: Program): Promise<RunningGateway> {
  const dataDir = join(tmp, `${p.name}-${runs++}`);
  mkdirSync(dataDir);
  return startGatewayProcess({ name: p.name, cmd: p.cmd, args: p.args, layoutFile, dataDir });
}

/** SIGTERM, and the gateway's own clean stop (exit 0) within 10 s. */
async function stop(r: RunningGateway): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => r.child.once('exit', (code) => resolve(code)));
  r.child.kill('SIGTERM');
  const timer = setTimeout(() => r.child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

async function push(port: number, sensorId: string, ts: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/readings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ readings: [{ sensorId, ts, value: 20 + (ts % 997) / 50 }] }),
  });
  const body = (await res.json()) as { accepted?: number };
  if (res.status !== 200) throw new Error(`push answered ${res.status}`);
  return body.accepted ?? 0;
}

function streamClient(port: number): Promise<{ received: () => number; close: () => void }> {
  let n = 0;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/stream`, { perMessageDeflate: false });
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(wsText(data)) as { type: string; readings?: unknown[] };
    if (msg.type === 'readings') n += msg.readings!.length;
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => resolve({ received: () => n, close: () => ws.terminate() }));
  });
}

try {
  // 1. Start time: interleaved, so a noisy moment falls on every program alike.
  const startMs: Record<Program['name'], number[]> = { binary: [], nodeSource: [], nodeBundle: [] };
  const stopCodes: (number | null)[] = [];
  for (let i = 0; i < STARTS && Date.now() < deadline; i++) {
    for (const p of programs) {
      const r = await start(p);
      startMs[p.name].push(r.startMs);
      stopCodes.push(await stop(r));
    }
  }

  // 2. Idle, then 10 sensors at 1 Hz: the three side by side.
  const running = await Promise.all(programs.map((p) => start(p)));
  await sleep(SETTLE_S * 1000);
  const idle = running.map((r) => memory(r.pid));
  const clients = await Promise.all(running.map((r) => streamClient(r.port)));
  const cpu0 = running.map((r) => cpuMs(r.pid) / 1000);
  const peak = running.map(() => ({ rss: 0, anon: 0 }));
  const accepted = running.map(() => 0);
  const t0 = performance.now();
  const ticks = LOAD_S * SENSORS * HZ; // one reading per tick, sensors staggered over each second
  for (let k = 0; k < ticks && Date.now() < deadline; k++) {
    const due = t0 + (k * 1000) / (SENSORS * HZ);
    await sleep(Math.max(0, due - performance.now()));
    const ts = Date.now();
    const got = await Promise.all(running.map((r) => push(r.pushPort, `s-${k % SENSORS}`, ts)));
    got.forEach((n, i) => (accepted[i]! += n));
    if (k % SENSORS === 0) running.forEach((r, i) => (peak[i] = maxOf(peak[i]!, memory(r.pid))));
  }
  await sleep(1_000 / HZ); // the last readings reach the stream
  const loadS = (performance.now() - t0) / 1000;
  const cpuPct = running.map((r, i) => r1(((cpuMs(r.pid) / 1000 - cpu0[i]!) / loadS) * 100));
  const load = running.map((r, i) => maxOf(peak[i]!, memory(r.pid)));
  const current = await Promise.all(
    running.map(async (r) => {
      const res = await fetch(`http://127.0.0.1:${r.port}/api/data/current`);
      const body = (await res.json()) as { readings: { quality: string }[] };
      return body.readings.filter((x) => x.quality === 'ok').length;
    }),
  );
  const streamed = clients.map((c) => c.received());
  for (const c of clients) c.close();
  for (const r of running) stopCodes.push(await stop(r));

  const binarySize = statSync(binaryPath(arch)).size;
  const nodeSize = statSync(node).size;
  const bundleSize = statSync(bundle).size;
  const per = (name: Program['name'], i = programs.findIndex((p) => p.name === name)) => ({
    startMsMedian: r1(median(startMs[name])),
    startMsAll: startMs[name].map(r1),
    idleRssMB: mb(idle[i]!.rss),
    idleAnonMB: mb(idle[i]!.anon),
    loadPeakRssMB: mb(load[i]!.rss),
    loadPeakAnonMB: mb(load[i]!.anon),
    loadCpuPctOfOneCore: cpuPct[i]!,
    readingsAccepted: accepted[i]!,
    readingsStreamed: streamed[i]!,
    sensorsCurrentOk: current[i]!,
  });
  const bin = per('binary');
  const src = per('nodeSource');
  const bun = per('nodeBundle');
  const expected = ticks;
  console.log(
    JSON.stringify(
      {
        bench: 'gateway-binary',
        arch,
        sensors: SENSORS,
        hz: HZ,
        loadSeconds: LOAD_S,
        starts: STARTS,
        sizeMB: {
          binary: mb(binarySize),
          node: mb(nodeSize),
          bundle: r2(bundleSize / 1e6),
          nodePlusBundle: mb(nodeSize + bundleSize),
        },
        baseline: { program: 'node gateway/bin.ts', ...src },
        nodeBundle: { program: 'node dist-gateway/agromesh-gateway.cjs', ...bun },
        binary: { program: `dist-gateway/agromesh-gateway-linux-${arch}`, ...bin },
        ratiosBinaryToNode: {
          size: r2(binarySize / (nodeSize + bundleSize)),
          startMs: r2(bin.startMsMedian / src.startMsMedian),
          idleRss: r2(bin.idleRssMB / src.idleRssMB),
          idleAnon: r2(bin.idleAnonMB / src.idleAnonMB),
          loadRss: r2(bin.loadPeakRssMB / src.loadPeakRssMB),
          loadAnon: r2(bin.loadPeakAnonMB / src.loadPeakAnonMB),
        },
        ratiosBinaryToNodeBundle: {
          startMs: r2(bin.startMsMedian / bun.startMsMedian),
          idleRss: r2(bin.idleRssMB / bun.idleRssMB),
          idleAnon: r2(bin.idleAnonMB / bun.idleAnonMB),
          loadRss: r2(bin.loadPeakRssMB / bun.loadPeakRssMB),
          loadAnon: r2(bin.loadPeakAnonMB / bun.loadPeakAnonMB),
        },
        cleanStops: `${stopCodes.filter((c) => c === 0).length}/${stopCodes.length}`,
        pass:
          stopCodes.every((c) => c === 0) &&
          [bin, src, bun].every(
            (x) =>
              x.readingsAccepted === expected &&
              x.readingsStreamed === expected &&
              x.sensorsCurrentOk === SENSORS,
          ),
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
