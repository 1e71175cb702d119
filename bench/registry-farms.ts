/**
 * Registry `GET /api/farms` at 1,000 and 10,000 farms, driven by wrk (-c16) from its own process, against
 * the limit for the same work: a bare node:http server in another process sending the registry's own bytes
 * precomputed as Buffers (bench/_same-bytes-server.ts). Three kinds of request, each pair in one run:
 * a plain poll, a poll asking for gzip, and a poll whose If-None-Match holds the current ETag (304); then
 * gzip polls while every farm heartbeats at the default 30 s (bench/_heartbeats.ts, its own process), which
 * shows the once-a-second rebuild at work, with the heartbeats' own p99.
 * The registry runs alone in a child process; who-is is an in-process resolver there (the LocalAPI round trip
 * is tailscaled's cost, not the registry's). wrk's own CPU is reported, so a saturated generator shows.
 * Needs wrk (Debian: `apt-get install wrk`). ROUNDS=n and SECONDS=n override the defaults.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { AGROMESH_CAPABILITY } from '../protocol/identity.ts';
import { openRegistryStore } from '../registry/store.ts';
import { startRegistry } from '../registry/server.ts';
import { farmAddress, farmHeartbeat } from './_registry-farm.ts';
import { type Wrk, requireWrk, wrkSync } from './_wrk.ts';

const SIZES = [1_000, 10_000];
const CONNECTIONS = 16;
const THREADS = 2;
const SECONDS = Number(process.env.SECONDS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const here = dirname(fileURLToPath(import.meta.url));

async function serve(farms: number, dir: string): Promise<void> {
  const dbFile = join(dir, 'registry.db');
  const store = openRegistryStore({ file: dbFile });
  for (let i = 0; i < farms; i++) {
    const address = farmAddress(i);
    store.heartbeat(address, farmHeartbeat(i), {
      label: `farm-${i}`,
      nodeName: `farm-${i}`,
      tags: ['tag:farm'],
    });
    if (i % 3 === 0)
      store.updateMetadata(
        address,
        { displayName: `Field ${i}`, notes: 'Drip lines checked in spring.' },
        { label: 'alice@example.com', nodeName: 'alice-laptop', tags: [] },
      );
  }
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
    // 127.1.a.b is farm a*256+b (bench/_heartbeats.ts); anyone else reads the list.
    resolveIdentity: async (address) => {
      const m = /^127\.1\.(\d+)\.(\d+)$/.exec(address);
      if (!m) return reader;
      const i = Number(m[1]) * 256 + Number(m[2]);
      return {
        ...reader,
        address: farmAddress(i),
        nodeName: `farm-${i}`,
        user: 'tagged-devices',
        tags: ['tag:farm'],
      };
    },
    offlineAfterMs: 86_400_000,
  });
  process.send!({ url: registry.url });
  process.on('message', () => void registry.dispose().then(() => process.exit(0)));
}

/** One wrk run with this benchmark's threads, connections and duration. */
function wrk(url: string, headers: Record<string, string>): Wrk {
  return wrkSync({
    url: `${url}/api/farms`,
    threads: THREADS,
    connections: CONNECTIONS,
    seconds: SECONDS,
    headers,
  });
}

function startBaseline(
  plain: string,
  gzip: string,
  etag: string,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', join(here, '_same-bytes-server.ts'), plain, gzip, etag],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve({ url: d.toString().trim(), child }));
    child.once('exit', (code) => reject(new Error(`baseline exited ${String(code)}`)));
  });
}

