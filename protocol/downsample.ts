/**
 * Downsampling for charts, one implementation for gateway, core and page. A chart ~1,000 px wide cannot
 * show more points than that, but it must still show the spikes: min/max buckets keep every bucket's
 * extremes (and its gaps); LTTB keeps the visual shape. Series are column arrays (ts, value) with NaN
 * standing for a gap (null on the wire); `seriesFromPoints` and `pointsOf` convert from and to wire points.
 */

export interface Series {
  ts: Float64Array;
  values: Float64Array;
}

/** A wire point: epoch ms and value, null for a gap. */
export type Point = [number, number | null];

export function seriesFromPoints(points: readonly Point[]): Series {
  const ts = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    ts[i] = p[0];
    values[i] = p[1] ?? NaN;
  }
  return { ts, values };
}

export function pointsOf(series: Series, indices?: ArrayLike<number>): Point[] {
  const n = indices ? indices.length : series.ts.length;
  const out = new Array<Point>(n);
  for (let k = 0; k < n; k++) {
    const i = indices ? indices[k]! : k;
    const v = series.values[i]!;
    out[k] = [series.ts[i]!, Number.isNaN(v) ? null : v];
  }
  return out;
}

export function hasGaps(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) return true;
  return false;
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): indices of `threshold` points that keep the shape.
 * A bucket holding a gap is represented by its first gap, so the chart still draws a break there; gaps
 * take no part in the averages.
 */
export function lttb(series: Series, threshold: number): Uint32Array {
  const n = series.ts.length;
  if (n <= threshold) return Uint32Array.from({ length: n }, (_, i) => i);
  if (threshold < 3) return firstAndLast(n, threshold);
  const { ts: x, values: y } = series;
  const out = new Uint32Array(threshold);
  const every = (n - 2) / (threshold - 2);
  let a = 0; // the last kept point that is not a gap (or the first point)
  out[0] = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const ax = x[a]!;
    const ay = Number.isNaN(y[a]!) ? 0 : y[a]!;
    // Average of the next bucket: the third corner of the triangle.
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    let count = 0;
    for (let j = end; j < nextEnd; j++) {
      if (Number.isNaN(y[j]!)) continue;
      avgX += x[j]!;
      avgY += y[j]!;
      count++;
    }
    if (count > 0) {
      avgX /= count;
      avgY /= count;
    } else {
      avgX = end < n ? x[end]! : ax;
      avgY = ay;
    }
    let maxArea = -1;
    let chosen = start;
    for (let j = start; j < end; j++) {
      if (Number.isNaN(y[j]!)) {
        chosen = j;
        break;
      }
      const area = Math.abs((ax - avgX) * (y[j]! - ay) - (ax - x[j]!) * (avgY - ay));
      if (area > maxArea) {
        maxArea = area;
        chosen = j;
      }
    }
    out[i + 1] = chosen;
    if (!Number.isNaN(y[chosen]!)) a = chosen;
  }
  out[threshold - 1] = n - 1;
  return out;
}

/** LTTB over wire points (the core's cached series), for callers that hold points rather than columns. */
export function lttbPoints(points: readonly Point[], threshold: number): Point[] {
  const series = seriesFromPoints(points);
  return pointsOf(series, lttb(series, threshold));
}

function firstAndLast(n: number, threshold: number): Uint32Array {
  if (n === 0 || threshold <= 0) return new Uint32Array(0);
  if (threshold === 1) return Uint32Array.of(0);
  return Uint32Array.of(0, n - 1);
}

/**
 * The min/max rule: each bucket keeps its lowest and highest value at their own timestamps, plus its first
 * gap when it has one, in time order, so spikes and outages both survive. `bucketOf(i)` must not decrease
 * with i; at most `limit` indices are returned.
 */
function extremesPerBucket(series: Series, bucketOf: (i: number) => number, limit: number): Uint32Array {
  const n = series.ts.length;
  const { values } = series;
  const out = new Uint32Array(Math.min(n, limit));
  let count = 0;
  let bucket = -1;
  let minI = -1;
  let maxI = -1;
  let gapI = -1;
  const flush = () => {
    // Emit in time order so the chart draws a proper line.
    const picked = [minI, maxI, gapI].filter((i) => i >= 0).sort((p, q) => p - q);
    let last = -1;
    for (const i of picked) {
      if (i !== last && count < out.length) out[count++] = i;
      last = i;
    }
  };
  for (let i = 0; i < n; i++) {
    const b = bucketOf(i);
    if (b !== bucket) {
      if (bucket >= 0) flush();
      bucket = b;
      minI = maxI = gapI = -1;
    }
    const v = values[i]!;
    if (Number.isNaN(v)) {
      if (gapI < 0) gapI = i;
    } else {
      if (minI < 0 || v < values[minI]!) minI = i;
      if (maxI < 0 || v > values[maxI]!) maxI = i;
    }
  }
  if (bucket >= 0) flush();
  return out.subarray(0, count);
}

export interface Bucketed {
  indices: Uint32Array;
  /** Width of one time bucket in ms. */
  bucketMs: number;
}

/**
 * Min/max over whole-millisecond time buckets of [from, to] (the gateway's answer): two points a bucket, or
 * three when the series has gaps. Returns at most `maxPoints` indices.
 */
export function minMaxBuckets(series: Series, maxPoints: number, from: number, to: number): Bucketed {
  const n = series.ts.length;
  const perBucket = hasGaps(series.values) ? 3 : 2;
  const buckets = Math.max(1, Math.floor(maxPoints / perBucket));
  const bucketMs = Math.ceil(Math.max(1, to - from + 1) / buckets);
  if (n <= maxPoints) return { indices: Uint32Array.from({ length: n }, (_, i) => i), bucketMs };
  const { ts } = series;
  const bucketOf = (i: number) => Math.min(buckets - 1, Math.max(0, Math.floor((ts[i]! - from) / bucketMs)));
  return { indices: extremesPerBucket(series, bucketOf, Math.min(maxPoints, buckets * perBucket)), bucketMs };
}

/**
 * Min/max over maxPoints/3 equal buckets between the first and the last timestamp (the page's guard for a
 * source that ignored maxPoints): at most 3 points a bucket, so never more than `maxPoints`. Expects
 * timestamps in order.
 */
export function minMaxSpan(series: Series, maxPoints: number): Uint32Array {
  const n = series.ts.length;
  if (n <= maxPoints || n < 3) return Uint32Array.from({ length: n }, (_, i) => i);
  const buckets = Math.floor(maxPoints / 3);
  if (buckets < 1) return Uint32Array.of(0, n - 1);
  const { ts } = series;
  const first = ts[0]!;
  const span = Math.max(1, ts[n - 1]! - first);
  let bucket = 0;
  const bucketOf = (i: number) => {
    // Bucket b ends before first + (b+1)·span/buckets; the last one takes everything left.
    while (bucket < buckets - 1 && ts[i]! >= first + ((bucket + 1) * span) / buckets) bucket++;
    return bucket;
  };
  return extremesPerBucket(series, bucketOf, maxPoints);
}
