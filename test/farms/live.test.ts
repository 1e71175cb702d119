import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeGateway, type FakeGateway } from './support/fake-gateway.ts';
import { tempDir, waitFor } from './support/helpers.ts';
import { duplicates, fastTuning, recordedFarms, type Recorded } from './support/setup.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: { replay?: number; tuning?: Parameters<typeof fastTuning>[0] } = {}) {
  const gw = await startFakeGateway({ replay: opts.replay ?? 1_000 });
  cleanups.push(() => gw.dispose());
  const dir = tempDir();
  cleanups.push(dir.remove);
  const rec = recordedFarms({ dataDir: dir.path, tuning: fastTuning(opts.tuning) });
  cleanups.push(() => rec.farms.dispose());
  await rec.farms.connect({ farmId: gw.farmId, address: '127.0.0.1', port: gw.port });
  await waitFor(() => rec.farms.latest(gw.farmId)?.link === 'live', 5_000, 'link live');
  await waitFor(() => gw.streamClients() === 1, 5_000, 'subscribed');
  return { gw, rec, dir };
}

const got = (rec: Recorded, gw: FakeGateway) => rec.readings.get(gw.farmId) ?? [];
const T0 = Date.now() - 30 * 60_000;

describe('live data', () => {
  it('delivers every reading once, in coalesced batches of at most ~10 per second', async () => {
    const { gw, rec } = await setup();
    // The coalescer's clock is fake: one report arrives per 10 ms of its time, however slow the machine is.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    for (let i = 0; i < 60; i++) {
      gw.tick(T0 + i * 1_000);
      await waitFor(
        () => rec.farms.latest(gw.farmId)?.lastReadingAt === T0 + i * 1_000,
        5_000,
        `report ${i}`,
      );
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(got(rec, gw)).toHaveLength(60 * gw.sensorIds.length);
    expect(duplicates(got(rec, gw))).toEqual([]);
    // 60 reports over 600 ms: at most one batch per 100 ms (7 at most), not one per report.
    expect(rec.batches.length).toBeLessThanOrEqual(7);
    for (let i = 1; i < rec.batches.length; i++)
      expect(rec.batches[i]! - rec.batches[i - 1]!).toBeGreaterThanOrEqual(100);
    const live = rec.farms.latest(gw.farmId)!;
    expect(live.link).toBe('live');
    expect(live.latest.map((r) => r.ts)).toEqual(gw.sensorIds.map(() => T0 + 59_000));
    expect(live.lastReadingAt).toBe(T0 + 59_000);
    expect(rec.farms.info(gw.farmId)?.name).toBe(gw.info.name);
    expect(rec.health.some((h) => h.ok)).toBe(true);
  });

  it('shows the latest reading of every sensor as soon as a farm connects, not at its next report', async () => {
    const gw = await startFakeGateway({ replay: 1_000 });
    cleanups.push(() => gw.dispose());
    gw.tick(T0); // measured before the control room connects; slow sensors may not report again for a while
    const dir = tempDir();
    cleanups.push(dir.remove);
    const rec = recordedFarms({ dataDir: dir.path, tuning: fastTuning() });
    cleanups.push(() => rec.farms.dispose());
    await rec.farms.connect({ farmId: gw.farmId, address: '127.0.0.1', port: gw.port });
    await waitFor(
      () => rec.farms.latest(gw.farmId)?.latest.length === gw.sensorIds.length,
      5_000,
      'latest readings',
    );
    expect(rec.farms.latest(gw.farmId)!.latest.map((r) => r.ts)).toEqual(gw.sensorIds.map(() => T0));
    gw.tick(T0 + 1_000);
    await waitFor(() => got(rec, gw).length === 2 * gw.sensorIds.length, 5_000, 'next readings');
    expect(duplicates(got(rec, gw))).toEqual([]);
  });

  it('resumes from the last sequence after a drop: nothing lost, nothing twice', async () => {
    const { gw, rec } = await setup();
    for (let i = 0; i < 5; i++) gw.tick(T0 + i * 1_000);
    await waitFor(() => got(rec, gw).length === 15, 5_000, 'first readings');
    gw.dropStreams();
    await gw.stop();
    await waitFor(() => rec.farms.latest(gw.farmId)?.link !== 'live', 5_000, 'link down');
    for (let i = 5; i < 10; i++) gw.tick(T0 + i * 1_000);
    await gw.start();
    await waitFor(() => got(rec, gw).length === 30, 8_000, 'all readings after resume');
    expect(duplicates(got(rec, gw))).toEqual([]);
    expect(gw.requests.filter((r) => r.includes('/api/data/history'))).toEqual([]); // replay sufficed
  });

  it('backfills a ten-minute outage exactly once when the replay buffer no longer reaches back', async () => {
    const { gw, rec } = await setup({ replay: 5 });
    gw.faults.historyCap = 250; // forces chunked, raw backfill requests
    for (let i = 0; i < 3; i++) gw.tick(T0 + i * 1_000);
    await waitFor(() => got(rec, gw).length === 9, 5_000, 'first readings');
    await gw.stop();
    await waitFor(() => rec.farms.latest(gw.farmId)?.link === 'down', 5_000, 'link down');
    // Ten minutes of simulated farm time at 1 Hz while the control room cannot reach the farm.
    for (let i = 3; i < 603; i++) gw.tick(T0 + i * 1_000);
    await gw.start();
    await waitFor(() => got(rec, gw).length === 603 * 3, 10_000, 'backfill complete');
    await rec.farms.idle(gw.farmId);
    expect(duplicates(got(rec, gw))).toEqual([]);
    for (const s of gw.sensorIds) {
      const mine = got(rec, gw)
        .filter((r) => r.sensorId === s)
        .map((r) => r.ts)
        .sort((a, b) => a - b);
      expect(mine).toEqual(gw.stored(s).map((r) => r.ts));
    }
    expect(gw.requests.some((r) => r === 'GET /api/data/history')).toBe(true);
    // The cache holds the outage too, exactly once per (sensor, ts).
    await rec.farms.disconnect(gw.farmId);
    const cached = await rec.farms.history({
      farmId: gw.farmId,
      sensorIds: ['s1'],
      from: T0,
      to: T0 + 603_000,
      maxPoints: 5_000,
    });
    expect(cached.fromCache).toBe(true);
    expect(cached.series[0]!.points.map((p) => p[0])).toEqual(gw.stored('s1').map((r) => r.ts));
  });

  it('detects a half-open connection within the heartbeat interval, shows it stale and redials', async () => {
    const heartbeatMs = 400;
    // The link's clock is fake, so "within the heartbeat" is exact, not a guess about machine speed.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const { gw, rec } = await setup({ tuning: { heartbeatMs } });
    gw.tick(T0);
    await waitFor(() => got(rec, gw).length === 3, 5_000, 'reading');
    const before = rec.links.length;
    gw.freeze();
    await vi.advanceTimersByTimeAsync(heartbeatMs - heartbeatMs / 4); // a ping goes unanswered, still live
    expect(rec.links.slice(before).find((e) => e.state === 'stale')).toBeUndefined();
    // Nothing heard for heartbeatMs (plus one check tick of heartbeatMs/4) → stale.
    await vi.advanceTimersByTimeAsync(heartbeatMs / 4 + heartbeatMs / 4 + 1);
    const stale = await waitFor(
      () => rec.links.slice(before).find((e) => e.state === 'stale'),
      3_000,
      'stale',
    );
    vi.useRealTimers(); // from here the redial runs on real timers
    expect(rec.health.some((h) => !h.ok)).toBe(true);
    await waitFor(() => rec.links.slice(before).find((e) => e.state === 'connecting'), 1_000, 'redial');
    expect(stale.detail).toMatch(/no answer/);
    gw.thaw();
    gw.tick(T0 + 1_000);
    await waitFor(
      () => rec.farms.latest(gw.farmId)?.link === 'live' && got(rec, gw).length === 6,
      8_000,
      'live again',
    );
    expect(duplicates(got(rec, gw))).toEqual([]);
  });

  it('after a sequence restart on the gateway, catches up by time', async () => {
    const { gw, rec } = await setup();
    for (let i = 0; i < 20; i++) gw.tick(T0 + i * 1_000);
    await waitFor(() => got(rec, gw).length === 60, 5_000, 'readings');
    const port = gw.port;
    await gw.dispose();
    // A replacement gateway on the same address whose stream numbering starts over (seq 15 < 20).
    const fresh = await startFakeGateway({ port, replay: 1_000 });
    cleanups.push(() => fresh.dispose());
    for (let i = 20; i < 35; i++) fresh.tick(T0 + i * 1_000);
    await waitFor(() => got(rec, gw).length === 105, 8_000, 'caught up by time');
    await rec.farms.idle();
    fresh.tick(T0 + 35_000);
    await waitFor(() => got(rec, gw).length === 108, 5_000, 'live again');
    expect(duplicates(got(rec, gw))).toEqual([]);
  });
});

