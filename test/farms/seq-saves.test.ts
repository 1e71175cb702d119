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

const readings = (ts: number) =>
  Array.from({ length: 10 }, (_, i) => ({ sensorId: `s${i}`, ts, value: i, quality: 'ok' as const }));

describe('control room: stream positions ride with the readings they cover', () => {
  it('a position is written with its farm’s readings, never before them, so a crash replays what it lost', () => {
    vi.useFakeTimers({
      toFake: [
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'setImmediate',
        'clearImmediate',
        'performance',
      ],
    });
    const { dir, d, stored } = setup();
    const clock = manualClock(1_000_000);
    const cache = createReadingCache({
      db: d,
      clock,
      log: silentLogger,
      maxBlockAgeMs: 60_000,
      seqSaveMs: 30_000,
      // The block's deadline at the end of its spread (60 s): a random one could fall before the 31 s
      // look below, which failed a fresh-clone run now and then.
      random: () => 0.999,
    });
    cache.add('farm-a', readings(clock.now()));
    cache.saveSeq('farm-a', 7);
    cache.saveSeq('farm-idle', 3); // no unwritten readings: the periodic batch
    vi.advanceTimersByTime(31_000);
    // What a process killed now would find on disk: the idle farm's position, not farm-a's.
    const crashed = openFarmsDatabase(dir.path);
    cleanups.push(() => crashed.close());
    const onDisk = (sql: string) => crashed.prepare(sql).get() as { n: number | null } | undefined;
    expect(onDisk("SELECT last_seq AS n FROM farm_state WHERE farm_id = 'farm-idle'")?.n).toBe(3);
    expect(onDisk("SELECT last_seq AS n FROM farm_state WHERE farm_id = 'farm-a'")?.n ?? null).toBeNull();
    expect(onDisk("SELECT COUNT(*) AS n FROM reading_blocks WHERE farm_id = 'farm-a'")?.n).toBe(0);
    expect(cache.loadSeq('farm-a')).toBe(7); // the running process still knows it
    vi.advanceTimersByTime(30_000); // the block's deadline (≤ 60 s): rows and position in one transaction
    expect(onDisk("SELECT COUNT(*) AS n FROM reading_blocks WHERE farm_id = 'farm-a'")?.n).toBe(10);
    expect(stored('farm-a')).toBe(7);
    cache.dispose();
  });

  it('a clean shutdown writes the open readings and their position', () => {
    vi.useFakeTimers();
    const { d, stored } = setup();
    const clock = manualClock(1_000_000);
    const cache = createReadingCache({ db: d, clock, log: silentLogger });
    cache.add('farm-a', readings(clock.now()));
    cache.saveSeq('farm-a', 12);
    cache.dispose();
    expect(stored('farm-a')).toBe(12);
    const n = d.prepare("SELECT COUNT(*) AS n FROM reading_blocks WHERE farm_id = 'farm-a'").get() as {
      n: number;
    };
    expect(n.n).toBe(10);
  });
});

describe('control room: reading cache retention', () => {
  it('keeps one retention of readings and stops growing once it is full (pages are reused)', () => {
    const { d } = setup();
    const clock = manualClock(100 * 3_600_000);
    const hour = 3_600_000;
    const cache = createReadingCache({ db: d, clock, log: silentLogger, retentionMs: hour });
    const used = () => {
      const one = (p: string) => Object.values(d.prepare(`PRAGMA ${p}`).get()!)[0] as number;
      return (one('page_count') - one('freelist_count')) * one('page_size');
    };
    const sizes: number[] = [];
    // Three hours of one farm, 10 sensors at 1 Hz, written a minute at a time.
    for (let minute = 1; minute <= 180; minute++) {
      for (let s = 0; s < 60; s++) {
        clock.advance(1_000);
        cache.add('farm-a', readings(clock.now()));
      }
      cache.flush();
      if (minute % 60 === 0) sizes.push(used());
    }
    const oldest = d
      .prepare("SELECT MIN(first_ts) AS t FROM reading_blocks WHERE farm_id = 'farm-a'")
      .get() as { t: number };
    expect(oldest.t).toBeGreaterThanOrEqual(clock.now() - hour - 60_000);
    expect(cache.query('farm-a', 's0', 0, clock.now(), 10_000).sourcePoints).toBeLessThanOrEqual(3_600 + 60); // an hour, plus the block that straddles its edge
    // After the first hour the file holds one hour: the second and third hours add (almost) nothing.
    expect(sizes[2]!).toBeLessThan(sizes[0]! * 1.2);
    cache.dispose();
  });
});
