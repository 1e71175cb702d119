import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { createReadingCache } from '../../main/core/farms/cache.ts';
import { openFarmsDatabase } from '../../main/core/farms/schema.ts';
import { manualClock, tempDir } from './support/helpers.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup() {
  const dir = tempDir();
  cleanups.push(dir.remove);
  const d = openFarmsDatabase(dir.path);
  cleanups.push(() => d.close());
  const rowsWritten = () => Number((d.prepare('SELECT total_changes() AS n').get() as { n: number }).n);
  const stored = (farmId: string) =>
    (
      d.prepare('SELECT last_seq FROM farm_state WHERE farm_id = ?').get(farmId) as
        { last_seq: number } | undefined
    )?.last_seq;
  return { d, dir, rowsWritten, stored };
}

describe('control room: stream positions', () => {
  it('writes every farm’s position once per 30 s in one batch, not once per farm per second', () => {
    vi.useFakeTimers();
    const { d, rowsWritten, stored } = setup();
    const cache = createReadingCache({ db: d, clock: manualClock(1_000_000), log: silentLogger });
    const before = rowsWritten();
    for (let s = 1; s <= 29; s++) {
      for (let f = 0; f < 100; f++) cache.saveSeq(`farm-${f}`, s);
      vi.advanceTimersByTime(1_000);
    }
    expect(rowsWritten() - before).toBe(0);
    expect(cache.loadSeq('farm-7')).toBe(29); // still answered from memory
    for (let f = 0; f < 100; f++) cache.saveSeq(`farm-${f}`, 30);
    vi.advanceTimersByTime(1_000);
    expect(rowsWritten() - before).toBe(100); // one row per farm, 3,000 saves → 100 writes
    expect(stored('farm-42')).toBe(30);
    cache.dispose();
  });

  it('loses no position on a clean shutdown: dispose writes what is pending', () => {
    vi.useFakeTimers();
    const { dir, d, stored } = setup();
    const cache = createReadingCache({ db: d, clock: manualClock(1_000_000), log: silentLogger });
    cache.saveSeq('farm-a', 41);
    cache.saveSeq('farm-a', 42);
    cache.saveSeq('farm-b', null);
    cache.dispose();
    expect(stored('farm-a')).toBe(42);
    const reopened = openFarmsDatabase(dir.path);
    cleanups.push(() => reopened.close());
    const again = createReadingCache({ db: reopened, clock: manualClock(1_000_000), log: silentLogger });
    expect(again.loadSeq('farm-a')).toBe(42);
    expect(again.loadSeq('farm-b')).toBeNull();
    again.dispose();
  });
});
