/**
 * Heartbeat churn for the registry list benchmark, from its own process: POSTs /api/heartbeat at a fixed
 * rate, farm i from loopback 127.1.(i>>8).(i&255), which the bench registry's who-is maps to farm i's
 * tailnet address, with what farm i already reported (a routine heartbeat: only its time changes).
 * Prints the heartbeats' own latency on SIGTERM. Usage: node bench/_heartbeats.ts <url> <farms> <per second>
 */
import { request } from 'node:http';
import { farmHeartbeat } from './_registry-farm.ts';

const [url, farmsArg, perSecondArg] = process.argv.slice(2);
const farms = Number(farmsArg);
const perSecond = Number(perSecondArg);
if (!url || !(farms > 0 && farms <= 65_536) || !(perSecond > 0))
  throw new Error('usage: _heartbeats.ts <registry url> <farms ≤ 65536> <per second>');
const target = new URL(url);
const latencies: number[] = [];
let failures = 0;
let inFlight = 0;
function beat(i: number): void {
  const body = JSON.stringify(farmHeartbeat(i));
  if (inFlight >= 64) return void failures++; // the registry is not keeping up: count it, don't pile on
  inFlight++;
  const t0 = performance.now();
  const req = request(
    {
      host: target.hostname,
      port: target.port,
      path: '/api/heartbeat',
      method: 'POST',
      agent: false,
      localAddress: `127.1.${i >> 8}.${i & 255}`,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      res.resume();
      res.on('end', () => {
        inFlight--;
        if (res.statusCode === 200) latencies.push(performance.now() - t0);
        else failures++;
      });
    },
  );
  req.on('error', () => {
    inFlight--;
    failures++;
  });
  req.end(body);
}

// Every 10 ms, send as many as the rate says are due (a timer per beat would drift under load).
const started = performance.now();
let sent = 0;
const timer = setInterval(() => {
  const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
  for (let i = 0; sent < due && i < 1000; i++, sent++) beat(sent % farms);
}, 10);

process.on('SIGTERM', () => {
  clearInterval(timer);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      heartbeatsPerS: Math.round(latencies.length / seconds),
      p50Ms: +q(0.5).toFixed(2),
      p99Ms: +q(0.99).toFixed(2),
      failures,
    }),
  );
  process.exit(0);
});
