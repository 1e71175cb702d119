/**
 * Readings: raw rows (kept 30 days) and 1-minute and 1-hour rollups (kept 2 years) written in the same
 * transaction, so they never disagree after a crash. Each rollup keeps min and max with their timestamps,
 * so long-range charts still show the spikes.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Reading } from '../../protocol/farm-api.ts';
import { transaction } from '../../kit/sqlite.ts';
import { write } from './db.ts';
import type { Series } from '../../protocol/downsample.ts';
import { type BucketExtremes, createBucketExtremes } from './extremes.ts';
import { type RollupRow, type RollupTier, createRollupWriter, floorTo, rollupTiers } from './rollups.ts';

export { MINUTE, HOUR, type RollupRow, type RollupTier } from './rollups.ts';
export const DAY = 24 * 3_600_000;

export interface Retention {
  rawMs: number;
  /** 1-minute rollups. */
  rollupMs: number;
  /** 1-hour rollups; never shorter than `rollupMs` (default: the same). */
  rollup1hMs?: number;
}

export const defaultRetention: Retention = { rawMs: 30 * DAY, rollupMs: 731 * DAY };

/** Meta key: when retention last ran (ms). */
export const RETENTION_LAST_RUN = 'retention_last_run';
/** How far "now" may be ahead of the newest reading or the last retention run before retention holds. */
export const MAX_CLOCK_AHEAD_MS = 2 * DAY;

/**
 * Why retention must not run now (the clock looks like it jumped ahead), or null. Readings come in
 * continuously and retention runs hourly, so a "now" days past both means the clock is wrong (or the
 * gateway was off that long, which only an operator can tell: `acceptClockJump`).
 */
export function retentionHold(
  now: number,
  seen: { newestReading: number; lastRun: number },
  maxAheadMs = MAX_CLOCK_AHEAD_MS,
): string | null {
  const days = (ms: number) => `${Math.round(ms / DAY)} days`;
  const at = (ms: number) => new Date(ms).toISOString();
  for (const [what, t] of [
    ['the newest stored reading', seen.newestReading],
    ['the last retention run', seen.lastRun],
  ] as const) {
    if (Number.isFinite(t) && now - t > maxAheadMs) {
      return `the clock (${at(now)}) is ${days(now - t)} ahead of ${what} (${at(t)}); old data is kept until the clock is checked. If the clock is right (the gateway was off that long), start it once with --accept-clock-jump.`;
    }
  }
  return null;
}

export interface ReadingStore {
  /** Store new readings (duplicates of (sensor, ts) are ignored); returns those actually added. */
  insert(readings: readonly Reading[], extra?: () => void): Reading[];
  /**
   * Backfill older than raw retention: only the rollups of these readings are stored (no raw rows, no
   * duplicate check: the caller writes each stretch once). Returns how many were counted.
   */
  insertRollupsOnly(readings: readonly Reading[]): number;
  latest(sensorId: string): Reading | undefined;
  sensorIds(): string[];
  countRaw(sensorId: string, from: number, to: number): number;
  raw(sensorId: string, from: number, to: number): Series;
  rollups(sensorId: string, from: number, to: number, tier?: RollupTier): RollupRow[];
  countRollups(sensorId: string, from: number, to: number, tier?: RollupTier): number;
  /** Whether any rollup of this tier lies in the range (cheap, unlike a count over a year). */
  hasRollups(sensorId: string, from: number, to: number, tier?: RollupTier): boolean;
  oldestRaw(sensorId: string): number | undefined;
  /** Start of the newest 1-minute rollup of this sensor. */
  newestRollup(sensorId: string): number | undefined;
  /** Min/max per time bucket, computed inside SQLite (see extremes.ts). */
  bucketExtremes: BucketExtremes;
  /** Delete rows older than the retention, in small slices; resolves with how many rows went. */
  applyRetention(now: number, retention: Retention, yieldFn?: () => Promise<void>): Promise<number>;
}

