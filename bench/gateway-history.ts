/**
 * A year of history end to end: `agromesh gateway --simulate --backfill 365d` in a child process, then
 * `GET /api/data/history` for 365 days at maxPoints=1000 driven by wrk from its own process (one connection:
 * what a chart waits for; four: readers queueing on the gateway's one thread). Targets: p50 < 50 ms and
 * p99 < 100 ms. Baselines in the same run, from another process on a copy of the same database file
 * (VACUUM INTO): the plain SELECT of the sensor's year of 1-minute rollups stepped through in node:sqlite
 * (what the issue calls the baseline), and the old 1-minute-tier path (its counts and min/max buckets over
 * 525,600 rows). Also `GET /api/data/current` p99 (wrk, another process) alone and while four connections
 * read a year: node:sqlite is synchronous, so a slow history query stalls every other request.
 * Needs wrk (Debian: `apt-get install wrk`). ROUNDS=n and SECONDS=n override the defaults.
 */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import { HistoryResponse } from '../protocol/farm-api.ts';
import { openGatewayDatabase } from '../gateway/store/db.ts';
import { createReadingStore } from '../gateway/store/readings.ts';
import { queryHistory } from '../gateway/history/query.ts';
import { type Wrk, requireWrk, wrk, wrkSync } from './_wrk.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 3);
const SENSOR = 'soil-1';
const YEAR = 365 * 86_400_000;
const RAW_RETENTION = 30 * 86_400_000;
const root = join(import.meta.dirname, '..');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (x: number) => Math.round(x * 100) / 100;
const spread = (xs: number[]) => ({
  median: r2(median(xs)),
  min: r2(Math.min(...xs)),
  max: r2(Math.max(...xs)),
});

interface Baseline {
  rows: number;
  plainSelectMs: ReturnType<typeof spread>;
  old1mPathMs: ReturnType<typeof spread>;
  new1hPathInProcessMs: ReturnType<typeof spread>;
  copyMs: number;
}

/** The baseline process: a copy of the gateway's file, the plain SELECT and both query paths, timed. */
function baseline(liveFile: string, copyDir: string, from: number, to: number): void {
  let t = performance.now();
  const live = new DatabaseSync(liveFile, { readOnly: true });
  live.exec(`VACUUM INTO '${join(copyDir, 'gateway.sqlite').replaceAll("'", "''")}'`);
  live.close();
  const copyMs = Math.round(performance.now() - t);
  const db = openGatewayDatabase(copyDir);
  const store = createReadingStore(db);
  const plain = db.prepare(
    'SELECT bucket, n, faults, sum, min, min_ts, max, max_ts FROM rollups_1m WHERE sensor_id = ? AND bucket BETWEEN ? AND ? ORDER BY bucket',
  );
  let rows = 0;
  const select = () => {
    rows = 0;
    for (const _row of plain.iterate(SENSOR, from, to)) rows++;
  };
  // What the 1-minute tier cost before the hourly one: the counts it ran, then min/max buckets in SQLite.
  const rawStart = to - RAW_RETENTION;
  const old1m = () => {
    store.countRaw(SENSOR, from, to);
    store.countRollups(SENSOR, from, rawStart);
    store.countRollups(SENSOR, from, to);
    return store.bucketExtremes('rollup-1m', SENSOR, from, to, Math.ceil((to - from + 1) / 500));
  };
  const new1h = () =>
    queryHistory(
      store,
      { sensor: SENSOR, from, to, maxPoints: 1000 },
      { now: to, rawRetentionMs: RAW_RETENTION, intervalMs: 60_000 },
    );
  const time = (fn: () => unknown) => {
    fn(); // warm: JIT and SQLite pages
    const samples: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      t = performance.now();
      fn();
      samples.push(performance.now() - t);
    }
    return spread(samples);
  };
  const result: Baseline = {
    rows: 0,
    plainSelectMs: time(select),
    old1mPathMs: time(old1m),
    new1hPathInProcessMs: time(new1h),
    copyMs,
  };
  result.rows = rows;
  db.close();
  process.send!(result, () => process.disconnect());
}

function runBaseline(liveFile: string, copyDir: string, from: number, to: number): Promise<Baseline> {
  const child = fork(
    fileURLToPath(import.meta.url),
    ['baseline', liveFile, copyDir, String(from), String(to)],
    { execArgv: ['--disable-warning=ExperimentalWarning'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as Baseline));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`baseline exited ${code}`))));
  });
}

