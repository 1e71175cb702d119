/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013) for cached series: keeps the peaks and troughs that
 * naive sampling loses. A bucket holding a null value (a gap) is represented by that gap marker so the
 * chart still draws a break there. Output length is exactly `threshold` when the input is longer.
 */
export type Point = [number, number | null];

export function lttb(points: readonly Point[], threshold: number): Point[] {
  if (points.length <= threshold) return points.slice();
  if (threshold < 3) return [points[0]!, points[points.length - 1]!].slice(0, Math.max(threshold, 1));
  const out: Point[] = [points[0]!];
  const every = (points.length - 2) / (threshold - 2);
  let a = points[0]!;
  for (let i = 0; i < threshold - 2; i++) {
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, points.length);
    let avgX = 0;
    let avgY = 0;
    let n = 0;
    for (let j = end; j < nextEnd; j++) {
      const p = points[j]!;
      if (p[1] === null) continue;
      avgX += p[0];
      avgY += p[1];
      n++;
    }
    if (n > 0) {
      avgX /= n;
      avgY /= n;
    } else {
      avgX = points[end]?.[0] ?? a[0];
      avgY = a[1] ?? 0;
    }
    const ay = a[1] ?? 0;
    let pick: Point | undefined;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const p = points[j]!;
      if (p[1] === null) {
        pick = p;
        break;
      }
      const area = Math.abs((a[0] - avgX) * (p[1] - ay) - (a[0] - p[0]) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        pick = p;
      }
    }
    pick ??= points[start]!;
    out.push(pick);
    if (pick[1] !== null) a = pick;
  }
  out.push(points[points.length - 1]!);
  return out;
}
