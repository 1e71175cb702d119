/**
 * One year of one-minute data (525,600 points) down to 1,000 points for a chart.
 * Target: < 100 ms. Baseline in the same run: a plain linear pass over the same arrays (copy + min/max),
 * the floor any downsampler must pay. Also: the full history query over a year of rollups in SQLite.
 * Run: node bench/gateway-downsample.ts
 */
import { lttb, minMaxBuckets, pointsOf, type Series } from '../protocol/downsample.ts';
import { queryHistory } from '../gateway/history/query.ts';
import { openGatewayDatabase } from '../gateway/store/db.ts';
import { createReadingStore } from '../gateway/store/readings.ts';

const N = 525_600;
const MINUTE = 60_000;
const start = Date.UTC(2025, 0, 1);

function makeSeries(): Series {
  const ts = new Float64Array(N);
  const values = new Float64Array(N);
  let x = 30;
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < N; i++) {
    ts[i] = start + i * MINUTE;
    x += (rand() - 0.5) * 0.2 - 0.001 * (x - 30);
    values[i] = x + 3 * Math.sin((2 * Math.PI * i) / 1440) + (i % 100_003 === 0 ? 40 : 0); // diurnal + rare spikes
  }
  return { ts, values };
}

function time(fn: () => unknown, runs: number): { medianMs: number; minMs: number } {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: round(samples[Math.floor(runs / 2)]!), minMs: round(samples[0]!) };
}

const round = (n: number) => Math.round(n * 100) / 100;

const series = makeSeries();
const to = start + (N - 1) * MINUTE;

function baseline(): number {
  const ts = new Float64Array(series.ts);
  const v = new Float64Array(series.values);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo + hi + ts.length;
}

// Warm up the JIT on every path first.
for (let i = 0; i < 3; i++) {
  baseline();
  pointsOf(series, minMaxBuckets(series, 1_000, start, to).indices);
  pointsOf(series, lttb(series, 1_000));
}
const runs = 15;
const base = time(baseline, runs);
const minmax = time(() => pointsOf(series, minMaxBuckets(series, 1_000, start, to).indices), runs);
const lt = time(() => pointsOf(series, lttb(series, 1_000)), runs);
const kept = pointsOf(series, minMaxBuckets(series, 1_000, start, to).indices);
const spikes = [...series.values].filter((v) => v > 60).length;
const keptSpikes = kept.filter((p) => (p[1] ?? 0) > 60).length;

// End to end: a year of 1-minute rollups in SQLite answered by queryHistory (raw retention is 30 days).
const db = openGatewayDatabase(null);
const store = createReadingStore(db);
const batch = 10_000;
for (let i = 0; i < N; i += batch) {
  const rows = [];
  for (let j = i; j < Math.min(N, i + batch); j++)
    rows.push({ sensorId: 's', ts: series.ts[j]!, value: series.values[j]!, quality: 'ok' as const });
  store.insert(rows);
}
const now = to + MINUTE;
const query = () =>
  queryHistory(
    store,
    { sensor: 's', from: start, to, maxPoints: 1_000 },
    { now, rawRetentionMs: 30 * 24 * 3_600_000, intervalMs: MINUTE },
  );
query();
const e2e = time(query, 5);
const e2eResult = query();
db.close();

console.log(
  JSON.stringify(
    {
      bench: 'gateway-downsample',
      points: N,
      maxPoints: 1_000,
      target: 'minmax < 100 ms',
      baselineLinearScan: base,
      minmax: {
        ...minmax,
        returned: kept.length,
        ratioToBaseline: round(minmax.medianMs / base.medianMs),
        spikesKept: `${keptSpikes}/${spikes}`,
      },
      lttb: { ...lt, ratioToBaseline: round(lt.medianMs / base.medianMs) },
      historyQueryOneYearOfRollups: {
        ...e2e,
        method: e2eResult.method,
        source: e2eResult.source,
        returned: e2eResult.points.length,
      },
      pass: minmax.medianMs < 100 && lt.medianMs < 100,
    },
    null,
    2,
  ),
);
