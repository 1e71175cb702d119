/**
 * Answers a history request from raw rows, 1-minute or 1-hour rollups, downsampled to at most `maxPoints`
 * with a method that keeps spikes, and says which source, method and resolution it used.
 */
import type { DownsampleMethod, HistoryResponse } from '../../protocol/farm-api.ts';
import { HOUR, MINUTE, type ReadingStore, type RollupRow } from '../store/readings.ts';
import {
  type Point,
  type Series,
  hasGaps,
  lttb,
  minMaxBuckets,
  pointsOf,
} from '../../protocol/downsample.ts';

export const DEFAULT_MAX_POINTS = 1_000;
/** Above this many raw rows the rollups answer instead (reading them would be slow for no visible gain). */
export const RAW_ROW_LIMIT = 100_000;
/** LTTB needs every row in JavaScript; above this it falls back to min/max buckets in SQLite. */
export const LTTB_ROW_LIMIT = 50_000;
/**
 * Ranges longer than this many minutes are answered from hourly rollups even when a finer resolution was
 * asked for: ~70 days of minutes already take SQLite tens of ms per sensor, and node:sqlite holds the
 * gateway's one thread for all of it.
 */
export const MINUTE_ROW_LIMIT = 100_000;

/** Two points (min and max) per bucket, so maxPoints / 2 buckets over the range. */
function bucketWidth(from: number, to: number, maxPoints: number): number {
  return Math.max(1, Math.ceil((to - from + 1) / Math.max(1, Math.floor(maxPoints / 2))));
}

export interface HistoryRequest {
  sensor: string;
  from: number;
  to: number;
  maxPoints?: number | undefined;
  method?: 'lttb' | 'minmax' | undefined;
}

export interface HistoryContext {
  now: number;
  rawRetentionMs: number;
  /** The sensor's reporting interval, to spot missing data; 0 when unknown. */
  intervalMs: number;
}

export type HistoryResult = Omit<HistoryResponse, 'farmId'>;

export function queryHistory(store: ReadingStore, req: HistoryRequest, ctx: HistoryContext): HistoryResult {
  const maxPoints = req.maxPoints ?? DEFAULT_MAX_POINTS;
  const { sensor, from, to } = req;
  // Hours are as exact as raw rows once a bucket spans an hour or more (each keeps its min and max at
  // their own times), and a year of them is a few thousand rows instead of half a million.
  if (hourlyFits(from, to, maxPoints)) return fromHours(store, req, maxPoints, ctx);
  // Raw rows older than the raw retention are gone; if the range reaches back there, only rollups cover it.
  const rawStart = ctx.now - ctx.rawRetentionMs;
  const reachesPastRaw = from < rawStart && store.hasRollups(sensor, from, Math.min(to, rawStart));
  if (reachesPastRaw) return fromRollups(store, req, maxPoints, ctx);
  const rawCount = store.countRaw(sensor, from, to);
  if (rawCount > RAW_ROW_LIMIT) return fromRollups(store, req, maxPoints, ctx);

  if (rawCount > maxPoints && (req.method !== 'lttb' || rawCount > LTTB_ROW_LIMIT)) {
    // Min/max buckets straight from SQLite: no need to hand every row to JavaScript.
    const bucketMs = bucketWidth(from, to, maxPoints);
    const points = store.bucketExtremes('raw', sensor, from, to, bucketMs);
    return {
      sensorId: sensor,
      from,
      to,
      method: 'minmax',
      source: 'raw',
      resolutionMs: bucketMs,
      sourcePoints: rawCount,
      points: markMissing(points, gapThreshold(ctx.intervalMs, bucketMs, 'minmax'), maxPoints),
    };
  }
  const series = store.raw(sensor, from, to);
  const n = series.ts.length;
  let method: DownsampleMethod;
  let points: Point[];
  let resolutionMs: number;
  if (n <= maxPoints) {
    method = 'raw';
    points = pointsOf(series);
    resolutionMs = n > 1 ? (series.ts[n - 1]! - series.ts[0]!) / (n - 1) : ctx.intervalMs;
  } else if (req.method === 'lttb' && !hasGaps(series.values)) {
    method = 'lttb';
    points = pointsOf(series, lttb(series, maxPoints));
    resolutionMs = (to - from) / maxPoints;
  } else {
    const b = minMaxBuckets(series, maxPoints, from, to);
    method = 'minmax';
    points = pointsOf(series, b.indices);
    resolutionMs = b.bucketMs;
  }
  return {
    sensorId: sensor,
    from,
    to,
    method,
    source: 'raw',
    resolutionMs: round(resolutionMs),
    sourcePoints: n,
    points: markMissing(points, gapThreshold(ctx.intervalMs, resolutionMs, method), maxPoints),
  };
}

