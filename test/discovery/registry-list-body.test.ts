import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistry } from '../../registry/server.ts';
import { chooseEncoding, ListBodyCache } from '../../registry/list-body.ts';
import type { RegistryStore } from '../../registry/store.ts';
import {
  call,
  fakeWhois,
  farmIdentity,
  heartbeatBody,
  loopbackOf,
  personIdentity,
  tempDir,
} from './helpers.ts';

const farmA = farmIdentity(2);
const alice = personIdentity(1, 'alice@example.com', 'operator');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function registryWithFarm(now?: () => number) {
  const dir = tempDir();
  cleanups.push(dir.dispose);
  const handle = await startRegistry({
    listen: '127.0.0.1:0',
    dbFile: join(dir.path, 'registry.db'),
    resolveIdentity: fakeWhois([farmA, alice]).resolve,
    offlineAfterMs: 60_000,
    ...(now ? { now } : {}),
  });
  cleanups.push(() => handle.dispose());
  const hb = await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) });
  expect(hb.status).toBe(200);
  return handle;
}

function rawGet(base: string, headers: Record<string, string>) {
  const url = new URL(base);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/farms',
          localAddress: loopbackOf(farmA),
          agent: false,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('registry farm list: bytes on the wire', () => {
  it('answers 304 with no body when If-None-Match holds the current ETag', async () => {
    const h = await registryWithFarm();
    const first = await rawGet(h.url, {});
    expect(first.status).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await rawGet(h.url, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const stale = await rawGet(h.url, { 'if-none-match': '"not-this-one"' });
    expect(stale.status).toBe(200);
  });

  it('compresses with gzip or br when Accept-Encoding asks; both decode to the same JSON, smaller', async () => {
    const h = await registryWithFarm();
    const plain = await rawGet(h.url, {});
    const gz = await rawGet(h.url, { 'accept-encoding': 'gzip' });
    const br = await rawGet(h.url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(br.headers['content-encoding']).toBe('br');
    for (const r of [plain, gz, br]) expect(r.headers.vary).toBe('Accept-Encoding');
    const json = JSON.parse(plain.body.toString('utf8')) as { farms: unknown[] };
    expect(json.farms).toHaveLength(1);
    expect(JSON.parse(gunzipSync(gz.body).toString('utf8'))).toEqual(json);
    expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(json);
    expect(gz.body.length).toBeLessThan(plain.body.length);
    expect(br.body.length).toBeLessThan(plain.body.length);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    // Each representation has its own strong ETag, and any of them revalidates the same list.
    const tags = new Set([plain, gz, br].map((r) => r.headers.etag));
    expect(tags.size).toBe(3);
    const revalidated = await rawGet(h.url, {
      'accept-encoding': 'gzip',
      'if-none-match': gz.headers.etag as string,
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
  });

  it('respects q-values, falling back to the plain body', () => {
    expect(chooseEncoding(undefined)).toBe('identity');
    expect(chooseEncoding('gzip;q=0, br;q=0')).toBe('identity');
    expect(chooseEncoding('identity')).toBe('identity');
    expect(chooseEncoding('deflate')).toBe('identity');
    expect(chooseEncoding('br;q=0.5, gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, *')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('GZIP; Q=0.8, br;q=0.9')).toBe('br');
    expect(chooseEncoding('gzip;q=nonsense')).toBe('identity');
  });

  it('keeps serving the previous list for under a second after a heartbeat, then a new ETag', async () => {
    let t = Date.parse('2026-06-01T08:00:00Z');
    const h = await registryWithFarm(() => t);
    const first = await rawGet(h.url, {});
    const etag = first.headers.etag as string;
    t += 400;
    expect((await call(h.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) })).status).toBe(200);
    // Within the rebuild bound: pollers still get the previous body, so their ETag still matches.
    expect((await rawGet(h.url, { 'if-none-match': etag })).status).toBe(304);
    t += 700; // 1.1 s after the list was built
    const fresh = await rawGet(h.url, { 'if-none-match': etag });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.etag).not.toBe(etag);
    const farms = (JSON.parse(fresh.body.toString('utf8')) as { farms: { lastHeartbeatAt: string }[] }).farms;
    expect(farms[0]?.lastHeartbeatAt).toBe('2026-06-01T08:00:00.400Z');
    expect((await rawGet(h.url, { 'if-none-match': fresh.headers.etag as string })).status).toBe(304);
  });
});

describe('registry farm list: cache', () => {
  it("shows a person's edit in the very next list, within the rebuild interval", async () => {
    const handle = await registryWithFarm();
    expect((await call(handle.url, '/api/farms', { from: alice })).status).toBe(200); // cached now
    const edit = await call(handle.url, '/api/farms/100.64.0.2', {
      from: alice,
      body: { displayName: 'North field', ifVersion: 1 },
    });
    expect(edit.status).toBe(200);
    const list = await call(handle.url, '/api/farms', { from: alice });
    expect(list.text).toContain('North field');
  });

  it('rebuilds at most once a second while every heartbeat changes the store', () => {
    let t = 0;
    let version = 0;
    // Each call stands for a store changed by a heartbeat since the last list.
    const store = { list: () => ({ records: [], json: JSON.stringify({ farms: [], v: ++version }) }) };
    const cache = new ListBodyCache(store as unknown as RegistryStore, () => t);
    for (let i = 0; i < 100; i++) {
      cache.get();
      t += 25; // 100 GETs over 2.5 s, a heartbeat between each
    }
    expect(cache.rebuilds).toBe(3);
    const a = cache.get();
    expect(cache.get()).toBe(a); // same Buffer, not re-encoded
    expect(a.gzipped()).toBe(a.gzipped()); // compressed once per body
    expect(a.brotli()).toBe(a.brotli());
  });
});
