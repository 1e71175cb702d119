/**
 * `--backfill DURATION`: parsed in one place with clear errors, and a simulated gateway that backfilled a
 * year answers it at once from the hourly tier (recent days from raw rows), and a backfill that stopped
 * half-way resumes without counting anything twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryResponse } from '../../protocol/farm-api.ts';
import { optionsFromArgs, run } from '../../gateway/cli.ts';
import { DAY, HOUR, MINUTE } from '../../gateway/store/readings.ts';
import { manualClock } from '../../gateway/clock.ts';
import { type ReadingStore, createReadingStore } from '../../gateway/store/readings.ts';
import { openGatewayDatabase } from '../../gateway/store/db.ts';
import { type Ingest, createIngest } from '../../gateway/ingest.ts';
import { backfillSimulated } from '../../gateway/simulator/backfill.ts';
import { createFarmSimulator, simLayout } from '../../gateway/simulator/farm-sim.ts';
import { silentLogger } from '../../kit/log.ts';
import { T0, type TestGateway, call, startTestGateway } from './helpers.ts';

let gw: TestGateway | undefined;
const closers: (() => void)[] = [];
afterEach(async () => {
  await gw?.dispose();
  gw = undefined;
  closers.splice(0).forEach((c) => c());
});

function memoryStore(): ReadingStore {
  const db = openGatewayDatabase(null);
  closers.push(() => db.close());
  return createReadingStore(db);
}

const backfillOf = (...args: string[]) => optionsFromArgs(['--simulate', ...args], {}).simulate?.backfillMs;

const history = async (g: TestGateway, sensor: string, from: number, to: number) =>
  HistoryResponse.parse(
    (await call(g.url, 'GET', `/api/data/history?sensor=${sensor}&from=${from}&to=${to}&maxPoints=1000`))
      .body,
  );

describe('--backfill DURATION', () => {
  it('takes days, hours and minutes; --backfill-hours stays an alias; anything else is refused clearly', async () => {
    expect(backfillOf('--backfill', '365d')).toBe(365 * DAY);
    expect(backfillOf('--backfill', '12h')).toBe(12 * HOUR);
    expect(backfillOf('--backfill', '90m')).toBe(90 * MINUTE);
    expect(backfillOf('--backfill-hours', '2')).toBe(2 * HOUR);
    expect(backfillOf()).toBe(0);
    for (const [args, reason] of [
      [
        ['--backfill', 'a year'],
        /--backfill: "a year" is not a duration \(use e\.g\. 45s, 30m, 12h, 7d, 2w\)/,
      ],
      [['--backfill', '0d'], /--backfill: A duration must be positive/],
      [['--backfill', '800d'], /at most 731d/],
      [['--backfill', '2d', '--backfill-hours', '3'], /not both/],
      [['--backfill-hours', 'x'], /--backfill-hours must be a number/],
    ] as const) {
      expect(() => backfillOf(...args)).toThrow(reason);
      const err: string[] = [];
      const io = {
        stdout: () => {},
        stderr: (t: string) => err.push(t),
        env: {},
        stopSignal: new Promise<void>(() => {}),
      };
      expect(await run(['--simulate', ...args], io)).toBe(2); // exit code 2: bad options
      expect(err.join('')).toMatch(reason);
    }
  });

  it('a gateway that backfilled a year answers the year from hours at once, and recent days from raw', async () => {
    gw = await startTestGateway({ simulate: { seed: 3, backfillMs: 365 * DAY } });
    const year = await history(gw, 'soil-1', T0 - 365 * DAY, T0);
    expect(year).toMatchObject({ source: 'rollup-1h', method: 'minmax' });
    expect(year.points.length).toBeGreaterThan(900);
    expect(year.sourcePoints).toBeGreaterThanOrEqual(365 * 24);
    // The whole year is there, from its first day to its last.
    expect(year.points[0]![0]).toBeLessThan(T0 - 364 * DAY);
    expect(year.points.at(-1)![0]).toBeGreaterThan(T0 - DAY);
    expect(year.points.filter((p) => p[1] === null).length).toBeLessThan(50); // faults only, no holes
    const week = await history(gw, 'soil-1', T0 - 7 * DAY, T0);
    expect(week.source).toBe('raw');
    expect(week.sourcePoints).toBe(7 * 1440 + 1); // one reading a minute, as live, both ends included
    const older = await history(gw, 'soil-1', T0 - 200 * DAY, T0 - 199 * DAY);
    expect(older).toMatchObject({ source: 'rollup-1m', sourcePoints: 1441 });
  }, 120_000);

  it('resumes after the last whole minute written when it stopped between its rollup-only days and its raw part', () => {
    const retention = { rawMs: DAY, rollupMs: 731 * DAY };
    const fill = (store: ReadingStore, ingest: Ingest) =>
      backfillSimulated({
        simulator: createFarmSimulator({ seed: 3, anchor: T0 }),
        readings: store,
        ingest,
        now: T0,
        spanMs: 3 * DAY,
        rawRetentionMs: retention.rawMs,
        log: silentLogger,
      });
    const realIngest = (store: ReadingStore) =>
      createIngest({
        store,
        layout: simLayout(),
        clock: manualClock(T0),
        retention,
        log: silentLogger,
        onAdded: () => {},
      });
    const killed: Ingest = {
      ingest: () => {
        throw new Error('killed');
      },
      lastIngestAt: () => undefined,
    };
    const counted = (store: ReadingStore) =>
      store.rollups('tank-1', T0 - 3 * DAY, T0, '1h').map((h) => [h.bucket, h.n + h.faults]);

    const once = memoryStore();
    fill(once, realIngest(once));
    const resumed = memoryStore();
    expect(() => fill(resumed, killed)).toThrow('killed');
    expect(resumed.latest('tank-1')).toBeUndefined(); // no raw row yet: only rollups were written
    fill(resumed, realIngest(resumed));
    // Every hour holds as many readings as a backfill that ran through: none twice, none missing.
    expect(counted(resumed)).toEqual(counted(once));
    expect(
      counted(once)
        .slice(1, -1)
        .every(([, n]) => n === 120),
    ).toBe(true); // tank-1: every 30 s
  });
});
