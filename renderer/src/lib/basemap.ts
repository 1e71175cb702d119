/** Decodes the bundled basemap (see renderer/tools/make-basemap.ts) into SVG path data in world units. */
import { project } from './projection.ts';

/** Rings of [lon, lat] degrees. */
export function decodeBasemap(encoded: string): [number, number][][] {
  if (encoded === '') return [];
  return encoded.split(';').map((ring) => {
    const parts = ring.split(',');
    const out: [number, number][] = [];
    let x = 0;
    let y = 0;
    for (let i = 0; i + 1 < parts.length; i += 2) {
      x += parseInt(parts[i]!, 36);
      y += parseInt(parts[i + 1]!, 36);
      out.push([x / 100, y / 100]);
    }
    return out;
  });
}

/**
 * Rings that cross the antimeridian (Russia's Chukotka, Fiji) jump from +180 to -180 and would draw a line
 * across the world. Unwrap them into one continuous ring and draw it twice, once on each side. Rings that
 * do not close after unwrapping go round a pole (Antarctica) and are left as they are.
 */
export function splitAntimeridian(ring: [number, number][]): [number, number][][] {
  let jumps = false;
  for (let i = 1; i < ring.length; i++) {
    if (Math.abs(ring[i]![0] - ring[i - 1]![0]) > 180) jumps = true;
  }
  if (!jumps) return [ring];
  const unwrapped: [number, number][] = [];
  let offset = 0;
  for (let i = 0; i < ring.length; i++) {
    const [lon, lat] = ring[i]!;
    if (i > 0) {
      const prev = ring[i - 1]![0];
      if (lon - prev > 180) offset -= 360;
      else if (prev - lon > 180) offset += 360;
    }
    unwrapped.push([lon + offset, lat]);
  }
  if (offset !== 0) return [ring];
  const shift = unwrapped.some(([lon]) => lon > 180) ? -360 : 360;
  return [unwrapped, unwrapped.map(([lon, lat]) => [lon + shift, lat] as [number, number])];
}

/**
 * One SVG path `d` per ring: separate paths have their own bounds, so the browser skips painting the
 * ones outside the view (one world-sized path would be rasterized whole on every zoom).
 */
export function ringsToPaths(rings: readonly [number, number][][], size: number): string[] {
  return rings.flatMap((ring) =>
    ring.length < 3 ? [] : splitAntimeridian(ring).map((r) => ringsToPath([r], size)),
  );
}

/** One SVG path `d` for all rings, in a world of `size` units (fill-rule evenodd keeps lakes as holes). */
export function ringsToPath(rings: readonly [number, number][][], size: number): string {
  const parts: string[] = [];
  for (const original of rings) {
    if (original.length < 3) continue;
    for (const ring of splitAntimeridian(original)) {
      let first = true;
      for (const [lon, lat] of ring) {
        const p = project(lon, lat);
        parts.push(`${first ? 'M' : 'L'}${(p.x * size).toFixed(1)} ${(p.y * size).toFixed(1)}`);
        first = false;
      }
      parts.push('Z');
    }
  }
  return parts.join('');
}
