/**
 * Downsampling pinned on one fixed series (a noisy sine with a spike, a dip and gaps, one of them longer
 * than an LTTB bucket): the indices each method keeps. Written against the gateway's, the core's and the
 * renderer's own copies before they became protocol/downsample.ts; the pinned output is theirs.
 */
import { describe, expect, it } from 'vitest';
import { lttb, lttbPoints, minMaxBuckets, type Point, seriesFromPoints } from '../../protocol/downsample.ts';
import { minMaxDownsample } from '../../renderer/src/lib/downsample.ts';

function fixedSeries(gaps: readonly number[]): Point[] {
  let seed = 7;
  const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
  const gapSet = new Set(gaps);
  return Array.from({ length: 600 }, (_, i): Point => {
    let v = Math.round((Math.sin(i / 25) * 10 + noise()) * 100) / 100;
    if (i === 123) v += 80;
    if (i === 401) v -= 60;
    return [i * 1_000 + (i % 7) * 13, gapSet.has(i) ? null : v];
  });
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);
const clean = fixedSeries([]);
const gappy = fixedSeries([0, ...range(150, 154), ...range(300, 340), 520]);
const to = clean[clean.length - 1]![0] + 500;
/** Where each kept point stood in the input. */
const indicesOf = (input: readonly Point[], kept: readonly Point[]) =>
  kept.map((p) => input.findIndex((q) => q[0] === p[0] && q[1] === p[1]));

describe('downsampling a fixed series', () => {
  it('LTTB keeps the same 50 points of a series without gaps (gateway and core alike)', () => {
    const expected = [
      0, 12, 13, 25, 44, 51, 72, 81, 93, 112, 123, 125, 142, 161, 164, 178, 198, 201, 213, 231, 238, 259, 272,
      286, 293, 301, 323, 324, 338, 357, 368, 385, 398, 401, 412, 426, 441, 457, 464, 479, 491, 505, 521, 525,
      538, 552, 573, 575, 590, 599,
    ];
    expect([...lttb(seriesFromPoints(clean), 50)]).toEqual(expected);
    expect(indicesOf(clean, lttbPoints(clean, 50))).toEqual(expected);
    expect(expected).toContain(123); // the spike
    expect(expected).toContain(401); // the dip
  });

  it('LTTB keeps a gap of every bucket that holds one', () => {
    const kept = indicesOf(gappy, lttbPoints(gappy, 50));
    expect(kept).toEqual([
      0, 12, 13, 25, 44, 51, 72, 81, 93, 112, 123, 125, 142, 150, 163, 178, 198, 201, 213, 231, 238, 259, 272,
      286, 298, 300, 312, 324, 337, 350, 368, 385, 398, 401, 412, 426, 441, 457, 464, 479, 491, 505, 520, 526,
      538, 552, 573, 575, 590, 599,
    ]);
    expect(kept.filter((i) => gappy[i]![1] === null)).toEqual([0, 150, 300, 312, 324, 337, 520]);
  });

  it('min/max buckets of the gateway keep each bucket’s extremes and first gap', () => {
    const cleanOut = minMaxBuckets(seriesFromPoints(clean), 60, 0, to);
    expect([...cleanOut.indices]).toEqual([
      1, 19, 21, 34, 44, 59, 60, 79, 80, 99, 102, 115, 123, 124, 141, 159, 160, 178, 180, 198, 200, 219, 220,
      239, 240, 259, 260, 272, 283, 298, 301, 318, 321, 339, 340, 352, 360, 379, 381, 399, 400, 401, 420, 426,
      441, 458, 461, 477, 481, 499, 500, 513, 521, 539, 540, 559, 562, 576, 590, 599,
    ]);
    expect(cleanOut.bucketMs).toBe(19986);
    const gappyOut = minMaxBuckets(seriesFromPoints(gappy), 60, 0, to);
    expect([...gappyOut.indices]).toEqual([
      0, 1, 27, 44, 59, 60, 89, 90, 115, 123, 124, 150, 156, 178, 180, 200, 213, 239, 240, 268, 272, 298, 300,
      330, 348, 352, 360, 388, 391, 401, 426, 449, 450, 477, 481, 508, 513, 520, 539, 540, 569, 570, 590,
    ]);
    expect(gappyOut.bucketMs).toBe(29978);
  });

  it('the page’s min/max guard keeps the same points as before', () => {
    expect(indicesOf(clean, minMaxDownsample(clean, 60))).toEqual([
      1, 27, 44, 59, 60, 89, 90, 115, 123, 124, 151, 178, 180, 200, 213, 239, 240, 268, 272, 298, 301, 328,
      330, 352, 360, 388, 391, 401, 426, 449, 450, 477, 481, 508, 513, 539, 540, 569, 570, 590,
    ]);
    expect(indicesOf(gappy, minMaxDownsample(gappy, 60))).toEqual([
      0, 1, 27, 44, 59, 60, 89, 90, 115, 123, 124, 150, 156, 178, 180, 200, 213, 239, 240, 268, 272, 298, 300,
      330, 348, 352, 360, 388, 391, 401, 426, 449, 450, 477, 481, 508, 513, 520, 539, 540, 569, 570, 590,
    ]);
  });
});