interface Churn {
  heartbeatsPerS: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

function startHeartbeats(url: string, farms: number, perSecond: number): { stop: () => Promise<Churn> } {
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      join(here, '_heartbeats.ts'),
      url,
      String(farms),
      String(perSecond),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return {
    stop: () =>
      new Promise((resolve, reject) => {
        child.once('exit', () => {
          try {
            resolve(JSON.parse(out) as Churn);
          } catch {
            reject(new Error(`heartbeat generator said: ${out}`));
          }
        });
        child.kill('SIGTERM');
      }),
  };
}

function startRegistryChild(farms: number, dir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ['serve', String(farms), dir], {
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ url: (m as { url: string }).url, child }));
    child.once('exit', (code) => reject(new Error(`registry process exited ${String(code)}`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r3 = (x: number) => +x.toFixed(3);

async function measure(farms: number) {
  const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-registry-'));
  const registry = await startRegistryChild(farms, dir);
  const plainRes = await fetch(`${registry.url}/api/farms`, { headers: { 'accept-encoding': 'identity' } });
  const plain = Buffer.from(await plainRes.arrayBuffer());
  const etag = plainRes.headers.get('etag')!;
  const gzRes = await fetch(`${registry.url}/api/farms`, { headers: { 'accept-encoding': 'gzip' } });
  if (gzRes.headers.get('content-encoding') !== 'gzip') throw new Error('the registry did not gzip');
  const gzDecoded = Buffer.from(await gzRes.arrayBuffer()); // fetch decodes it
  if (!gzDecoded.equals(plain)) throw new Error('gzip body decodes to other bytes');
  // Same compressor settings as registry/list-body.ts, so the baseline sends as many bytes.
  const gzip = gzipSync(plain, { level: 6 });
  writeFileSync(join(dir, 'plain'), plain);
  writeFileSync(join(dir, 'gzip'), gzip);
  const baseline = await startBaseline(join(dir, 'plain'), join(dir, 'gzip'), etag);
  const kinds: Record<'plain' | 'gzip' | 'notModified', Record<string, string>> = {
    plain: {},
    gzip: { 'accept-encoding': 'gzip' },
    notModified: { 'if-none-match': etag },
  };
  const runs: Record<string, { registry: Wrk[]; baseline: Wrk[] }> = {};
  const churn: Churn[] = [];
  const add = (kind: string, server: 'registry' | 'baseline', r: Wrk) =>
    (runs[kind] ??= { registry: [], baseline: [] })[server].push(r);
  // A fresh connection each time (fetch's pooled socket may have timed out on the server meanwhile).
  const currentEtag = () =>
    new Promise<string>((resolve, reject) =>
      get(`${registry.url}/api/farms`, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.headers.etag)));
      }).on('error', reject),
    );
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [kind, headers] of Object.entries(kinds))
        for (const server of ['baseline', 'registry'] as const) {
          // The previous round's heartbeats changed the list (the plain and gzip runs outlast the rebuild
          // bound, so it has settled by now): revalidate with the ETag it has now.
          if (kind === 'notModified' && server === 'baseline')
            kinds.notModified['if-none-match'] = await currentEtag();
          const r = wrk(server === 'registry' ? registry.url : baseline.url, headers);
          if (kind === 'notModified' && r.bytesPerResponse > 1024)
            throw new Error(`${server} sent ${r.bytesPerResponse} bytes per 304`);
          add(kind, server, r);
        }
      // Every farm heartbeating at the default 30 s while control rooms poll for gzip: the list changes
      // all the time, so this is the rebuild bound at work. Its limit is this round's plain gzip baseline.
      const beats = startHeartbeats(registry.url, farms, Math.ceil(farms / 30));
      add('gzipDuringHeartbeats', 'registry', wrk(registry.url, kinds.gzip));
      churn.push(await beats.stop());
      add('gzipDuringHeartbeats', 'baseline', runs.gzip!.baseline.at(-1)!);
    }
  } finally {
    baseline.child.kill('SIGTERM');
    registry.child.send('stop');
    await new Promise((r) => registry.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
  const summary = (rs: Wrk[]) => ({
    rps: Math.round(median(rs.map((r) => r.rps))),
    p99Ms: +median(rs.map((r) => r.p99Ms)).toFixed(2),
    bytesPerResponse: median(rs.map((r) => r.bytesPerResponse)),
    wrkCpuPct: median(rs.map((r) => r.wrkCpuPct)),
  });
  const out: Record<string, unknown> = { farms, bodyBytes: plain.length, gzipBytes: gzip.length };
  out.heartbeatsDuringGzip = {
    perS: median(churn.map((c) => c.heartbeatsPerS)),
    p99Ms: median(churn.map((c) => c.p99Ms)),
    failures: churn.reduce((a, c) => a + c.failures, 0),
  };
  for (const [kind, { registry: reg, baseline: base }] of Object.entries(runs)) {
    const ratios = reg.map((r, i) => r.rps / base[i]!.rps);
    out[kind] = {
      registry: summary(reg),
      baseline: summary(base),
      ratio: r3(median(ratios)),
      ratioSpread: [r3(Math.min(...ratios)), r3(Math.max(...ratios))],
    };
  }
  return out;
}

async function main(): Promise<void> {
  requireWrk();
  const results = [];
  for (const farms of SIZES) results.push(await measure(farms));
  console.log(
    JSON.stringify(
      {
        benchmark:
          'registry GET /api/farms, wrk from another process vs the same bytes from a bare node:http',
        command: `wrk -t${THREADS} -c${CONNECTIONS} -d${SECONDS}s --latency, ${ROUNDS} rounds, median and [min, max] of the ratio`,
        results,
      },
      null,
      2,
    ),
  );
}

if (process.argv[2] === 'serve') await serve(Number(process.argv[3]), process.argv[4]!);
else await main();
