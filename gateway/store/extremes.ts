/**
 * Min/max per time bucket computed inside SQLite (a year of rows would take seconds to hand to JS): each
 * bucket's lowest and highest value at their own timestamps, or a gap when it has no value. One min() or
 * max() per query, so SQLite returns the timestamp of the row that holds it (a bare column).
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Point } from '../../protocol/downsample.ts';
import { HOUR, MINUTE, floorTo } from './rollups.ts';

export type ExtremesSource = 'raw' | 'rollup-1m' | 'rollup-1h';

export type BucketExtremes = (
  source: ExtremesSource,
  sensorId: string,
  from: number,
  to: number,
  bucketMs: number,
) => Point[];

interface Row {
  b: number;
  v: number | null;
  ts: number | null;
  n?: number;
}

export function createBucketExtremes(db: DatabaseSync): BucketExtremes {
  const bucketOf = (col: string) => `CAST((${col} - ?) / ? AS INTEGER)`;
  // The hourly tier covers the whole hours of the range; the part-hours at its edges come from the
  // minutes, so no point falls outside [from, to] by up to an hour.
  const hoursAndEdges = (cols: string) => `(
    SELECT ${cols} FROM rollups_1h WHERE sensor_id = ? AND bucket >= ? AND bucket < ?
    UNION ALL SELECT ${cols} FROM rollups_1m WHERE sensor_id = ? AND bucket >= ? AND bucket < ?
    UNION ALL SELECT ${cols} FROM rollups_1m WHERE sensor_id = ? AND bucket >= ? AND bucket <= ?
  )`;
  const stmts = {
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
    'rollup-1h': {
      min: db.prepare(
        `SELECT ${bucketOf('bucket')} AS b, min(min) AS v, min_ts AS ts FROM ${hoursAndEdges('bucket, n, min, min_ts')} WHERE n > 0 GROUP BY b`,
      ),
      max: db.prepare(
        `SELECT ${bucketOf('bucket')} AS b, max(max) AS v, max_ts AS ts, sum(n) AS n FROM ${hoursAndEdges('bucket, n, max, max_ts')} GROUP BY b`,
      ),
    },
  };

  return (source, id, from, to, bucketMs) => {
    let lo = from;
    let args: (string | number)[];
    if (source === 'rollup-1h') {
      // Whole hours [h1, hEnd); buckets start at h1 so none splits an hour (the left edge joins bucket 0).
      const h1 = Math.ceil(from / HOUR) * HOUR;
      const hEnd = Math.max(h1, floorTo(to + 1, HOUR));
      lo = h1;
      args = [id, h1, hEnd, id, floorTo(from, MINUTE), h1, id, hEnd, to];
    } else {
      args = [id, source === 'rollup-1m' ? floorTo(from, MINUTE) : from, to];
    }
    const mins = stmts[source].min.all(lo, bucketMs, ...args) as unknown as Row[];
    const maxs = stmts[source].max.all(lo, bucketMs, ...args) as unknown as Row[];
    const minByBucket = new Map(mins.map((r) => [r.b, r]));
    const out: Point[] = [];
    for (const mx of maxs.sort((p, q) => p.b - q.b)) {
      const mn = minByBucket.get(mx.b);
      if (!mn || mx.n === 0 || mx.v === null || mx.ts === null || mn.v === null || mn.ts === null) {
        out.push([Math.max(from, lo + mx.b * bucketMs), null]);
      } else if (mn.ts === mx.ts) {
        out.push([mn.ts, mn.v]);
      } else if (mn.ts < mx.ts) {
        out.push([mn.ts, mn.v], [mx.ts, mx.v]);
      } else {
        out.push([mx.ts, mx.v], [mn.ts, mn.v]);
      }
    }
    return out;
  };
}