export function createReadingStore(db: DatabaseSync): ReadingStore {
  const insertRaw = db.prepare(
    'INSERT OR IGNORE INTO readings (sensor_id, ts, value, quality) VALUES (?, ?, ?, ?)',
  );
  const rollupWriter = createRollupWriter(db);
  const insertSeen = db.prepare('INSERT OR IGNORE INTO sensors_seen (sensor_id) VALUES (?)');
  const latestStmt = db.prepare(
    'SELECT sensor_id, ts, value, quality FROM readings WHERE sensor_id = ? ORDER BY ts DESC LIMIT 1',
  );
  const countStmt = db.prepare(
    'SELECT count(*) AS c FROM readings WHERE sensor_id = ? AND ts BETWEEN ? AND ?',
  );
  const rangeStmt = db.prepare(
    'SELECT ts, value FROM readings WHERE sensor_id = ? AND ts BETWEEN ? AND ? ORDER BY ts',
  );
  const perTier = <T>(fn: (table: string) => T) => ({
    '1m': fn(rollupTiers['1m'].table),
    '1h': fn(rollupTiers['1h'].table),
  });
  const rollupStmt = perTier((t) =>
    db.prepare(
      `SELECT bucket, n, faults, sum, min, min_ts, max, max_ts FROM ${t} WHERE sensor_id = ? AND bucket BETWEEN ? AND ? ORDER BY bucket`,
    ),
  );
  const countRollupStmt = perTier((t) =>
    db.prepare(`SELECT count(*) AS c FROM ${t} WHERE sensor_id = ? AND bucket BETWEEN ? AND ?`),
  );
  const anyRollupStmt = perTier((t) =>
    db.prepare(`SELECT 1 AS one FROM ${t} WHERE sensor_id = ? AND bucket BETWEEN ? AND ? LIMIT 1`),
  );
  const oldestStmt = db.prepare('SELECT min(ts) AS t FROM readings WHERE sensor_id = ?');
  const oldestRollupStmt = perTier((t) =>
    db.prepare(`SELECT min(bucket) AS t FROM ${t} WHERE sensor_id = ?`),
  );
  const newestRollupStmt = db.prepare('SELECT max(bucket) AS t FROM rollups_1m WHERE sensor_id = ?');
  const bucketExtremes = createBucketExtremes(db);
  const deleteRaw = db.prepare('DELETE FROM readings WHERE sensor_id = ? AND ts < ?');
  const deleteRollup = perTier((t) => db.prepare(`DELETE FROM ${t} WHERE sensor_id = ? AND bucket < ?`));

  const seen = new Set(
    (db.prepare('SELECT sensor_id FROM sensors_seen').all() as { sensor_id: string }[]).map(
      (r) => r.sensor_id,
    ),
  );
  const latest = new Map<string, Reading>();
  for (const id of seen) {
    const row = latestStmt.get(id) as
      { sensor_id: string; ts: number; value: number | null; quality: string } | undefined;
    if (row) latest.set(id, toReading(row));
  }

  let newlySeen: string[] = [];
  const markSeen = (id: string) => {
    if (seen.has(id) || newlySeen.includes(id)) return;
    insertSeen.run(id);
    newlySeen.push(id);
  };
  const storeAll = <T>(fn: () => T): T => {
    newlySeen = [];
    try {
      return write(db, () => transaction(db, fn));
    } catch (err) {
      // Rolled back: not seen, not counted after all.
      newlySeen = [];
      rollupWriter.discard();
      throw err;
    }
  };

  return {
    insert(readings, extra) {
      const added: Reading[] = [];
      storeAll(() => {
        for (const r of readings) {
          if (insertRaw.run(r.sensorId, r.ts, r.value, r.quality).changes === 0) continue;
          added.push(r);
          rollupWriter.add(r);
          markSeen(r.sensorId);
        }
        rollupWriter.flush();
        extra?.();
      });
      // Only after the commit: a refused write (disk full) leaves nothing behind in memory either.
      for (const id of newlySeen) seen.add(id);
      for (const r of added) {
        const prev = latest.get(r.sensorId);
        if (!prev || prev.ts <= r.ts) latest.set(r.sensorId, r);
      }
      return added;
    },
    insertRollupsOnly(readings) {
      storeAll(() => {
        for (const r of readings) {
          rollupWriter.add(r);
          markSeen(r.sensorId);
        }
        rollupWriter.flush();
      });
      for (const id of newlySeen) seen.add(id);
      return readings.length;
    },
    latest: (id) => latest.get(id),
    sensorIds: () => [...seen],
    countRaw: (id, from, to) => (countStmt.get(id, from, to) as { c: number }).c,
    raw(id, from, to) {
      return readSeries(rangeStmt, [id, from, to], this.countRaw(id, from, to));
    },
    rollups: (id, from, to, tier = '1m') =>
      rollupStmt[tier].all(id, floorTo(from, rollupTiers[tier].widthMs), to) as unknown as RollupRow[],
    countRollups: (id, from, to, tier = '1m') =>
      (countRollupStmt[tier].get(id, floorTo(from, rollupTiers[tier].widthMs), to) as { c: number }).c,
    hasRollups: (id, from, to, tier = '1m') =>
      anyRollupStmt[tier].get(id, floorTo(from, rollupTiers[tier].widthMs), to) !== undefined,
    oldestRaw: (id) => (oldestStmt.get(id) as { t: number | null }).t ?? undefined,
    newestRollup: (id) => (newestRollupStmt.get(id) as { t: number | null }).t ?? undefined,
    bucketExtremes,
    async applyRetention(now, retention, yieldFn = () => new Promise((r) => setImmediate(r))) {
      let removed = 0;
      const slice = 6 * 3_600_000;
      for (const id of seen) {
        for (const [stmt, oldest, cutoff] of [
          [deleteRaw, oldestStmt, now - retention.rawMs],
          [deleteRollup['1m'], oldestRollupStmt['1m'], now - retention.rollupMs],
          [
            deleteRollup['1h'],
            oldestRollupStmt['1h'],
            now - Math.max(retention.rollupMs, retention.rollup1hMs ?? retention.rollupMs),
          ],
        ] as const) {
          let t = (oldest.get(id) as { t: number | null }).t;
          // Small slices keep each transaction short so ingest and queries are not held up.
          while (t !== null && t < cutoff) {
            t = Math.min(t + slice, cutoff);
            const upTo = t;
            removed += Number(write(db, () => stmt.run(id, upTo)).changes);
            await yieldFn();
          }
        }
      }
      write(db, () => db.prepare('DELETE FROM stream_marks WHERE ts < ?').run(now - retention.rawMs));
      return removed;
    },
  };
}

function readSeries(stmt: StatementSync, args: (string | number)[], expected: number): Series {
  let ts = new Float64Array(expected);
  let values = new Float64Array(expected);
  let i = 0;
  for (const row of stmt.iterate(...args) as Iterable<{ ts: number; value: number | null }>) {
    if (i === ts.length) {
      // Rows may have arrived between the count and the read.
      const grow = (a: Float64Array) => {
        const b = new Float64Array(Math.max(16, a.length * 2));
        b.set(a);
        return b;
      };
      ts = grow(ts);
      values = grow(values);
    }
    ts[i] = row.ts;
    values[i] = row.value ?? NaN;
    i++;
  }
  return { ts: ts.subarray(0, i), values: values.subarray(0, i) };
}

function toReading(row: { sensor_id: string; ts: number; value: number | null; quality: string }): Reading {
  return {
    sensorId: row.sensor_id,
    ts: row.ts,
    value: row.value,
    quality: row.quality === 'fault' || row.quality === 'stale' ? row.quality : 'ok',
  };
}
