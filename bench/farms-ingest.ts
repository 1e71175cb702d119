/**
 * Ingest benchmark: N farms flood their streams; how many readings per second the farm-connections core
 * sustains (stream → validation → dedupe → cache → hub batches) compared with bare `ws` clients that only
 * JSON-parse the same streams, measured in the same run. Also the event-loop delay p99 of each phase.
 * Target: ratio ≥ 0.5.
 *
 *   npx node bench/farms-ingest.ts [--farms 20] [--sensors 10] [--seconds 5]
 */
import { wsText } from '../kit/ws-text.ts';
import { mkdtempSync, rmSync } from 'node:fs';
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
  options: { farms: { type: 'string' }, sensors: { type: 'string' }, seconds: { type: 'string' } },
});
const farms = Math.min(500, Number(values.farms ?? 20));
const sensors = Math.min(100, Number(values.sensors ?? 10));
const seconds = Math.min(60, Number(values.seconds ?? 5));
const warmupMs = 2_000;

async function measure(
  label: string,
  count: () => number,
): Promise<{ readingsPerS: number; loopP99Ms: number }> {
  await new Promise((r) => setTimeout(r, warmupMs));
  const h = monitorEventLoopDelay({ resolution: 10 });
  const c0 = count();
  const t0 = performance.now();
  h.enable();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  h.disable();
  const n = count() - c0;
  const dt = (performance.now() - t0) / 1000;
  const result = { readingsPerS: Math.round(n / dt), loopP99Ms: Math.round(h.percentile(99) / 1e5) / 10 };
  process.stderr.write(`${label}: ${JSON.stringify(result)}\n`);
  return result;
}

const rounds = 3;
const fleet = await startFleet({
  farms,
  sensors,
  mode: 'flood',
  maxSeconds: rounds * 2 * (seconds + 5) + 30,
});
const dirs: string[] = [];

/** Bare ws clients: JSON.parse and count. */
async function bareRound() {
  let bare = 0;
  const sockets = fleet.ports.map((port) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/stream`, { perMessageDeflate: false });
    ws.on('message', (data) => {
      const msg = JSON.parse(wsText(data)) as { type: string; readings?: unknown[] };
      if (msg.type === 'readings') bare += msg.readings!.length;
    });
    ws.on('error', () => {});
    return ws;
  });
  const result = await measure('bare ws', () => bare);
  for (const ws of sockets) ws.terminate();
  return result;
}

/** The core: one link per farm, readings counted at the hub's batched 'readings' event. */
async function coreRound() {
  const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-ingest-'));
  dirs.push(dir);
  const core = createFarmConnections({
    dataDir: dir,
    dialer: createTailnetDialer({ mode: 'simulated' }),
    log: silentLogger,
  });
  let hub = 0;
  let batches = 0;
  core.on('readings', (b) => {
    batches++;
    for (const f of b.farms) hub += f.readings.length;
  });
  await Promise.all(
    fleet.ports.map((port, i) => core.connect({ farmId: fleet.farmId(i), address: '127.0.0.1', port })),
  );
  const b0 = batches;
  const t0 = performance.now();
  const result = await measure('farm connections', () => hub);
  const hubBatchesPerS = Math.round(((batches - b0) / ((performance.now() - t0) / 1000)) * 10) / 10;
  await core.dispose();
  return { ...result, hubBatchesPerS };
}

try {
  const bare: Awaited<ReturnType<typeof bareRound>>[] = [];
  const core: Awaited<ReturnType<typeof coreRound>>[] = [];
  for (let r = 0; r < rounds; r++) {
    bare.push(await bareRound());
    core.push(await coreRound());
  }
  // Median round of each side: one noisy round (GC, the fleet's scheduling) does not decide the result.
  const median = <T extends { readingsPerS: number }>(xs: T[]) =>
    [...xs].sort((a, b) => a.readingsPerS - b.readingsPerS)[Math.floor(xs.length / 2)]!;
  const ratio = median(core).readingsPerS / median(bare).readingsPerS;
  console.log(
    JSON.stringify(
      {
        bench: 'farms-ingest',
        farms,
        sensorsPerFarm: sensors,
        seconds,
        rounds,
        baseline: { client: 'bare ws + JSON.parse', median: median(bare), all: bare },
        core: { median: median(core), all: core },
        ratio: Math.round(ratio * 100) / 100,
        target: { ratio: '>= 0.5' },
        pass: ratio >= 0.5,
      },
      null,
      2,
    ),
  );
} finally {
  await fleet.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
