/**
 * Ingest benchmark: N farms flood their streams; how many readings per second the farm-connections core
 * sustains (stream → validation → dedupe → cache → hub batches) compared with bare `ws` clients that only
 * JSON-parse the same streams, measured in the same run. Also the event-loop delay p99 of each phase.
 * Target: ratio ≥ 0.5.
 *
 *   npx node bench/farms-ingest.ts [--farms 20] [--sensors 10] [--seconds 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { silentLogger } from '../kit/log.ts';
import { createTailnetDialer } from '../main/core/farms/dialer.ts';
import { createFarmConnections } from '../main/core/farms/connections.ts';
import { startFleet } from './farms-fleet.ts';

const { values } = parseArgs({
  options: { farms: { type: 'string' }, sensors: { type: 'string' }, seconds: { type: 'string' } },
});
const farms = Math.min(500, Number(values.farms ?? 20));
const sensors = Math.min(100, Number(values.sensors ?? 10));
const seconds = Math.min(60, Number(values.seconds ?? 5));
const warmupMs = 1_000;

async function measure(label: string, count: () => number): Promise<{ readingsPerS: number; loopP99Ms: number }> {
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

const fleet = await startFleet({ farms, sensors, mode: 'flood', maxSeconds: 4 * (seconds + 5) + 30 });
const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-ingest-'));
try {
  // Baseline: bare ws clients, JSON.parse and count.
  let bare = 0;
  const sockets = fleet.ports.map((port) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/stream`, { perMessageDeflate: false });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: string; readings?: unknown[] };
      if (msg.type === 'readings') bare += msg.readings!.length;
    });
    ws.on('error', () => {});
    return ws;
  });
  const baseline = await measure('bare ws', () => bare);
  for (const ws of sockets) ws.terminate();

  // The core: one link per farm, hub batches counted at the 'readings' event.
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
  await Promise.all(fleet.ports.map((port, i) => core.connect({ farmId: fleet.farmId(i), address: '127.0.0.1', port })));
  const b0 = batches;
  const t0 = performance.now();
  const withCore = await measure('farm connections', () => hub);
  const batchesPerS = (batches - b0) / ((performance.now() - t0) / 1000);
  await core.dispose();

  console.log(
    JSON.stringify(
      {
        bench: 'farms-ingest',
        farms,
        sensorsPerFarm: sensors,
        seconds,
        baseline: { client: 'bare ws + JSON.parse', ...baseline },
        core: { ...withCore, hubBatchesPerS: Math.round(batchesPerS * 10) / 10 },
        ratio: Math.round((withCore.readingsPerS / baseline.readingsPerS) * 100) / 100,
        target: { ratio: '>= 0.5' },
        pass: withCore.readingsPerS / baseline.readingsPerS >= 0.5,
      },
      null,
      2,
    ),
  );
} finally {
  await fleet.stop();
  rmSync(dir, { recursive: true, force: true });
}
