import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import type { Reading } from '../../protocol/farm-api.ts';
import { createReadingCache } from '../../main/core/farms/cache.ts';
import { lttbPoints as lttb, type Point } from '../../protocol/downsample.ts';
import { createHub } from '../../main/core/farms/hub.ts';
import { createLedgerStore } from '../../main/core/farms/ledger-store.ts';
import { openFarmsDatabase } from '../../main/core/farms/schema.ts';
import type { LiveBatch, ReadingsBatch } from '../../main/core/farms/types.ts';
import { manualClock, tempDir, waitFor } from './support/helpers.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const r = (sensorId: string, ts: number, value: number | null = ts / 1000): Reading => ({
  sensorId,
  ts,
  value,
  quality: value === null ? 'fault' : 'ok',
});

function db() {
  const dir = tempDir();
  cleanups.push(dir.remove);
  const d = openFarmsDatabase(dir.path);
  cleanups.push(() => d.close());
  return { d, path: dir.path };
}

describe('LTTB', () => {
  it('keeps the ends, the spikes and the gaps, in exactly the asked number of points', () => {
    const pts: Point[] = Array.from({ length: 1_000 }, (_, i) => [i * 1_000, Math.sin(i / 50)]);
    pts[500] = [500_000, 50]; // a spike
    pts[700] = [700_000, null]; // a fault
    const out = lttb(pts, 100);
    expect(out).toHaveLength(100);
    expect(out[0]).toEqual(pts[0]);
    expect(out[99]).toEqual(pts[999]);
    expect(out).toContainEqual([500_000, 50]);
    expect(out).toContainEqual([700_000, null]);
    expect(out.map((p) => p[0])).toEqual([...out.map((p) => p[0])].sort((a, b) => a - b));
    expect(lttb(pts.slice(0, 10), 100)).toHaveLength(10);
  });
});

describe('reading cache', () => {
  it('answers from open blocks at once and from written blocks after a restart, sorted and once each', () => {
    const { d } = db();
    const clock = manualClock(10_000_000);
    const cache = createReadingCache({ db: d, clock, log: silentLogger, blockSize: 4 });
    // Out of order on purpose, and more than one block.
    cache.add('f1', [r('a', 9_999_003), r('a', 9_999_001), r('b', 9_999_001, null), r('a', 9_999_002)]);
    cache.add('f1', [r('a', 9_999_004), r('a', 9_999_005)]);
    expect(cache.has('f1', 'a', 9_999_005)).toBe(true);
    expect(cache.query('f1', 'a', 0, 20_000_000, 100).points.map((p) => p[0])).toEqual([
      9_999_001, 9_999_002, 9_999_003, 9_999_004, 9_999_005,
    ]);
    expect(cache.latest('f1').sort((x, y) => x.sensorId.localeCompare(y.sensorId))).toEqual([
      r('a', 9_999_005),
      r('b', 9_999_001, null),
    ]);
    cache.dispose();
    const again = createReadingCache({ db: d, clock, log: silentLogger });
    expect([...again.tsIn('f1', 'a', 9_999_002, 9_999_004)].sort()).toEqual([
      9_999_002, 9_999_003, 9_999_004,
    ]);
    expect(again.query('f1', 'b', 0, 20_000_000, 100).points).toEqual([[9_999_001, null]]);
    expect(again.latest('f1')).toHaveLength(2);
    again.dispose();
  });

  it('drops what is older than the retention, on write and by pruning', () => {
    const { d } = db();
    const clock = manualClock(100 * 3_600_000);
    const cache = createReadingCache({ db: d, clock, log: silentLogger, retentionMs: 3_600_000 });
    cache.add('f1', [r('a', clock.now() - 2 * 3_600_000), r('a', clock.now() - 60_000)]);
    cache.flush();
    expect(cache.query('f1', 'a', 0, clock.now(), 10).sourcePoints).toBe(1);
    clock.advance(2 * 3_600_000);
    cache.add('f1', [r('a', clock.now())]);
    cache.flush(); // prunes the block that fell out of the hour
    expect(cache.query('f1', 'a', 0, clock.now(), 10).points.map((p) => p[0])).toEqual([clock.now()]);
    cache.dispose();
  });

  it("writes one row per sensor by itself once a farm's readings are old enough, or many", async () => {
    const { d, path } = db();
    const clock = manualClock(Date.now());
    const cache = createReadingCache({
      db: d,
      clock,
      log: silentLogger,
      blockSize: 2,
      flushMs: 10,
      maxBlockAgeMs: 30,
    });
    cleanups.push(() => cache.dispose());
    const other = openFarmsDatabase(path);
    cleanups.push(() => other.close());
    const rows = (farm: string) =>
      (other.prepare('SELECT COUNT(*) AS n FROM reading_blocks WHERE farm_id = ?').get(farm) as { n: number })
        .n;
    cache.add('quiet', [r('a', clock.now()), r('b', clock.now()), r('a', clock.now() + 1)]);
    // 16 readings (8 × blockSize) close a busy farm's list at once.
    cache.add(
      'busy',
      Array.from({ length: 16 }, (_, i) => r(i % 2 ? 'a' : 'b', clock.now() + i)),
    );
    await waitFor(() => rows('busy') === 2, 2_000, 'busy farm written');
    await waitFor(() => rows('quiet') === 2, 2_000, 'quiet farm written when old');
    expect(join(path, 'farms.sqlite')).toBe(other.location());
    expect(cache.query('quiet', 'a', 0, clock.now() + 10, 10).sourcePoints).toBe(2);
  });
});

