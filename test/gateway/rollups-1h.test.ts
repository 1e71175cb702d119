/**
 * The hourly rollup tier: exact sums and extremes across batches, the query choosing it for long ranges
 * (with spikes and edges intact), the schema step that fills it on an upgraded file, and its retention.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Reading } from '../../protocol/farm-api.ts';
import { openDatabase } from '../../kit/sqlite.ts';
import { gatewayMigrations, openGatewayDatabase } from '../../gateway/store/db.ts';
import {
  DAY,
  HOUR,
  MINUTE,
  type ReadingStore,
  type RollupRow,
  createReadingStore,
  defaultRetention,
} from '../../gateway/store/readings.ts';
import { queryHistory } from '../../gateway/history/query.ts';
import { T0, tempDir } from './helpers.ts';

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

function memoryStore(): ReadingStore {
  const db = openGatewayDatabase(null);
  closers.push(() => db.close());
  return createReadingStore(db);
}

const reading = (sensorId: string, ts: number, value: number | null): Reading => ({
  sensorId,
  ts,
  value,
  quality: value === null ? 'fault' : 'ok',
});

/** What the hour must hold, folded from the minutes (min/max: the earliest of equal values). */
function foldMinutes(minutes: RollupRow[], hour: number): RollupRow {
  const inHour = minutes.filter((m) => m.bucket >= hour && m.bucket < hour + HOUR);
  const withValues = inHour.filter((m) => m.min !== null);
  const lowest = withValues.reduce<RollupRow | null>((a, m) => (!a || m.min! < a.min! ? m : a), null);
  const highest = withValues.reduce<RollupRow | null>((a, m) => (!a || m.max! > a.max! ? m : a), null);
  return {
    bucket: hour,
    n: inHour.reduce((a, m) => a + m.n, 0),
    faults: inHour.reduce((a, m) => a + m.faults, 0),
    sum: inHour.reduce((a, m) => a + m.sum, 0),
    min: lowest?.min ?? null,
    min_ts: lowest?.min_ts ?? null,
    max: highest?.max ?? null,
    max_ts: highest?.max_ts ?? null,
  };
}

