/**
 * Downsampling for charts. A chart ~1,000 px wide cannot show more points than that, but it must still
 * show the spikes: min/max buckets keep every bucket's extremes (and its gaps); LTTB keeps the visual shape.
 * Series are column arrays (ts, value) with NaN standing for a gap (null on the wire).
 */

export interface Series {
  ts: Float64Array;
  values: Float64Array;
}

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
 * Expects no gaps (callers use min/max buckets when there are).
 */
export function lttb(series: Series, threshold: number): Uint32Array {
  const n = series.ts.length;
  if (n <= threshold) return Uint32Array.from({ length: n }, (_, i) => i);
  if (threshold < 3) return firstAndLast(n, threshold);
  const { ts: x, values: y } = series;
  const out = new Uint32Array(threshold);
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  out[0] = 0;
  for (let i = 0; i < threshold - 2; i++) {
    // Average of the next bucket: the third corner of the triangle.
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += x[j]!;
      avgY += y[j]!;
    }
    const len = nextEnd - nextStart;
    avgX /= len;
    avgY /= len;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const ax = x[a]!;
    const ay = y[a]!;
    let maxArea = -1;
    let chosen = start;
    for (let j = start; j < end; j++) {
      const area = Math.abs((ax - avgX) * (y[j]! - ay) - (ax - x[j]!) * (avgY - ay));
      if (area > maxArea) {
        maxArea = area;
        chosen = j;
      }
    }
    out[i + 1] = chosen;
    a = chosen;
  }
  out[threshold - 1] = n - 1;
  return out;
}

function firstAndLast(n: number, threshold: number): Uint32Array {
  if (n === 0 || threshold <= 0) return new Uint32Array(0);
  if (threshold === 1) return Uint32Array.of(0);
  return Uint32Array.of(0, n - 1);
}

export interface Bucketed {
  indices: Uint32Array;
  /** Width of one time bucket in ms. */
  bucketMs: number;
}

/**
 * Min/max time buckets: each bucket keeps its lowest and highest value at their own timestamps, plus its
 * first gap when it has one, so spikes and outages both survive. Returns at most `maxPoints` indices.
 */
export function minMaxBuckets(series: Series, maxPoints: number, from: number, to: number): Bucketed {
  const n = series.ts.length;
  const gaps = hasGaps(series.values);
  const perBucket = gaps ? 3 : 2;
  const buckets = Math.max(1, Math.floor(maxPoints / perBucket));
  const span = Math.max(1, to - from + 1);
  const bucketMs = Math.ceil(span / buckets);
  if (n <= maxPoints) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return { indices: all, bucketMs };
  }
  const { ts, values } = series;
  const out = new Uint32Array(Math.min(n, maxPoints, buckets * perBucket));
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
    const b = Math.min(buckets - 1, Math.max(0, Math.floor((ts[i]! - from) / bucketMs)));
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
  return { indices: out.subarray(0, count), bucketMs };
}
