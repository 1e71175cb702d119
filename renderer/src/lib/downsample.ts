/**
 * Never more points than pixels: the core downsamples to maxPoints, and this guard enforces it again on
 * the client (min/max per pixel bucket keeps peaks and keeps gaps as null) in case a source ignores it.
 */
import { minMaxSpan, type Point, pointsOf, seriesFromPoints } from '../../../protocol/downsample.ts';

export type { Point };

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
  const series = seriesFromPoints(points);
  return pointsOf(series, minMaxSpan(series, maxPoints));
}
