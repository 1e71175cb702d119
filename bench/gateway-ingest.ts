/**
 * Sustained ingest while serving history: readings pushed over the local push endpoint (500 per
 * request, one request in flight) into a WAL SQLite file, while a client asks for 24 h of history
 * (1,000 points) over the Farm API. Baselines measured in the same run: ingest alone and queries alone.
 * Reports readings/s and query latency p50/p99 for each phase.
 * Run: node bench/gateway-ingest.ts [--seconds 4]
 */
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Reading } from '../protocol/farm-api.ts';
import { silentLogger } from '../kit/log.ts';
import { startGateway } from '../gateway/gateway.ts';
import type { FarmLayout } from '../gateway/layout.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string' } } });
const seconds = Math.min(60, Number(values.seconds ?? 4));
const SENSORS = 20;
const BATCH = 500;
const HOUR = 3_600_000;

const layout: FarmLayout = {
  sensors: Array.from({ length: SENSORS }, (_, i) => ({
    id: `s-${i}`,
    kind: 'soil_moisture' as const,
    label: `Sensor ${i}`,
    unit: '%',
    expectedRange: { min: 0, max: 100 },
    intervalMs: 1_000,
  })),
  actuators: [],
};

const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-'));
const gw = await startGateway({
  dataDir: dir,
  farmId: 'bench',
  listen: { host: '127.0.0.1', port: 0 },
  push: { port: 0 },
  layout,
  resolveIdentity: async (address) => ({
    address,
    nodeId: 'n',
    nodeName: 'bench',
    user: 'bench@example.com',
    userDisplayName: 'Bench',
    tags: [],
    capabilities: {},
  }),
  discoverRegistry: false,
  log: silentLogger,
});
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function post(port: number, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.end(body);
  });
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.end();
  });
}

// History to query: 7 days of one-minute data for s-0, ending where live ingest starts.
const liveStart = Date.now() - 20 * 24 * HOUR;
for (let t = liveStart - 7 * 24 * HOUR; t < liveStart; t += 24 * HOUR) {
  const rows: Reading[] = [];
  for (let m = 0; m < 1_440; m++)
    rows.push({ sensorId: 's-0', ts: t + m * 60_000, value: 30 + Math.sin(m / 90) * 5, quality: 'ok' });
  gw.ingest(rows);
}

let nextTs = liveStart;
function batch(): string {
  const readings = [];
  for (let i = 0; i < BATCH; i++) {
    readings.push({ sensorId: `s-${i % SENSORS}`, ts: nextTs, value: 20 + (nextTs % 997) / 50 });
    if (i % SENSORS === SENSORS - 1) nextTs += 1_000;
  }
  return JSON.stringify({ readings });
}

async function ingestFor(ms: number, stop: { done: boolean }): Promise<number> {
  let n = 0;
  const end = Date.now() + ms;
  while (Date.now() < end && !stop.done) {
    const status = await post(gw.pushPort!, '/api/readings', batch());
    if (status !== 200) throw new Error(`push answered ${status}`);
    n += BATCH;
  }
  return n;
}

async function queryFor(ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const to = liveStart + 12 * HOUR;
    const t = performance.now();
    const status = await get(
      gw.port,
      `/api/data/history?sensor=s-0&from=${to - 24 * HOUR}&to=${to}&maxPoints=1000`,
    );
    if (status !== 200) throw new Error(`history answered ${status}`);
    latencies.push(performance.now() - t);
  }
  return latencies;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN) * 100) / 100;
};
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

const ms = seconds * 1000;
await ingestFor(500, { done: false }); // warm-up
await queryFor(300);

const ingestOnly = await ingestFor(ms, { done: false });
const queriesOnly = await queryFor(ms);
const stop = { done: false };
const [together, latencies] = await Promise.all([
  ingestFor(ms, stop),
  queryFor(ms).finally(() => (stop.done = true)),
]);

const result = {
  bench: 'gateway-ingest',
  seconds,
  sensors: SENSORS,
  batch: BATCH,
  baselineIngestOnly: { readingsPerS: rate(ingestOnly, ms) },
  baselineQueriesOnly: {
    queries: queriesOnly.length,
    p50Ms: pct(queriesOnly, 50),
    p99Ms: pct(queriesOnly, 99),
  },
  concurrent: {
    readingsPerS: rate(together, ms),
    queries: latencies.length,
    p50Ms: pct(latencies, 50),
    p99Ms: pct(latencies, 99),
    ingestRatioToBaseline: Math.round((together / ingestOnly) * 100) / 100,
  },
};
console.log(JSON.stringify(result, null, 2));
agent.destroy();
await gw.dispose();
rmSync(dir, { recursive: true, force: true });
