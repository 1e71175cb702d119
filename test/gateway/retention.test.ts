import { afterEach, describe, expect, it } from 'vitest';
import { Health, HistoryResponse } from '../../protocol/farm-api.ts';
import { createLogger } from '../../kit/log.ts';
import { openGatewayDatabase } from '../../gateway/store/db.ts';
import { createReadingStore } from '../../gateway/store/readings.ts';
import { hardwareLayout } from './fixtures.ts';
import { manualClock } from '../../gateway/clock.ts';
import { T0, type TestGateway, call, startTestGateway, tempDir } from './helpers.ts';

const DAY = 86_400_000;
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.dispose();
  gw = undefined;
});

describe('reading store', () => {
  it('ignores duplicates and keeps 1-minute rollups with min/max and their times', () => {
    const db = openGatewayDatabase(null);
    const store = createReadingStore(db);
    const r = (ts: number, value: number | null) => ({
      sensorId: 'p',
      ts,
      value,
      quality: value === null ? ('fault' as const) : ('ok' as const),
    });
    expect(store.insert([r(T0, 5), r(T0 + 10_000, 9), r(T0 + 20_000, 1), r(T0 + 30_000, null)])).toHaveLength(
      4,
    );
    expect(store.insert([r(T0, 5), r(T0 + 40_000, 4)])).toHaveLength(1);
    expect(store.rollups('p', T0, T0 + 59_999)).toEqual([
      { bucket: T0, n: 4, faults: 1, sum: 19, min: 1, min_ts: T0 + 20_000, max: 9, max_ts: T0 + 10_000 },
    ]);
    expect(store.latest('p')).toMatchObject({ ts: T0 + 40_000, value: 4 });
    db.close();
  });
});

describe('retention', () => {
  it('drops raw readings after 30 days and rollups after 2 years; old ranges are answered from rollups', async () => {
    gw = await startTestGateway({ simulate: null, layout: hardwareLayout });
    const start = T0 - 800 * DAY;
    const day = (d: number) => start + d * DAY;
    // Write a reading every 10 minutes on a few days spread over ~2.2 years, as time goes by.
    const days = [0, 100, 760, 765, 790, 795, 799];
    for (const d of days) {
      gw.clock.set(day(d) + DAY);
      const batch = Array.from({ length: 144 }, (_, i) => ({
        sensorId: 'probe-1',
        ts: day(d) + i * 600_000,
        value: 25 + (i % 7),
        quality: 'ok' as const,
      }));
      if (d === 765) batch[50] = { ...batch[50]!, value: 88 }; // a spike that must survive in rollups
      expect(gw.ingest(batch).accepted).toBe(144);
    }
    gw.clock.set(T0);
    const removed = await gw.prune();
    expect(removed).toBeGreaterThan(0);

    const hist = async (from: number, to: number, maxPoints = 2000) =>
      HistoryResponse.parse(
        (
          await call(
            gw!.url,
            'GET',
            `/api/data/history?sensor=probe-1&from=${from}&to=${to}&maxPoints=${maxPoints}`,
          )
        ).body,
      );
    // Day 0 is older than 2 years: gone entirely.
    expect((await hist(day(0), day(1))).points).toEqual([]);
    // Day 765 is older than 30 days: raw is gone, the rollups answer, and the spike is still there.
    const old = await hist(day(765), day(766));
    expect(old.source).toBe('rollup-1m');
    expect(old.method).toBe('rollup-1m');
    expect(old.sourcePoints).toBe(144);
    expect(old.points).toContainEqual([day(765) + 50 * 600_000, 88]);
    // Recent days are still raw.
    const recent = await hist(day(795), day(796));
    expect(recent).toMatchObject({ source: 'raw', method: 'raw', sourcePoints: 144 });
    // A range over both stretches comes from the hourly rollups, downsampled with min/max buckets.
    const long = await hist(day(700), T0, 60);
    expect(long.source).toBe('rollup-1h');
    expect(long.method).toBe('minmax');
    expect(long.points.length).toBeLessThanOrEqual(60);
    expect(long.points.map((p) => p[1])).toContain(88);
    // Running it again removes nothing more.
    expect(await gw.prune()).toBe(0);
  });
});

describe('retention and a clock that jumped ahead', () => {
  const hourly = (from: number, to: number) =>
    Array.from({ length: Math.floor((to - from) / 3_600_000) + 1 }, (_, i) => ({
      sensorId: 'probe-1',
      ts: from + i * 3_600_000,
      value: 30,
      quality: 'ok' as const,
    }));
  const rawPoints = async (from: number, to: number) => {
    const h = HistoryResponse.parse(
      (await call(gw!.url, 'GET', `/api/data/history?sensor=probe-1&from=${from}&to=${to}&maxPoints=5000`))
        .body,
    );
    expect(h.source).toBe('raw');
    return h.points.length;
  };

  it('holds (and warns) when now is days past its last run; history survives a restart 400 days ahead', async () => {
    const dir = tempDir();
    try {
      const lines: string[] = [];
      const log = createLogger('gateway', { level: 'warn', write: (l) => lines.push(l) });
      const start = (clockAt: number, over = {}) =>
        startTestGateway(
          { simulate: null, layout: hardwareLayout, dataDir: dir.path, log, ...over },
          manualClock(clockAt),
        );
      // Normal life: 20 days of readings and an hourly retention run that removes nothing.
      gw = await start(T0);
      expect(gw.ingest(hourly(T0 - 20 * DAY, T0)).accepted).toBe(481);
      expect(await gw.prune()).toBe(0);
      await gw.dispose();

      // Restarted with the clock 400 days ahead; new readings carry that clock's time, so only the last
      // run gives the jump away.
      gw = await start(T0 + 400 * DAY);
      gw.ingest(hourly(gw.clock.now() - 3_600_000, gw.clock.now()));
      expect(await gw.prune()).toBe(0);
      expect(lines.join('\n')).toMatch(/retention held: .*400 days ahead of the last retention run/);
      const health = Health.parse((await call(gw.url, 'GET', '/api/health')).body);
      expect(health.status).toBe('degraded');
      expect(health.checks.retention).toMatchObject({ ok: false });
      await gw.dispose();

      // The clock is fixed: every reading is still there.
      gw = await start(T0);
      expect(await rawPoints(T0 - 20 * DAY, T0)).toBe(481);
      await gw.dispose();

      // An operator who says the clock is right lets it run.
      gw = await start(T0 + 40 * DAY, { acceptClockJump: true });
      expect(await gw.prune()).toBeGreaterThan(0);
      expect(Health.parse((await call(gw.url, 'GET', '/api/health')).body).checks.retention).toBeUndefined();
    } finally {
      await gw?.dispose();
      gw = undefined;
      dir.remove();
    }
  });

  it('holds when now is days past the newest stored reading', async () => {
    gw = await startTestGateway({ simulate: null, layout: hardwareLayout });
    expect(gw.ingest(hourly(T0 - 20 * DAY, T0)).accepted).toBe(481);
    gw.clock.advance(40 * DAY); // would make every raw reading older than the 30-day retention
    expect(await gw.prune()).toBe(0);
    gw.clock.set(T0);
    expect(await rawPoints(T0 - 20 * DAY, T0)).toBe(481);
  });
});
