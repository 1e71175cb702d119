import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, type BackoffRule } from '../../protocol/backoff.ts';

const at = (r: number) => () => r;

describe('backoff', () => {
  it('waits a uniform share of an exponentially growing, capped window', () => {
    const p = { baseMs: 1_000, factor: 2, capMs: 8_000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffCeiling(p, a))).toEqual([
      1_000, 2_000, 4_000, 8_000, 8_000, 8_000,
    ]);
    expect(backoffDelay(p, 2, () => 0)).toBe(0);
    expect(backoffDelay(p, 2, () => 0.999)).toBe(3_996);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(p, 3);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(8_000);
    }
  });

  it('spreads the same failure over the window, so peers that failed together do not retry together', () => {
    const p = { baseMs: 1_000, factor: 1.6, capMs: 60_000 };
    const waits = [0.05, 0.3, 0.55, 0.8].map((r) => backoffDelay(p, 4, at(r)));
    expect(new Set(waits).size).toBe(4);
    expect(Math.max(...waits)).toBeLessThan(backoffCeiling(p, 4));
  });

  it('with equal jitter waits between half and all of the planned wait', () => {
    const p: BackoffRule = { baseMs: 500, factor: 2, capMs: 15_000, jitter: 'equal' };
    expect([0, 1, 2].map((a) => backoffDelay(p, a, at(0.5)))).toEqual([375, 750, 1_500]);
    expect(backoffDelay(p, 3, at(0))).toBe(2_000);
    expect(backoffDelay(p, 3, at(0.999999))).toBe(4_000);
    expect(backoffDelay(p, 20, at(0))).toBe(7_500);
  });

  it('with a spread waits within ±that share of the planned wait, around the cap too', () => {
    const p: BackoffRule = { baseMs: 1_000, factor: 1.6, capMs: 120_000, jitter: { spread: 0.2 } };
    expect([0, 1, 2, 29].map((a) => backoffDelay(p, a, at(0.5)))).toEqual([1_000, 1_600, 2_560, 120_000]);
    expect(backoffDelay(p, 0, at(0))).toBe(800);
    expect(backoffDelay(p, 0, at(0.999999))).toBe(1_200);
  });

  it('without jitter waits exactly the planned time and never asks for random', () => {
    const p: BackoffRule = { baseMs: 500, factor: 2, capMs: 10_000, jitter: 'none' };
    const never = () => {
      throw new Error('random was called');
    };
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(p, a, never))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
  });

  it('stays finite and capped after any number of failures, and treats a negative attempt as the first', () => {
    const p: BackoffRule = { baseMs: 250, factor: 2, capMs: 32_000, jitter: 'none' };
    expect(backoffDelay(p, 1e9)).toBe(32_000);
    expect(backoffDelay({ ...p, jitter: 'full' }, 1e9, at(0.5))).toBe(16_000);
    expect(backoffDelay(p, -1)).toBe(250);
  });
});
