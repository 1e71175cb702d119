/**
 * A farm gateway under load, every party in its own process: the gateway (`agromesh gateway`, 20 sensors),
 * a sensor program pushing readings over the local push endpoint (bench/_push-readings.ts: 500 per
 * request, 4 in flight) and 10 control rooms on its live stream (bench/_stream-subscribers.ts, `ws`
 * clients in one process). Three phases per round:
 *   1. ingest alone: readings/s stored, the gateway's CPU;
 *   2. ingest with 10 subscribers: readings/s stored, whether every subscriber got every reading, CPU;
 *   3. the fan-out limit: a bare `ws` server (bench/_same-frames-ws.ts) sending the gateway's own frames,
 *      captured in phase 2, to the same 10 subscribers as fast as they take them.
 * Ratios: ingest with subscribers / ingest alone (what fan-out costs ingest), delivered readings/s / the
 * limit's, and the CPU the stream adds to the gateway per delivered reading against the bare server's. Each generator's CPU is
 * reported so a saturated one shows. Median and [min, max] over ROUNDS (default 3).
 *
 *   node bench/gateway-load.ts [--seconds 5] [--rounds 3]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchLayout, startGatewayProcess } from './_gateway-process.ts';
import { cpuMeter } from './_proc-stats.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, rounds: { type: 'string' } } });
const SECONDS = Math.max(2, Math.min(30, Number(values.seconds ?? 5)));
const ROUNDS = Math.max(1, Math.min(7, Number(values.rounds ?? 3)));
const SENSORS = 20;
const SUBSCRIBERS = 10;
const BATCH = 500;
const INFLIGHT = 4;
const DAY = 86_400_000;
const root = join(import.meta.dirname, '..');
const here = import.meta.dirname;
const node = process.execPath;
const deadline = Date.now() + 5 * 60_000; // the whole run, on top of every loop's own count

const tmp = mkdtempSync(join(tmpdir(), 'agromesh-bench-load-'));
const layoutFile = join(tmp, 'layout.json');
const layout = benchLayout(SENSORS);
writeFileSync(layoutFile, JSON.stringify(layout));

/** A helper process; `lines` yields its stdout lines as they come. */
function child(script: string, args: string[]): { proc: ChildProcess; line: () => Promise<string> } {
  const proc = spawn(node, ['--disable-warning=ExperimentalWarning', join(here, script), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const queue: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  let buf = '';
  proc.stdout.on('data', (d: Buffer) => {
    buf += String(d);
    for (let i = buf.indexOf('\n'); i !== -1; i = buf.indexOf('\n')) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting.shift();
      if (w) w(l);
      else queue.push(l);
    }
  });
  const line = () =>
    new Promise<string>((resolve, reject) => {
      const q = queue.shift();
      if (q !== undefined) return resolve(q);
      const timer = setTimeout(() => reject(new Error(`${script}: no output in 60 s`)), 60_000);
      waiting.push((l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
  return { proc, line };
}

interface Push {
  accepted: number;
  failed: number;
  readingsPerS: number;
  p50Ms: number;
  p99Ms: number;
  nextStartTs: number;
}
interface Subs {
  clients: number;
  minReadings: number;
  maxReadings: number;
  seconds: number;
}

let startTs = Date.now() - 20 * DAY; // old enough that a whole run stays in the past, young enough to keep

async function push(pushPort: number): Promise<{ push: Push; pusherCpuPct: number }> {
  const p = child('_push-readings.ts', [
    `http://127.0.0.1:${pushPort}`,
    String(SENSORS),
    String(SECONDS),
    String(INFLIGHT),
    String(BATCH),
    String(startTs),
  ]);
  const cpu = cpuMeter(p.proc.pid!);
  const result = JSON.parse(await p.line()) as Push;
  const pusherCpuPct = cpu();
  if (result.failed > 0) throw new Error(`${result.failed} pushes failed`);
  startTs = result.nextStartTs;
  return { push: result, pusherCpuPct };
}

async function subscribers(url: string, capture?: string) {
  const s = child('_stream-subscribers.ts', [url, String(SUBSCRIBERS), ...(capture ? [capture] : [])]);
  if ((await s.line()) !== 'ready') throw new Error('subscribers did not start');
  const cpu = cpuMeter(s.proc.pid!);
  return {
    finish: async (total: number) => {
      s.proc.stdin!.write(`expect ${total}\n`);
      const r = JSON.parse(await s.line()) as Subs;
      return { ...r, cpuPct: cpu() };
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r3 = (x: number) => +x.toFixed(3);
/** [median, min, max] over the rounds. */
const spread = (xs: number[]) => [r3(median(xs)), r3(Math.min(...xs)), r3(Math.max(...xs))];

const rounds: Record<string, number>[] = [];
const dataDir = join(tmp, 'gateway');
mkdirSync(dataDir);
const gw = await startGatewayProcess({ name: 'load', cmd: node, args: [join(root, 'bin', 'agromesh.js'), 'gateway'], layoutFile, dataDir });
try {
  const framesFile = join(tmp, 'frames.json');
  for (let round = 0; round < ROUNDS && Date.now() < deadline; round++) {
    // 1. Ingest alone.
    let gwCpu = cpuMeter(gw.pid);
    const alone = await push(gw.pushPort);
    const aloneCpu = gwCpu();

    // 2. Ingest with ten control rooms on the stream.
    const subs = await subscribers(`ws://127.0.0.1:${gw.port}/api/stream`, framesFile);
    gwCpu = cpuMeter(gw.pid);
    const loaded = await push(gw.pushPort);
    const got = await subs.finish(loaded.push.accepted);
    const loadedCpu = gwCpu();
    if (got.minReadings < loaded.push.accepted)
      throw new Error(`a subscriber got ${got.minReadings} of ${loaded.push.accepted} readings`);

    // 3. The same frames from a bare ws server, as fast as the subscribers take them.
    const bare = child('_same-frames-ws.ts', [framesFile, String(SUBSCRIBERS), String(SECONDS)]);
    const barePort = Number(await bare.line());
    const bareCpu = cpuMeter(bare.proc.pid!);
    const limitSubs = await subscribers(`ws://127.0.0.1:${barePort}/`);
    const sent = JSON.parse(await bare.line()) as { readingsPerClient: number };
    const limit = await limitSubs.finish(sent.readingsPerClient);
    const bareCpuPct = bareCpu();
    bare.proc.kill('SIGTERM');

    const deliveredPerS = loaded.push.accepted / got.seconds;
    const limitPerS = limit.minReadings / limit.seconds;
    rounds.push({
      ingestAloneReadingsPerS: alone.push.readingsPerS,
      ingestAloneGatewayCpuPct: aloneCpu,
      ingestAlonePushP99Ms: alone.push.p99Ms,
      pusherCpuPct: alone.pusherCpuPct,
      fanoutIngestReadingsPerS: loaded.push.readingsPerS,
      fanoutDeliveredPerSubscriberPerS: Math.round(deliveredPerS),
      fanoutGatewayCpuPct: loadedCpu,
      fanoutPushP99Ms: loaded.push.p99Ms,
      fanoutSubscribersCpuPct: got.cpuPct,
      limitDeliveredPerSubscriberPerS: Math.round(limitPerS),
      limitServerCpuPct: bareCpuPct,
      limitSubscribersCpuPct: limit.cpuPct,
      ratioIngestWithSubscribers: loaded.push.readingsPerS / alone.push.readingsPerS,
      ratioDeliveredToLimit: deliveredPerS / limitPerS,
      // What the stream adds to the gateway's CPU per delivered reading (its CPU with subscribers per
      // reading stored, less that without), against the bare server's CPU per delivered reading.
      ratioFanoutCpuPerDelivered:
        (loadedCpu / loaded.push.readingsPerS - aloneCpu / alone.push.readingsPerS) /
        SUBSCRIBERS /
        (bareCpuPct / (limitPerS * SUBSCRIBERS)),
    });
  }
} finally {
  gw.child.kill('SIGTERM');
  await new Promise((r) => gw.child.once('exit', r));
  rmSync(tmp, { recursive: true, force: true });
}

const pick = (k: string) => spread(rounds.map((r) => r[k]!));
console.log(
  JSON.stringify(
    {
      bench: 'gateway-load',
      command: `node bench/gateway-load.ts --seconds ${SECONDS} --rounds ${ROUNDS}`,
      setup: `${SENSORS} sensors; pushes of ${BATCH} readings, ${INFLIGHT} in flight; ${SUBSCRIBERS} stream subscribers; every party its own process`,
      rounds: rounds.length,
      figures: '[median, min, max] over the rounds',
      ingestAlone: {
        readingsPerS: pick('ingestAloneReadingsPerS'),
        gatewayCpuPct: pick('ingestAloneGatewayCpuPct'),
        pushP99Ms: pick('ingestAlonePushP99Ms'),
        pusherCpuPct: pick('pusherCpuPct'),
      },
      ingestWith10Subscribers: {
        readingsPerS: pick('fanoutIngestReadingsPerS'),
        deliveredPerSubscriberPerS: pick('fanoutDeliveredPerSubscriberPerS'),
        everyReadingDelivered: true,
        gatewayCpuPct: pick('fanoutGatewayCpuPct'),
        pushP99Ms: pick('fanoutPushP99Ms'),
        subscribersCpuPct: pick('fanoutSubscribersCpuPct'),
      },
      fanoutLimitSameFrames: {
        deliveredPerSubscriberPerS: pick('limitDeliveredPerSubscriberPerS'),
        serverCpuPct: pick('limitServerCpuPct'),
        subscribersCpuPct: pick('limitSubscribersCpuPct'),
      },
      ratios: {
        ingestWithSubscribersToAlone: pick('ratioIngestWithSubscribers'),
        deliveredToSameFramesLimit: pick('ratioDeliveredToLimit'),
        fanoutCpuPerDeliveredToBare: pick('ratioFanoutCpuPerDelivered'),
      },
    },
    null,
    2,
  ).replace(/\[\s+([-\d.,\s]+?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`),
);