function fromRollups(
  store: ReadingStore,
  req: HistoryRequest,
  maxPoints: number,
  ctx: HistoryContext,
): HistoryResult {
  const count = store.countRollups(req.sensor, req.from, req.to);
  let method: DownsampleMethod = 'rollup-1m';
  let points: Point[];
  let resolutionMs = MINUTE;
  if (count * 2 <= maxPoints) {
    // Few enough minutes that each one's min and max fit: no further downsampling.
    points = pointsOf(extremaSeries(store.rollups(req.sensor, req.from, req.to)));
  } else {
    // Min/max buckets computed inside SQLite over the rollups.
    method = 'minmax';
    resolutionMs = bucketWidth(req.from, req.to, maxPoints);
    points = store.bucketExtremes('rollup-1m', req.sensor, req.from, req.to, resolutionMs);
  }
  return {
    sensorId: req.sensor,
    from: req.from,
    to: req.to,
    method,
    source: 'rollup-1m',
    resolutionMs: round(resolutionMs),
    sourcePoints: count,
    points: markMissing(
      points,
      gapThreshold(Math.max(ctx.intervalMs, MINUTE), resolutionMs, method),
      maxPoints,
    ),
  };
}

/** Whether the hourly tier answers: buckets of an hour or more, or more minutes than MINUTE_ROW_LIMIT. */
export function hourlyFits(from: number, to: number, maxPoints: number): boolean {
  return bucketWidth(from, to, maxPoints) >= HOUR || (to - from) / MINUTE > MINUTE_ROW_LIMIT;
}

function fromHours(
  store: ReadingStore,
  req: HistoryRequest,
  maxPoints: number,
  ctx: HistoryContext,
): HistoryResult {
  // Whole hours per bucket, so no hour is split between two buckets.
  const resolutionMs = Math.ceil(bucketWidth(req.from, req.to, maxPoints) / HOUR) * HOUR;
  const points = store.bucketExtremes('rollup-1h', req.sensor, req.from, req.to, resolutionMs);
  return {
    sensorId: req.sensor,
    from: req.from,
    to: req.to,
    method: 'minmax',
    source: 'rollup-1h',
    resolutionMs,
    sourcePoints: store.countRollups(req.sensor, req.from, req.to, '1h'),
    points: markMissing(
      points,
      gapThreshold(Math.max(ctx.intervalMs, HOUR), resolutionMs, 'minmax'),
      maxPoints,
    ),
  };
}

/** Each minute becomes its min and max at their own times (one point when equal; a gap when all faulty). */
export function extremaSeries(rows: readonly RollupRow[]): Series {
  const ts: number[] = [];
  const values: number[] = [];
  for (const r of rows) {
    if (r.n === 0 || r.min === null || r.max === null || r.min_ts === null || r.max_ts === null) {
      ts.push(r.bucket);
      values.push(NaN);
    } else if (r.min_ts === r.max_ts) {
      ts.push(r.min_ts);
      values.push(r.min);
    } else {
      const minFirst = r.min_ts < r.max_ts;
      ts.push(minFirst ? r.min_ts : r.max_ts, minFirst ? r.max_ts : r.min_ts);
      values.push(minFirst ? r.min : r.max, minFirst ? r.max : r.min);
    }
  }
  return { ts: Float64Array.from(ts), values: Float64Array.from(values) };
}

function gapThreshold(intervalMs: number, resolutionMs: number, method: DownsampleMethod): number {
  // With min/max buckets a point can sit anywhere in its bucket: two buckets apart is still continuous.
  const spacing = method === 'raw' || method === 'rollup-1m' ? resolutionMs : resolutionMs * 2;
  return Math.max(intervalMs * 3, spacing * 2.5, 1);
}

/**
 * Insert a null where data is missing, so charts break the line (within maxPoints). A pause counts as
 * missing when it is longer than `gapMs` and also much longer than the spacing around it, so a stretch
 * recorded at a slower rate (e.g. backfilled history before a faster live simulation) is not cut up.
 */
export function markMissing(points: Point[], gapMs: number, maxPoints: number): Point[] {
  if (points.length < 2 || points.length >= maxPoints) return points;
  const out: Point[] = [];
  let budget = maxPoints - points.length;
  // Spacing before point i (0 where there is none).
  const spacing = (i: number) => (i >= 1 && i < points.length ? points[i]![0] - points[i - 1]![0] : 0);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const prev = points[i - 1];
    if (budget > 0 && prev && prev[1] !== null && p[1] !== null) {
      const d = p[0] - prev[0];
      const around = Math.max(spacing(i - 1), spacing(i + 1));
      if (d > gapMs && d > 3 * around) {
        out.push([prev[0] + 1, null]);
        budget--;
      }
    }
    out.push(p);
  }
  return out;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
