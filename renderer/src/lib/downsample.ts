/**
 * Never more points than pixels: the core downsamples to maxPoints, and this guard enforces it again on
 * the client (min/max per pixel bucket keeps peaks and keeps gaps as null) in case a source ignores it.
 */
export type Point = [number, number | null];

/** The maxPoints to request for a chart `widthPx` wide (the contract allows 2..5000). */
export function maxPointsFor(widthPx: number): number {
  return Math.max(2, Math.min(5000, Math.floor(widthPx)));
}

/**
 * Buckets by time into maxPoints/3 buckets and keeps each bucket's min and max in time order; a bucket
 * holding a null keeps one null so a gap stays a gap. At most 3 points per bucket, so never > maxPoints.
 */
export function minMaxDownsample(points: readonly Point[], maxPoints: number): Point[] {
  if (points.length <= maxPoints || points.length < 3) return [...points];
  const first = points[0]![0];
  const last = points[points.length - 1]![0];
  const buckets = Math.floor(maxPoints / 3);
  if (buckets < 1) return [points[0]!, points[points.length - 1]!];
  const span = Math.max(1, last - first);
  const out: Point[] = [];
  let i = 0;
  for (let b = 0; b < buckets && i < points.length; b++) {
    const end = b === buckets - 1 ? Infinity : first + ((b + 1) * span) / buckets;
    let min: Point | undefined;
    let max: Point | undefined;
    let gap: Point | undefined;
    for (; i < points.length && points[i]![0] < end; i++) {
      const p = points[i]!;
      if (p[1] === null) {
        gap ??= p;
        continue;
      }
      if (!min || p[1] < (min[1] as number)) min = p;
      if (!max || p[1] > (max[1] as number)) max = p;
    }
    const keep = [...new Set([min, max, gap])].filter((p): p is Point => p !== undefined);
    keep.sort((a, b) => a[0] - b[0]);
    out.push(...keep);
  }
  return out;
}
