import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyCsv } from '../../renderer/src/lib/csv.ts';
import { maxPointsFor, minMaxDownsample, type Point } from '../../renderer/src/lib/downsample.ts';
import { presetRange, zoomRange } from '../../renderer/src/lib/ranges.ts';
import { makeSeries } from './fixtures.ts';

describe('downsampling guard', () => {
  it('requests one point per pixel within the contract bounds', () => {
    expect(maxPointsFor(812.7)).toBe(812);
    expect(maxPointsFor(0)).toBe(2);
    expect(maxPointsFor(9000)).toBe(5000);
  });

  it('never returns more points than asked, keeps order, peaks and gaps', () => {
    const day = 86_400_000;
    const raw = makeSeries(0, 30 * day, 60_000);
    expect(raw.length).toBe(43_201);
    const out = minMaxDownsample(raw, 800);
    expect(out.length).toBeLessThanOrEqual(800);
    for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThan(out[i - 1]![0]);
    const values = raw.flatMap((p) => (p[1] === null ? [] : [p[1]]));
    const kept = out.flatMap((p) => (p[1] === null ? [] : [p[1]]));
    expect(Math.max(...kept)).toBe(Math.max(...values));
    expect(Math.min(...kept)).toBe(Math.min(...values));
    expect(out.some((p) => p[1] === null)).toBe(true);
  });

  it('holds for any series', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null }), {
          minLength: 0,
          maxLength: 3000,
        }),
        fc.integer({ min: 2, max: 1000 }),
        (values, maxPoints) => {
          const pts: Point[] = values.map((v, i) => [i * 1000, v]);
          const out = minMaxDownsample(pts, maxPoints);
          if (pts.length <= maxPoints) expect(out).toEqual(pts);
          else expect(out.length).toBeLessThanOrEqual(maxPoints);
          for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThan(out[i - 1]![0]);
        },
      ),
    );
  });

  it('leaves short series untouched', () => {
    const pts: Point[] = [
      [1, 2],
      [2, null],
      [3, 4],
    ];
    expect(minMaxDownsample(pts, 10)).toEqual(pts);
  });
});

describe('ranges', () => {
  it('presets end now; zooms stay inside and at least a minute wide', () => {
    expect(presetRange('24h', 100_000_000)).toEqual({ from: 100_000_000 - 86_400_000, to: 100_000_000 });
    const within = { from: 0, to: 3_600_000 };
    expect(zoomRange(900_000, 300_000, within)).toEqual({ from: 300_000, to: 900_000 });
    expect(zoomRange(-5, 120_000, within)).toEqual({ from: 0, to: 120_000 });
    expect(zoomRange(1000, 2000, within)).toBeUndefined();
  });
});

describe('CSV', () => {
  it('joins several sensors by timestamp with gaps as empty cells', () => {
    const csv = historyCsv(
      [
        {
          sensorId: 't',
          points: [
            [0, 20.5],
            [60_000, null],
          ],
        },
        { sensorId: 'm', points: [[60_000, 31]] },
      ],
      [
        { sensorId: 't', header: 'Air temperature (°C)' },
        { sensorId: 'm', header: 'Soil moisture (%)' },
      ],
    );
    expect(csv.split('\r\n')).toEqual([
      'time_utc,epoch_ms,Air temperature (°C),Soil moisture (%)',
      '1970-01-01T00:00:00.000Z,0,20.5,',
      '1970-01-01T00:01:00.000Z,60000,,31',
      '',
    ]);
  });
});