describe('hub', () => {
  it('coalesces changes into batches, reports removals and keeps the newest readings when a batch overflows', async () => {
    const hub = createHub({ intervalMs: 50, maxPendingPerFarm: 5, log: silentLogger });
    cleanups.push(() => hub.dispose());
    const live: LiveBatch[] = [];
    const readings: ReadingsBatch[] = [];
    hub.onLive((b) => live.push(b));
    hub.onReadings((b) => readings.push(b));
    hub.track('f1', { info: null, latest: [], link: 'connecting', since: 0 });
    hub.track('f2', { info: null, latest: [r('a', 5)], link: 'down', since: 0 });
    for (let i = 0; i < 8; i++) hub.ingest('f1', [r('a', 100 + i)]);
    hub.setLink('f1', 'live', 1, 'stream open');
    await waitFor(() => readings.length === 1 && live.length === 1, 5_000, 'one batch');
    expect(readings[0]!.farms).toEqual([
      { farmId: 'f1', readings: [103, 104, 105, 106, 107].map((t) => r('a', t)) },
    ]);
    expect(live[0]!.changed.map((f) => [f.farmId, f.link, f.lastReadingAt])).toEqual([
      ['f1', 'live', 107],
      ['f2', 'down', 5],
    ]);
    hub.remove('f2');
    await waitFor(() => live.length === 2, 5_000, 'removal');
    expect(live[1]).toMatchObject({ changed: [], removed: ['f2'] });
    expect(hub.all().map((f) => f.farmId)).toEqual(['f1']);
  });
});

describe('ledger store', () => {
  it('never leaves a final state and never moves backwards', () => {
    const { d } = db();
    const store = createLedgerStore(d);
    store.insert({
      id: 'c1',
      farmId: 'f1',
      farmName: 'F1',
      action: 'open',
      target: 'v1',
      params: { minutes: 3 },
      requestedBy: 'ann',
      createdMs: 1_000,
      expiresAt: new Date(100_000).toISOString(),
    });
    expect(store.transition('c1', 'running', 2_000)?.state).toBe('running');
    expect(store.transition('c1', 'queued', 3_000)).toBeNull(); // late and older news
    expect(store.transition('c1', 'unknown', 3_000, 'timeout')).toBeNull(); // the gateway already confirmed it
    expect(store.transition('c1', 'failed', 4_000, 'valve stuck')?.state).toBe('failed');
    expect(store.transition('c1', 'succeeded', 5_000)).toBeNull();
    const c = store.get('c1')!;
    expect(c.history.map((h) => h.state)).toEqual(['sending', 'running', 'failed']);
    expect(c.reason).toBe('valve stuck');
    expect(store.openIds()).toEqual([]);
  });
});