describe('identity', () => {
  it('never shows live, nor takes readings from, a gateway that introduces itself as another farm', async () => {
    const gw = await startFakeGateway({ farmId: 'south-farm' });
    cleanups.push(() => gw.dispose());
    const dir = tempDir();
    cleanups.push(dir.remove);
    const rec = recordedFarms({ dataDir: dir.path });
    cleanups.push(() => rec.farms.dispose());
    await rec.farms.connect({ farmId: 'north-farm', address: '127.0.0.1', port: gw.port });
    await waitFor(() => rec.links.find((e) => e.detail.includes('south-farm')), 5_000, 'refused after hello');
    gw.tick(T0);
    expect(rec.links.some((e) => e.state === 'live')).toBe(false);
    expect(rec.readings.size).toBe(0);
  });
});

describe('offline farms', () => {
  it('show the last known values after an app restart and answer history from the cache', async () => {
    const { gw, rec, dir } = await setup();
    for (let i = 0; i < 10; i++) gw.tick(T0 + i * 1_000);
    await waitFor(() => got(rec, gw).length === 30, 5_000, 'readings');
    const online = await rec.farms.history({
      farmId: gw.farmId,
      sensorIds: ['s1', 's2'],
      from: T0,
      to: T0 + 10_000,
      maxPoints: 100,
    });
    expect(online.fromCache).toBe(false);
    expect(online.series.map((s) => s.points.length)).toEqual([10, 10]);
    await rec.farms.dispose();
    await gw.stop();

    const again = recordedFarms({ dataDir: dir.path, tuning: fastTuning() });
    cleanups.push(() => again.farms.dispose());
    await again.farms.connect({ farmId: gw.farmId, address: '127.0.0.1', port: gw.port });
    const live = again.farms.latest(gw.farmId)!;
    expect(live.link).not.toBe('live');
    expect(live.lastReadingAt).toBe(T0 + 9_000);
    expect(live.latest).toHaveLength(3);
    expect(live.info?.name).toBe(gw.info.name);
    const h = await again.farms.history({
      farmId: gw.farmId,
      sensorIds: ['s1'],
      from: T0,
      to: T0 + 10_000,
      maxPoints: 4,
    });
    expect(h.fromCache).toBe(true);
    expect(h.series[0]).toMatchObject({ sourcePoints: 10, method: 'lttb' });
    expect(h.series[0]!.points).toHaveLength(4);
    expect(h.series[0]!.points[0]![0]).toBe(T0);
    expect(h.series[0]!.points[3]![0]).toBe(T0 + 9_000);
  });

  it('falls back to the cache when the farm does not answer in time', async () => {
    const { gw, rec } = await setup({ tuning: { historyTimeoutMs: 200 } });
    for (let i = 0; i < 5; i++) gw.tick(T0 + i * 1_000);
    await waitFor(() => got(rec, gw).length === 15, 5_000, 'readings');
    await rec.farms.idle();
    gw.faults.historyDown = true;
    const h = await rec.farms.history({
      farmId: gw.farmId,
      sensorIds: ['s3'],
      from: T0,
      to: T0 + 5_000,
      maxPoints: 100,
    });
    expect(h.fromCache).toBe(true);
    expect(h.series[0]!.points).toHaveLength(5);
  });
});
