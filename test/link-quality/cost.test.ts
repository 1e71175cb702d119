/**
 * What link quality costs on disk, measured from a real SQLite file: a month of samples at the default
 * rate for a few farms, as docs/link-quality.md states it.
 */
import { describe, expect, it } from 'vitest';
import { DAY, measureLinkStorage } from './storage-cost.ts';

describe('link-quality storage', () => {
  it('a farm-month at the default rate stays under 1.5 MB', () => {
    const farms = 4;
    const { bytes, rows } = measureLinkStorage(farms, 30);
    expect(rows).toBe(farms * 30 * DAY);
    const perFarmMonth = bytes / farms;
    expect(perFarmMonth).toBeLessThan(1_500_000);
    expect(perFarmMonth / (30 * DAY)).toBeLessThan(35); // bytes per sample, indexes included
  });
});
