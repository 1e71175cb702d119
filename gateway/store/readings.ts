/**
 * Readings: raw rows (kept 30 days) and 1-minute rollups (kept 2 years) written in the same transaction,
 * so the two never disagree after a crash. Each rollup keeps min and max with their timestamps, so
 * long-range charts still show the spikes.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Reading } from '../../protocol/farm-api.ts';
import { transaction } from '../../kit/sqlite.ts';
import { write } from './db.ts';
import type { Point, Series } from '../../protocol/downsample.ts';

export const MINUTE = 60_000;
export const DAY = 24 * 3_600_000;

export interface Retention {
  rawMs: number;
  rollupMs: number;
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

export interface RollupRow {
  bucket: number;
  n: number;
  faults: number;
  sum: number;
  min: number | null;
  min_ts: number | null;
  max: number | null;
  max_ts: number | null;
}

export interface ReadingStore {
  /** Store new readings (duplicates of (sensor, ts) are ignored); returns those actually added. */
  insert(readings: readonly Reading[], extra?: () => void): Reading[];
  latest(sensorId: string): Reading | undefined;
  sensorIds(): string[];
  countRaw(sensorId: string, from: number, to: number): number;
  raw(sensorId: string, from: number, to: number): Series;
  rollups(sensorId: string, from: number, to: number): RollupRow[];
  countRollups(sensorId: string, from: number, to: number): number;
  oldestRaw(sensorId: string): number | undefined;
  /**
   * Min/max per time bucket computed inside SQLite (a year of rows would take seconds to hand to JS):
   * each bucket's lowest and highest value at their own timestamps, or a gap when it has no value.
   */
  bucketExtremes(
    source: 'raw' | 'rollup-1m',
    sensorId: string,
    from: number,
    to: number,
    bucketMs: number,
  ): Point[];
  /** Delete rows older than the retention, in small slices; resolves with how many rows went. */
  applyRetention(now: number, retention: Retention, yieldFn?: () => Promise<void>): Promise<number>;
}

