/**
 * History for a simulated farm at start, so charts have data at once: `spanMs` back from now, continuing
 * after what is already stored. Time older than the raw retention would be deleted as raw rows anyway,
 * so it is written as rollups only, a day per transaction; the recent part goes through ingest as raw
 * readings (with their rollups), an hour per batch. A year takes seconds, not the hours that a reading at
 * a time through ingest would.
 */
import type { Logger } from '../../kit/log.ts';
import type { Ingest } from '../ingest.ts';
import { DAY, HOUR, MINUTE, type ReadingStore } from '../store/readings.ts';
import { floorTo } from '../store/rollups.ts';
import type { FarmSimulator } from './farm-sim.ts';

/** Raw readings start this far inside the raw retention, so none turns too old while backfill runs. */
const RAW_MARGIN_MS = 10 * MINUTE;

export interface BackfillOptions {
  simulator: FarmSimulator;
  readings: ReadingStore;
  ingest: Ingest;
  now: number;
  spanMs: number;
  rawRetentionMs: number;
  log: Logger;
}

export interface BackfillResult {
  from: number;
  rollupOnlyReadings: number;
  rawReadings: number;
  ms: number;
}

/**
 * Where stored history ends: after the newest raw reading, or after the newest minute of rollups when
 * those reach further (an earlier backfill stopped between its rollup-only days and its raw part).
 */
export function storedUntil(readings: ReadingStore, sensorIds: readonly string[]): number {
  let until = 0;
  for (const id of sensorIds) {
    const raw = readings.latest(id)?.ts;
    const minute = readings.newestRollup(id);
    if (minute !== undefined && (raw === undefined || minute > floorTo(raw, MINUTE)))
      until = Math.max(until, minute + MINUTE);
    else if (raw !== undefined) until = Math.max(until, raw + 1);
  }
  return until;
}

export function backfillSimulated(o: BackfillOptions): BackfillResult {
  const started = performance.now();
  const { simulator, now } = o;
  const from = Math.max(
    now - o.spanMs,
    storedUntil(
      o.readings,
      simulator.layout.sensors.map((s) => s.id),
    ),
  );
  const rawFrom = Math.max(from, floorTo(now - o.rawRetentionMs + RAW_MARGIN_MS, HOUR) + HOUR);
  let rollupOnlyReadings = 0;
  let rawReadings = 0;
  simulator.startAt(from);
  // Day chunks on whole minutes, so a restart after a crash resumes after the last whole minute written.
  for (let t = from; t < rawFrom;) {
    const end = Math.min(floorTo(t, DAY) + DAY, rawFrom);
    rollupOnlyReadings += o.readings.insertRollupsOnly(simulator.advanceTo(end - 1));
    t = end;
  }
  for (let t = Math.max(from, rawFrom); t < now; t += HOUR) {
    rawReadings += o.ingest.ingest(simulator.advanceTo(Math.min(t + HOUR, now)), { publish: false }).accepted;
  }
  const result = { from, rollupOnlyReadings, rawReadings, ms: Math.round(performance.now() - started) };
  if (now - from > HOUR) o.log.info('history backfilled', result);
  return result;
}