async function main(): Promise<void> {
  requireWrk();
  const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-history-'));
  const started = performance.now();
  const gateway = spawn(
    join(root, 'node_modules', '.bin', 'node'),
    [
      join(root, 'bin', 'agromesh.js'),
      'gateway',
      '--simulate',
      '--backfill',
      '365d',
      '--farm-id',
      'bench-history',
      '--listen',
      '127.0.0.1:0',
      '--data-dir',
      join(dir, 'gw'),
      '--insecure-no-auth',
      '--log-level',
      'info',
      '--log-dir',
      'none',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let backfill: Record<string, number> | undefined;
  let err = '';
  gateway.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    const line = err.split('\n').find((l) => l.includes('"history backfilled"'));
    if (line && !backfill) backfill = JSON.parse(line) as Record<string, number>;
    if (err.length > 1e6) err = err.slice(-1e4);
  });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${err}`)), 120_000);
      gateway.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      gateway.once('exit', (code) => reject(new Error(`gateway exited ${code}:\n${err}`)));
    });
    const startupMs = Math.round(performance.now() - started);
    const to = Date.now();
    const from = to - YEAR;
    const yearUrl = `${base}/api/data/history?sensor=${SENSOR}&from=${from}&to=${to}&maxPoints=1000`;
    const currentUrl = `${base}/api/data/current`;
    const answer = HistoryResponse.parse(await (await fetch(yearUrl)).json());
    if (answer.source !== 'rollup-1h' || answer.points.length < 500)
      throw new Error(`a year came back from ${answer.source} with ${answer.points.length} points`);

    const liveFile = join(dir, 'gw', 'gateway.sqlite');
    const dbBytes = statSync(liveFile).size;
    const baselineFigures = await runBaseline(liveFile, mkdtempSync(join(dir, 'copy-')), from, to);

    const year1: Wrk[] = [];
    const year4: Wrk[] = [];
    const currentAlone: Wrk[] = [];
    const currentWithYear: Wrk[] = [];
    const yearWithCurrent: Wrk[] = [];
    const run = (url: string, connections: number) => ({ url, threads: 1, connections, seconds: SECONDS });
    for (let round = 0; round < ROUNDS; round++) {
      year1.push(wrkSync(run(yearUrl, 1)));
      year4.push(wrkSync(run(yearUrl, 4)));
      currentAlone.push(wrkSync(run(currentUrl, 2)));
      const [y, c] = await Promise.all([wrk(run(yearUrl, 4)), wrk(run(currentUrl, 2))]);
      yearWithCurrent.push(y);
      currentWithYear.push(c);
    }
    const summary = (rs: Wrk[]) => ({
      p50Ms: spread(rs.map((r) => r.p50Ms)),
      p99Ms: spread(rs.map((r) => r.p99Ms)),
      rps: spread(rs.map((r) => r.rps)),
      bytesPerResponse: median(rs.map((r) => r.bytesPerResponse)),
      wrkCpuPct: median(rs.map((r) => r.wrkCpuPct)),
    });
    const p50 = median(year1.map((r) => r.p50Ms));
    const p99 = median(year1.map((r) => r.p99Ms));
    console.log(
      JSON.stringify(
        {
          bench: 'gateway-history',
          command: `wrk -t1 -d${SECONDS}s --latency, ${ROUNDS} rounds, median and [min, max] over rounds`,
          gateway: 'agromesh gateway --simulate --backfill 365d (child process, loopback, development mode)',
          backfill: {
            duration: '365d',
            ms: backfill?.ms,
            rollupOnlyReadings: backfill?.rollupOnlyReadings,
            rawReadings: backfill?.rawReadings,
            startToListeningMs: startupMs,
            dbBytes,
          },
          request: {
            path: `/api/data/history?sensor=${SENSOR}&from=<now-365d>&to=<now>&maxPoints=1000`,
            source: answer.source,
            method: answer.method,
            resolutionMs: answer.resolutionMs,
            sourcePoints: answer.sourcePoints,
            points: answer.points.length,
          },
          baselineOtherProcess: baselineFigures,
          year: { oneConnection: summary(year1), fourConnections: summary(year4) },
          current: {
            alone: summary(currentAlone),
            whileFourReadAYear: summary(currentWithYear),
            yearReadersMeanwhile: summary(yearWithCurrent),
          },
          ratios: {
            plainSelectOverYearP50: r2(baselineFigures.plainSelectMs.median / p50),
            old1mPathOverYearP50: r2(baselineFigures.old1mPathMs.median / p50),
            currentP99WithYearOverAlone: r2(
              median(currentWithYear.map((r) => r.p99Ms)) / median(currentAlone.map((r) => r.p99Ms)),
            ),
          },
          target: 'a year at maxPoints=1000: p50 < 50 ms, p99 < 100 ms (one connection)',
          pass: p50 < 50 && p99 < 100,
        },
        null,
        2,
      ),
    );
  } finally {
    gateway.kill('SIGTERM');
    if (gateway.exitCode === null) await new Promise((r) => gateway.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'baseline') {
  const [liveFile, copyDir, from, to] = process.argv.slice(3);
  baseline(liveFile!, copyDir!, Number(from), Number(to));
} else await main();