export function createReadingStore(db: DatabaseSync): ReadingStore {
  const insertRaw = db.prepare(
    'INSERT OR IGNORE INTO readings (sensor_id, ts, value, quality) VALUES (?, ?, ?, ?)',
  );
  const upsertRollup = db.prepare(`
    INSERT INTO rollups_1m (sensor_id, bucket, n, faults, sum, min, min_ts, max, max_ts)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(sensor_id, bucket) DO UPDATE SET
      n = n + excluded.n,
      faults = faults + excluded.faults,
      sum = sum + excluded.sum,
      min_ts = CASE WHEN excluded.min IS NOT NULL AND (min IS NULL OR excluded.min < min) THEN excluded.min_ts ELSE min_ts END,
      min = CASE WHEN excluded.min IS NOT NULL AND (min IS NULL OR excluded.min < min) THEN excluded.min ELSE min END,
      max_ts = CASE WHEN excluded.max IS NOT NULL AND (max IS NULL OR excluded.max > max) THEN excluded.max_ts ELSE max_ts END,
      max = CASE WHEN excluded.max IS NOT NULL AND (max IS NULL OR excluded.max > max) THEN excluded.max ELSE max END
  `);
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
  const rollupStmt = db.prepare(
    'SELECT bucket, n, faults, sum, min, min_ts, max, max_ts FROM rollups_1m WHERE sensor_id = ? AND bucket BETWEEN ? AND ? ORDER BY bucket',
  );
  const countRollupStmt = db.prepare(
    'SELECT count(*) AS c FROM rollups_1m WHERE sensor_id = ? AND bucket BETWEEN ? AND ?',
  );
  const oldestStmt = db.prepare('SELECT min(ts) AS t FROM readings WHERE sensor_id = ?');
  const oldestRollupStmt = db.prepare('SELECT min(bucket) AS t FROM rollups_1m WHERE sensor_id = ?');
  // One min() or max() per query, so SQLite returns the timestamp of the row that holds it (bare column).
  const bucketOf = (col: string) => `CAST((${col} - ?) / ? AS INTEGER)`;
  const extremes = {
    raw: {
      min: db.prepare(
        `SELECT ${bucketOf('ts')} AS b, min(value) AS v, ts FROM readings WHERE sensor_id = ? AND ts BETWEEN ? AND ? AND value IS NOT NULL GROUP BY b`,
      ),
      max: db.prepare(
        `SELECT ${bucketOf('ts')} AS b, max(value) AS v, ts, count(value) AS n FROM readings WHERE sensor_id = ? AND ts BETWEEN ? AND ? GROUP BY b`,
      ),
    },
    'rollup-1m': {
      min: db.prepare(
        `SELECT ${bucketOf('bucket')} AS b, min(min) AS v, min_ts AS ts FROM rollups_1m WHERE sensor_id = ? AND bucket BETWEEN ? AND ? AND n > 0 GROUP BY b`,
      ),
      max: db.prepare(
        `SELECT ${bucketOf('bucket')} AS b, max(max) AS v, max_ts AS ts, sum(n) AS n FROM rollups_1m WHERE sensor_id = ? AND bucket BETWEEN ? AND ? GROUP BY b`,
      ),
    },
  };
  const deleteRaw = db.prepare('DELETE FROM readings WHERE sensor_id = ? AND ts < ?');
  const deleteRollup = db.prepare('DELETE FROM rollups_1m WHERE sensor_id = ? AND bucket < ?');

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

  return {
    insert(readings, extra) {
      const added: Reading[] = [];
      const newlySeen: string[] = [];
      write(db, () =>
        transaction(db, () => {
          for (const r of readings) {
            if (insertRaw.run(r.sensorId, r.ts, r.value, r.quality).changes === 0) continue;
            added.push(r);
            const v = r.value;
            upsertRollup.run(
              r.sensorId,
              Math.floor(r.ts / MINUTE) * MINUTE,
              v === null ? 0 : 1,
              v === null ? 1 : 0,
              v ?? 0,
              v,
              v === null ? null : r.ts,
              v,
              v === null ? null : r.ts,
            );
            if (!seen.has(r.sensorId) && !newlySeen.includes(r.sensorId)) {
              insertSeen.run(r.sensorId);
              newlySeen.push(r.sensorId);
            }
          }
          extra?.();
        }),
      );
      // Only after the commit: a refused write (disk full) leaves nothing behind in memory either.
      for (const id of newlySeen) seen.add(id);
      for (const r of added) {
        const prev = latest.get(r.sensorId);
        if (!prev || prev.ts <= r.ts) latest.set(r.sensorId, r);
      }
      return added;
    },
    latest: (id) => latest.get(id),
    sensorIds: () => [...seen],
    countRaw: (id, from, to) => (countStmt.get(id, from, to) as { c: number }).c,
    raw(id, from, to) {
      return readSeries(rangeStmt, [id, from, to], this.countRaw(id, from, to));
    },
    rollups: (id, from, to) =>
      rollupStmt.all(id, Math.floor(from / MINUTE) * MINUTE, to) as unknown as RollupRow[],
    countRollups: (id, from, to) =>
      (countRollupStmt.get(id, Math.floor(from / MINUTE) * MINUTE, to) as { c: number }).c,
    oldestRaw: (id) => (oldestStmt.get(id) as { t: number | null }).t ?? undefined,
    bucketExtremes(source, id, from, to, bucketMs) {
      const stmts = extremes[source];
      const lo = from;
      const rangeFrom = source === 'rollup-1m' ? Math.floor(from / MINUTE) * MINUTE : from;
      type Row = { b: number; v: number | null; ts: number | null; n?: number };
      const mins = stmts.min.all(lo, bucketMs, id, rangeFrom, to) as unknown as Row[];
      const maxs = stmts.max.all(lo, bucketMs, id, rangeFrom, to) as unknown as Row[];
      const minByBucket = new Map(mins.map((r) => [r.b, r]));
      const out: Point[] = [];
      for (const mx of maxs.sort((p, q) => p.b - q.b)) {
        const mn = minByBucket.get(mx.b);
        if (!mn || mx.n === 0 || mx.v === null || mx.ts === null || mn.v === null || mn.ts === null) {
          out.push([Math.max(lo, lo + mx.b * bucketMs), null]);
        } else if (mn.ts === mx.ts) {
          out.push([mn.ts, mn.v]);
        } else if (mn.ts < mx.ts) {
          out.push([mn.ts, mn.v], [mx.ts, mx.v]);
        } else {
          out.push([mx.ts, mx.v], [mn.ts, mn.v]);
        }
      }
      return out;
    },
    async applyRetention(now, retention, yieldFn = () => new Promise((r) => setImmediate(r))) {
      let removed = 0;
      const slice = 6 * 3_600_000;
      for (const id of seen) {
        for (const [stmt, oldest, cutoff] of [
          [deleteRaw, oldestStmt, now - retention.rawMs],
          [deleteRollup, oldestRollupStmt, now - retention.rollupMs],
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
