/**
 * Registry `GET /api/farms` with 1,000 farm records: throughput and latency against a minimal node:http
 * server that answers the same JSON bytes, measured in the same run. The servers run in a child process so
 * the load generator does not share their event loop. Who-is is an in-process resolver here (the LocalAPI
 * round trip is tailscaled's cost, not the registry's), so the ratio is the registry's own overhead:
 * routing, identity check, SQLite read (cached per write generation) and headers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { AGROMESH_CAPABILITY } from '../protocol/identity.ts';
import { openRegistryStore } from '../registry/store.ts';
import { startRegistry } from '../registry/server.ts';

const FARMS = 1_000;
const CONNECTIONS = 16;
const WARMUP_MS = 1_500;
const MEASURE_MS = 5_000;
const ROUNDS = 2;

async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-registry-'));
  const dbFile = join(dir, 'registry.db');
  const store = openRegistryStore({ file: dbFile });
  for (let i = 0; i < FARMS; i++) {
    const address = `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    store.heartbeat(
      address,
      {
        farmId: `farm-${i}`,
        name: `Farm ${i}`,
        location: { lat: 45 + (i % 100) / 10, lon: 30 + (i % 37) / 10 },
        timeZone: 'Europe/Kyiv',
        gatewayVersion: '1.0.0',
        apiPort: 8080,
        sensors: 6,
        actuators: 3,
        capabilities: ['history:raw'],
      },
      { label: `farm-${i}`, nodeName: `farm-${i}`, tags: ['tag:farm'] },
    );
    if (i % 3 === 0)
      store.updateMetadata(
        address,
        { displayName: `Field ${i}`, notes: 'Drip lines checked in spring.' },
        { label: 'alice@example.com', nodeName: 'alice-laptop', tags: [] },
      );
  }
  const body = store.list().json;
  store.close();
  const reader = {
    address: '100.100.1.1',
    nodeId: 'nBENCH',
    nodeName: 'bench',
    user: 'alice@example.com',
    userDisplayName: 'Alice',
    tags: [],
    capabilities: { [AGROMESH_CAPABILITY]: [{ role: 'agronomist' }] },
  };
  const registry = await startRegistry({
    listen: '127.0.0.1:0',
    dbFile,
    resolveIdentity: async () => reader,
    offlineAfterMs: 86_400_000,
  });
  const baseline = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  await new Promise<void>((r) => baseline.listen(0, '127.0.0.1', r));
  process.send!({
    registry: registry.url,
    baseline: `http://127.0.0.1:${(baseline.address() as AddressInfo).port}`,
    bytes: Buffer.byteLength(body),
  });
  process.on('message', () => {
    void registry.dispose().then(() => {
      baseline.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

interface Result {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
}

async function load(origin: string, ms: number): Promise<Result> {
  const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await pool.request({ path: '/api/farms', method: 'GET' });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} from ${origin}`);
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const took = performance.now() - started;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { requests: latencies.length, rps: (latencies.length / took) * 1000, p50: q(0.5), p99: q(0.99) };
}

async function main(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['serve'], {
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const urls = await new Promise<{ registry: string; baseline: string; bytes: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { registry: string; baseline: string; bytes: number }));
    child.once('exit', (code) => reject(new Error(`server process exited ${code}`)));
  });
  const results: Record<'registry' | 'baseline', Result[]> = { registry: [], baseline: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of ['baseline', 'registry'] as const) {
      await load(urls[name], WARMUP_MS);
      results[name].push(await load(urls[name], MEASURE_MS));
    }
  }
  child.send('stop');
  const best = (rs: Result[]) => rs.reduce((a, b) => (b.rps > a.rps ? b : a));
  const reg = best(results.registry);
  const base = best(results.baseline);
  const fmt = (r: Result) => ({
    rps: Math.round(r.rps),
    p50Ms: +r.p50.toFixed(2),
    p99Ms: +r.p99.toFixed(2),
    requests: r.requests,
  });
  console.log(
    JSON.stringify(
      {
        benchmark: 'registry GET /api/farms',
        farms: FARMS,
        responseBytes: urls.bytes,
        connections: CONNECTIONS,
        measureMs: MEASURE_MS,
        rounds: ROUNDS,
        registry: fmt(reg),
        baseline: fmt(base),
        throughputRatio: +(reg.rps / base.rps).toFixed(3),
        p99Ratio: +(reg.p99 / base.p99).toFixed(3),
      },
      null,
      2,
    ),
  );
}

if (process.argv[2] === 'serve') await serve();
else await main();
