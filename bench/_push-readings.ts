/**
 * Readings pushed from their own process, as a sensor program on the farm computer would: POST
 * /api/readings with BATCH readings per request, INFLIGHT requests in flight on keep-alive sockets, for
 * SECONDS. Each reading is new (per sensor, timestamps step 1 ms from START_TS), so none is a duplicate.
 * Prints one JSON line: readings accepted, requests, latency p50/p99 and the next free START_TS.
 *
 *   node bench/_push-readings.ts URL SENSORS SECONDS INFLIGHT BATCH START_TS
 */
import { Agent, request } from 'node:http';

const [url, sensorsArg, secondsArg, inflightArg, batchArg, startArg] = process.argv.slice(2);
const target = new URL('/api/readings', url);
const SENSORS = Number(sensorsArg);
const SECONDS = Math.min(60, Number(secondsArg));
const INFLIGHT = Math.min(16, Number(inflightArg));
const BATCH = Math.min(10_000, Number(batchArg));
let n = 0;
const start = Number(startArg);
const agent = new Agent({ keepAlive: true, maxSockets: INFLIGHT });

function body(): string {
  const parts: string[] = [];
  for (let i = 0; i < BATCH; i++, n++) {
    const ts = start + Math.floor(n / SENSORS);
    parts.push(`{"sensorId":"s-${n % SENSORS}","ts":${ts},"value":${(30 + 10 * Math.sin(n / 1000)).toFixed(2)}}`);
  }
  return `{"readings":[${parts.join(',')}]}`;
}

function post(text: string): Promise<{ status: number; accepted: number }> {
  return new Promise((resolve, reject) => {
    const req = request(target, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let out = '';
      res.on('data', (c: Buffer) => (out += c.toString()));
      res.on('end', () => {
        const accepted = res.statusCode === 200 ? (JSON.parse(out) as { accepted: number }).accepted : 0;
        resolve({ status: res.statusCode ?? 0, accepted });
      });
    });
    req.end(text);
  });
}

const latencies: number[] = [];
let accepted = 0;
let failed = 0;
const t0 = performance.now();
const end = t0 + SECONDS * 1000;
await Promise.all(
  Array.from({ length: INFLIGHT }, async () => {
    while (performance.now() < end) {
      const text = body();
      const t = performance.now();
      const r = await post(text);
      latencies.push(performance.now() - t);
      if (r.status === 200) accepted += r.accepted;
      else failed++;
    }
  }),
);
const elapsedS = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) => +latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
agent.destroy();
console.log(
  JSON.stringify({
    accepted,
    failed,
    requests: latencies.length,
    readingsPerS: Math.round(accepted / elapsedS),
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    nextStartTs: start + Math.ceil(n / SENSORS) + 1,
  }),
);