describe('hourly rollups', () => {
  it('hold the same n, faults and sum as the minutes they cover, and exact min/max at their times, across batches that straddle hours', () => {
    const store = memoryStore();
    const start = T0 - 3 * HOUR + 17 * MINUTE; // not on an hour
    const all: Reading[] = [];
    for (let i = 0; i < 4 * 360; i++) {
      // Every 10 s for 4 hours, a fault now and then, a distinct value each time.
      const ts = start + i * 10_000;
      all.push(reading('p', ts, i % 97 === 13 ? null : Math.round(1000 * Math.sin(i / 37) + i) / 10));
    }
    all[700] = reading('p', all[700]!.ts, 999); // a spike
    // Batches of 333 readings: each crosses minute and hour boundaries at odd places; one is sent twice.
    for (let i = 0; i < all.length; i += 333) store.insert(all.slice(i, i + 333));
    store.insert(all.slice(333, 666));

    const hours = store.rollups('p', start, start + 4 * HOUR, '1h');
    expect(hours.map((h) => h.bucket)).toEqual([0, 1, 2, 3, 4].map((k) => T0 - 3 * HOUR + k * HOUR));
    const minutes = store.rollups('p', start, start + 4 * HOUR);
    for (const h of hours) {
      const expected = foldMinutes(minutes, h.bucket);
      expect({ ...h, sum: 0 }).toEqual({ ...expected, sum: 0 });
      expect(h.sum).toBeCloseTo(expected.sum, 6);
    }
    // And against the readings themselves: no duplicate counted, the spike where it happened.
    const values = all.filter((r) => r.value !== null);
    expect(hours.reduce((a, h) => a + h.n, 0)).toBe(values.length);
    expect(hours.reduce((a, h) => a + h.faults, 0)).toBe(all.length - values.length);
    expect(hours.find((h) => h.max === 999)).toMatchObject({ max_ts: all[700].ts });
  });

  it('answer a year (a spike inside an hour survives, no point outside the range); short ranges stay on minutes or raw', () => {
    const store = memoryStore();
    const end = T0;
    const from = end - 365 * DAY;
    const spikeAt = from + 200 * DAY + 23 * MINUTE + 20_000;
    const batch: Reading[] = [];
    for (let ts = from - DAY; ts <= end; ts += 10 * MINUTE) {
      batch.push(reading('p', ts, 20 + 5 * Math.sin(ts / DAY)));
      if (batch.length === 5_000) store.insert(batch.splice(0));
    }
    batch.push(reading('p', spikeAt, 87.5), reading('p', from - 5 * MINUTE, -40)); // -40: before the range
    store.insert(batch);
    const ctx = { now: end, rawRetentionMs: 30 * DAY, intervalMs: 10 * MINUTE };
    const ask = (a: number, b: number, maxPoints = 1000) =>
      queryHistory(store, { sensor: 'p', from: a, to: b, maxPoints }, ctx);

    const year = ask(from + 7 * MINUTE, end);
    expect(year).toMatchObject({ source: 'rollup-1h', method: 'minmax' });
    expect(year.points.length).toBeGreaterThan(900);
    expect(year.points.length).toBeLessThanOrEqual(1000);
    expect(year.resolutionMs % HOUR).toBe(0);
    expect(year.points).toContainEqual([spikeAt, 87.5]);
    expect(year.points.every(([ts]) => ts >= from + 7 * MINUTE && ts <= end)).toBe(true);
    expect(year.points.map((p) => p[1])).not.toContain(-40);
    // Sorted in time, as a chart draws them.
    expect(year.points.every((p, i) => i === 0 || p[0] >= year.points[i - 1]![0])).toBe(true);

    expect(ask(end - DAY, end).source).toBe('raw');
    expect(ask(end - 60 * DAY, end - 55 * DAY)).toMatchObject({ source: 'rollup-1m' });
    const week = ask(from + 199 * DAY, from + 202 * DAY);
    expect(week.source).toBe('rollup-1m');
    expect(week.points).toContainEqual([spikeAt, 87.5]);
  });

  it('are filled from the stored minutes when a file of the previous schema is opened', () => {
    const dir = tempDir();
    closers.push(dir.remove);
    const file = join(dir.path, 'gateway.sqlite');
    // The previous version: schema 1, minutes only.
    const old = openDatabase({ file, component: 'gateway', migrations: gatewayMigrations.slice(0, 1) });
    const minute = old.prepare(
      'INSERT INTO rollups_1m (sensor_id, bucket, n, faults, sum, min, min_ts, max, max_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const h = T0 - 10 * HOUR;
    minute.run('a', h, 4, 0, 100, 20, h + 5_000, 30, h + 40_000);
    minute.run('a', h + 7 * MINUTE, 2, 2, 130, 64, h + 7 * MINUTE + 1_000, 66, h + 7 * MINUTE + 9_000); // the hour's max
    minute.run('a', h + 59 * MINUTE, 3, 0, 30, 5, h + 59 * MINUTE + 30_000, 15, h + 59 * MINUTE); // the hour's min
    minute.run('a', h + HOUR, 0, 6, 0, null, null, null, null); // an hour of faults only
    minute.run('b', h + 3 * MINUTE, 1, 0, 7, 7, h + 3 * MINUTE, 7, h + 3 * MINUTE);
    old.prepare('INSERT INTO sensors_seen (sensor_id) VALUES (?), (?)').run('a', 'b');
    old.close();

    const db = openGatewayDatabase(dir.path);
    closers.unshift(() => db.close());
    expect(db.prepare("SELECT version FROM component_versions WHERE component = 'gateway'").get()).toEqual({
      version: 2,
    });
    const store = createReadingStore(db);
    expect(store.rollups('a', h, h + 2 * HOUR, '1h')).toEqual([
      {
        bucket: h,
        n: 9,
        faults: 2,
        sum: 260,
        min: 5,
        min_ts: h + 59 * MINUTE + 30_000,
        max: 66,
        max_ts: h + 7 * MINUTE + 9_000,
      },
      { bucket: h + HOUR, n: 0, faults: 6, sum: 0, min: null, min_ts: null, max: null, max_ts: null },
    ]);
    expect(store.rollups('b', h, h + HOUR, '1h')).toEqual([
      { bucket: h, n: 1, faults: 0, sum: 7, min: 7, min_ts: h + 3 * MINUTE, max: 7, max_ts: h + 3 * MINUTE },
    ]);
    // New readings add to the filled hour.
    store.insert([reading('a', h + 30 * MINUTE, 1)]);
    expect(store.rollups('a', h, h, '1h')[0]).toMatchObject({ n: 10, min: 1, min_ts: h + 30 * MINUTE });
  });

  it('are deleted by retention once older than theirs (never before the minutes)', async () => {
    const store = memoryStore();
    const now = T0;
    store.insert([800, 740, 700, 10].map((d) => reading('p', now - d * DAY, d)));
    const days = () => store.rollups('p', now - 900 * DAY, now, '1h').map((r) => r.n && r.max);
    expect(days()).toEqual([800, 740, 700, 10]);
    // Hours kept longer than minutes: the minutes of day 740 go, its hour stays.
    await store.applyRetention(now, { ...defaultRetention, rollup1hMs: 750 * DAY }, async () => {});
    expect(days()).toEqual([740, 700, 10]);
    expect(store.rollups('p', now - 900 * DAY, now).map((r) => r.max)).toEqual([700, 10]);
    // The default: both tiers 2 years.
    await store.applyRetention(now, defaultRetention, async () => {});
    expect(days()).toEqual([700, 10]);
    // A shorter hourly retention would leave minutes without their hours: it is never shorter.
    await store.applyRetention(now, { ...defaultRetention, rollup1hMs: DAY }, async () => {});
    expect(days()).toEqual([700, 10]);
  });
});
