/**
 * Alert evaluation cost on the live stream: N farms × M sensors, the default rules plus two custom
 * thresholds, readings fed in hub-sized batches (one per farm per flush). Compared with JSON-parsing the
 * same batches (the least any consumer of the stream pays), measured in the same run: ratio = alert
 * evaluation throughput / parse throughput (target ≥ 1: alerts cost no more than reading the stream).
 * Also: one time-driven tick over the fleet, and a storm (every farm offline at once → one notice).
 *
 *   npx node bench/alerts-eval.ts [--farms 1000] [--sensors 6] [--rounds 60]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FarmSummary } from '../protocol/app/index.ts';
import type { FarmInfo, Reading } from '../protocol/farm-api.ts';
import { createAlertService } from '../main/core/alerts/service.ts';

const { values } = parseArgs({
  options: { farms: { type: 'string' }, sensors: { type: 'string' }, rounds: { type: 'string' } },
});
const farms = Math.min(5_000, Number(values.farms ?? 1_000));
const sensors = Math.min(50, Number(values.sensors ?? 6));
const rounds = Math.min(600, Number(values.rounds ?? 60));

let now = Date.parse('2025-06-01T10:00:00Z');
const clock = { now: () => now };
const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-alerts-'));
const notices: string[] = [];
const alerts = createAlertService({
  dataDir: dir,
  clock,
  tickMs: 0,
  aggregation: { windowMs: 0 },
  notifier: { notify: (n) => void notices.push(n.title) },
});
for (const above of [35, 38]) {
  alerts.saveRule(
    {
      name: `Above ${above}`,
      enabled: true,
      severity: 'warning',
      farmId: null,
      sensorId: null,
      condition: {
        kind: 'threshold',
        sensorKind: 'air_temperature',
        above,
        below: null,
        hysteresis: 1,
        forS: 300,
      },
      notify: 'fire',
      webhookUrl: null,
    },
    'bench',
  );
}

const ids = Array.from({ length: farms }, (_, i) => `farm-${i}`);
const info = (farmId: string): FarmInfo => ({
  apiVersion: 1,
  farmId,
  name: farmId,
  location: null,
  timeZone: 'UTC',
  sensors: Array.from({ length: sensors }, (_, s) => ({
    id: `s${s}`,
    kind: s % 2 === 0 ? 'air_temperature' : 'soil_moisture',
    label: `Sensor ${s}`,
    unit: '°C',
    expectedRange: { min: 0, max: 40 },
    intervalMs: 1_000,
  })),
  actuators: [],
  gatewayVersion: 'bench',
  capabilities: [],
});
const infos = new Map(ids.map((id) => [id, info(id)]));
const batchFor = (round: number): Array<{ farmId: string; readings: Reading[] }> =>
  ids.map((farmId, f) => ({
    farmId,
    readings: Array.from({ length: sensors }, (_, s) => ({
      sensorId: `s${s}`,
      ts: now,
      // A few farms run hot (they fire once and stay firing); the rest wander inside the range.
      value: f % 50 === 0 ? 39 : 20 + ((round + f + s) % 10),
      quality: 'ok' as const,
    })),
  }));

function timeIt(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

// Warm up both paths once.
const warm = batchFor(0);
for (const b of warm) alerts.onReadings(b.farmId, b.readings, infos.get(b.farmId));
JSON.parse(JSON.stringify(warm));

let evalMs = 0;
let parseMs = 0;
for (let r = 1; r <= rounds; r++) {
  now += 1_000;
  const batch = batchFor(r);
  const wire = batch.map((b) => JSON.stringify({ type: 'readings', seq: r, readings: b.readings }));
  parseMs += timeIt(() => {
    for (const w of wire) JSON.parse(w);
  });
  evalMs += timeIt(() => {
    for (const b of batch) alerts.onReadings(b.farmId, b.readings, infos.get(b.farmId));
  });
}
const total = rounds * farms * sensors;
const tickMs = timeIt(() => alerts.tick());

const summary = (farmId: string, down: boolean): FarmSummary => {
  const layer = (ok: boolean) => ({ state: ok ? ('ok' as const) : ('down' as const), at: null, detail: '' });
  return {
    farmId,
    address: '100.64.0.1',
    dnsName: '',
    displayName: farmId,
    location: null,
    timeZone: 'UTC',
    tags: [],
    notes: '',
    health: {
      overall: down ? 'offline' : 'ok',
      reason: '',
      tailnet: layer(!down),
      gateway: layer(true),
      data: layer(true),
    },
    latest: [],
    lastReadingAt: null,
    sensors: [],
  };
};
for (const id of ids) alerts.onHealth(summary(id, true));
now += 6 * 60_000;
const before = notices.length;
const stormMs = timeIt(() => alerts.tick());
await alerts.flushNotifications();

console.log(
  JSON.stringify({
    alertsEval: {
      farms,
      sensors,
      readings: total,
      evalReadingsPerS: Math.round(total / (evalMs / 1000)),
      parseReadingsPerS: Math.round(total / (parseMs / 1000)),
      ratioEvalToParse: Math.round((parseMs / evalMs) * 100) / 100,
      tickMs: Math.round(tickMs * 10) / 10,
      stormFarms: farms,
      stormTickMs: Math.round(stormMs),
      stormNotices: notices.length - before,
      stormNotice: notices.at(-1),
      firing: alerts.counts().firing,
    },
  }),
);
await alerts.dispose();
rmSync(dir, { recursive: true, force: true });
