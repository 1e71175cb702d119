import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FarmRecord, type FarmList } from '../../protocol/discovery-api.ts';
import { startRegistry, type RegistryHandle } from '../../registry/server.ts';
import {
  call,
  fakeWhois,
  farmIdentity,
  heartbeatBody,
  personIdentity,
  tempDir,
  waitFor,
  type CallResult,
} from './helpers.ts';
import { assertDocumented } from './openapi.ts';

const farmA = farmIdentity(2);
const farmB = farmIdentity(3);
const alice = personIdentity(2, 'alice@example.com', 'operator');
const bob = personIdentity(3, 'bob@example.com'); // agronomist-less: no role at all
const sue = personIdentity(4, 'sue@example.com', 'support');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function registry(opts: { dbFile?: string; offlineAfterMs?: number; now?: () => number } = {}) {
  const who = fakeWhois([farmA, farmB, alice, bob, sue]);
  const dir = tempDir();
  cleanups.push(dir.dispose);
  const handle = await startRegistry({
    listen: '127.0.0.1:0',
    dbFile: opts.dbFile ?? join(dir.path, 'registry.db'),
    resolveIdentity: who.resolve,
    offlineAfterMs: opts.offlineAfterMs ?? 60_000,
    sweepIntervalMs: 25,
    ...(opts.now ? { now: opts.now } : {}),
  });
  cleanups.push(() => handle.dispose());
  return { handle, who };
}

/** Call and check the reply against the OpenAPI document. */
async function api(
  h: RegistryHandle,
  template: string,
  path: string,
  options: Parameters<typeof call>[2] = {},
): Promise<CallResult> {
  const res = await call(h.url, path, options);
  assertDocumented(
    template,
    options.method ?? (options.body === undefined && options.rawBody === undefined ? 'GET' : 'POST'),
    res,
  );
  return res;
}

const record = (res: CallResult) => FarmRecord.parse(res.body);

describe('registry: heartbeats', () => {
  it('records a farm under the address who-is gives, with its tailnet tags, whatever the body claims', async () => {
    const { handle } = await registry();
    const res = await api(handle, '/api/heartbeat', '/api/heartbeat', {
      from: farmA,
      body: { ...heartbeatBody(2), address: '100.64.0.3', tags: ['tag:admin'] },
    });
    expect(res.status).toBe(200);
    const r = record(res);
    expect(r).toMatchObject({
      address: '100.64.0.2',
      farmId: 'farm-2',
      name: 'Farm 2',
      status: 'online',
      tags: ['tag:farm'],
      nodeName: 'farm-2',
      version: 1,
    });
    const one = await api(handle, '/api/farms/{tailscale_ip}', '/api/farms/100.64.0.2', { from: bob });
    expect(record(one).farmId).toBe('farm-2');
    expect(
      (await api(handle, '/api/farms/{tailscale_ip}', '/api/farms/100.64.0.3', { from: bob })).status,
    ).toBe(404);
  });

  it('refuses heartbeats from people and from unknown callers', async () => {
    const { handle } = await registry();
    const asPerson = await api(handle, '/api/heartbeat', '/api/heartbeat', {
      from: sue,
      body: heartbeatBody(9),
    });
    expect(asPerson.status).toBe(403);
    const stranger = await api(handle, '/api/heartbeat', '/api/heartbeat', {
      from: '127.0.0.99',
      body: heartbeatBody(9),
    });
    expect(stranger.status).toBe(401);
    expect((stranger.body as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    const list = await api(handle, '/api/farms', '/api/farms', { from: sue });
    expect((list.body as FarmList).farms).toEqual([]);
  });

  it('does not bump the version for a heartbeat that only proves liveness', async () => {
    const { handle } = await registry();
    await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) });
    const again = record(await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) }));
    expect(again.version).toBe(1);
    const renamed = record(
      await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2, { name: 'North' }) }),
    );
    expect(renamed.version).toBe(2);
  });

  it('refuses a farm id another online address already reports', async () => {
    const { handle } = await registry();
    await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) });
    const clash = await api(handle, '/api/heartbeat', '/api/heartbeat', {
      from: farmB,
      body: heartbeatBody(2),
    });
    expect(clash.status).toBe(409);
    expect((clash.body as { error: { message: string } }).error.message).toContain('100.64.0.2');
  });
});

describe('registry: people and farms editing records', () => {
  it('lets an operator rename a farm, and heartbeats keep the name people gave', async () => {
    const { handle } = await registry();
    await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) });
    const res = await api(handle, '/api/farms/{tailscale_ip}', '/api/farms/100.64.0.2', {
      from: alice,
      body: {
        displayName: 'North field',
        notes: 'Pump shed key under the stone',
        locationOverride: { lat: 48.5, lon: 35.1 },
        ifVersion: 1,
      },
    });
    expect(res.status).toBe(200);
    expect(record(res)).toMatchObject({
      displayName: 'North field',
      version: 2,
      updatedBy: 'alice@example.com',
    });
    const after = record(
      await call(handle.url, '/api/heartbeat', {
        from: farmA,
        body: heartbeatBody(2, { name: 'Gateway name' }),
      }),
    );
    expect(after).toMatchObject({
      displayName: 'North field',
      name: 'Gateway name',
      notes: 'Pump shed key under the stone',
      locationOverride: { lat: 48.5, lon: 35.1 },
    });
  });

  it('refuses a stale ifVersion with 409 and writes nothing', async () => {
    const { handle } = await registry();
    await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) });
    await call(handle.url, '/api/farms/100.64.0.2', {
      from: alice,
      body: { displayName: 'First', ifVersion: 1 },
    });
    const stale = await api(handle, '/api/farms/{tailscale_ip}', '/api/farms/100.64.0.2', {
      from: sue,
      body: { displayName: 'Second', ifVersion: 1 },
    });
    expect(stale.status).toBe(409);
    expect((stale.body as { error: { details: unknown } }).error.details).toEqual({ currentVersion: 2 });
    expect(record(await call(handle.url, '/api/farms/100.64.0.2', { from: bob })).displayName).toBe('First');
  });

  it('creates a record for a farm that never heartbeated when ifVersion is 0', async () => {
    const { handle } = await registry();
    const res = await call(handle.url, '/api/farms/100.64.0.9', {
      from: sue,
      body: { displayName: 'Orchard', ifVersion: 0 },
    });
    expect(record(res)).toMatchObject({
      address: '100.64.0.9',
      displayName: 'Orchard',
      farmId: '',
      status: 'offline',
      version: 1,
    });
  });

  it('refuses people without the support or operator role', async () => {
    const { handle } = await registry();
    const res = await api(handle, '/api/farms/{tailscale_ip}', '/api/farms/100.64.0.2', {
      from: bob,
      body: { displayName: 'Mine' },
    });
    expect(res.status).toBe(403);
    expect((await call(handle.url, '/api/farms/100.64.0.2', { from: bob })).status).toBe(404);
  });

  it('does not let a farm overwrite another farm’s record, only its own', async () => {
    const { handle } = await registry();
    await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) });
    await call(handle.url, '/api/heartbeat', { from: farmB, body: heartbeatBody(3) });
    const other = await api(handle, '/api/farms/{tailscale_ip}', '/api/farms/100.64.0.3', {
      from: farmA,
      body: { displayName: 'Hijacked' },
    });
    expect(other.status).toBe(403);
    const own = await call(handle.url, '/api/farms/100.64.0.2', {
      from: farmA,
      body: { notes: 'self-reported' },
    });
    expect(own.status).toBe(200);
    const b = record(await call(handle.url, '/api/farms/100.64.0.3', { from: bob }));
    expect(b.displayName).toBeNull();
    expect(b.version).toBe(1);
  });

  it('treats spellings of one IPv6 address as the same record', async () => {
    const { handle } = await registry();
    await call(handle.url, '/api/farms/fd7a:115c:a1e0:0:0::4', { from: sue, body: { displayName: 'Six' } });
    const res = await api(
      handle,
      '/api/farms/{tailscale_ip}',
      `/api/farms/${encodeURIComponent('FD7A:115C:A1E0::4')}`,
      { from: bob },
    );
    expect(record(res)).toMatchObject({ address: 'fd7a:115c:a1e0::4', displayName: 'Six' });
  });
});

describe('registry: lifecycle', () => {
  it('marks a farm offline when heartbeats stop, and online again when they return', async () => {
    let clock = Date.parse('2026-05-01T10:00:00Z');
    const { handle } = await registry({ offlineAfterMs: 30_000, now: () => clock });
    await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) });
    clock += 31_000;
    const offline = await waitFor(async () => {
      const r = record(await call(handle.url, '/api/farms/100.64.0.2', { from: bob }));
      return r.status === 'offline' && r;
    });
    expect(offline).toMatchObject({ version: 2, updatedBy: 'registry' });
    const list = await api(handle, '/api/farms', '/api/farms?status=offline', { from: bob });
    expect((list.body as FarmList).farms.map((f) => f.address)).toEqual(['100.64.0.2']);
    const back = record(await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) }));
    expect(back).toMatchObject({ status: 'online', version: 3 });
  });

  it('keeps people’s metadata across a restart on the same file', async () => {
    const dir = tempDir();
    cleanups.push(dir.dispose);
    const dbFile = join(dir.path, 'reg.db');
    const first = await registry({ dbFile });
    await call(first.handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) });
    await call(first.handle.url, '/api/farms/100.64.0.2', {
      from: alice,
      body: { displayName: 'Kept', notes: 'n' },
    });
    await first.handle.dispose();
    const second = await registry({ dbFile });
    const r = record(await call(second.handle.url, '/api/farms/100.64.0.2', { from: bob }));
    expect(r).toMatchObject({ displayName: 'Kept', notes: 'n', farmId: 'farm-2', version: 2 });
  });

  it('filters by tag and status and refuses unknown filters', async () => {
    const { handle, who } = await registry();
    const greenhouse = farmIdentity(7, ['tag:greenhouse']);
    who.add(greenhouse);
    await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) });
    await call(handle.url, '/api/heartbeat', { from: greenhouse, body: heartbeatBody(7) });
    await call(handle.url, '/api/farms/100.64.0.9', { from: sue, body: { displayName: 'Paper farm' } });
    const byTag = await api(handle, '/api/farms', '/api/farms?tag=tag:farm', { from: bob });
    expect((byTag.body as FarmList).farms.map((f) => f.address)).toEqual(['100.64.0.2', '100.64.0.7']);
    const greenhouses = await api(handle, '/api/farms', '/api/farms?tag=tag:greenhouse', { from: bob });
    expect((greenhouses.body as FarmList).farms.map((f) => f.address)).toEqual(['100.64.0.7']);
    const offline = await api(handle, '/api/farms', '/api/farms?status=offline', { from: bob });
    expect((offline.body as FarmList).farms.map((f) => f.displayName)).toEqual(['Paper farm']);
    for (const q of ['?status=gone', '?tag=farm', '?colour=red', '?status=online&status=offline']) {
      const bad = await api(handle, '/api/farms', `/api/farms${q}`, { from: bob });
      expect(bad.status, q).toBe(422);
    }
  });

  it('serves health without identity', async () => {
    const { handle } = await registry();
    await call(handle.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) });
    const res = await api(handle, '/api/health', '/api/health', { from: '127.0.0.99' });
    expect(res.body).toMatchObject({ status: 'ok', farms: 1, online: 1, auth: 'whois', offlineAfterS: 60 });
  });
});

describe('registry: refusals', () => {
  it('answers bad input with clear JSON errors and keeps serving', async () => {
    const { handle } = await registry();
    const cases: [string, Parameters<typeof call>[2], number, string][] = [
      ['/api/farms/192.168.1.10', { from: bob }, 400, 'BAD_REQUEST'],
      ['/api/farms/100.128.0.1', { from: sue, body: { notes: 'x' } }, 400, 'BAD_REQUEST'],
      ['/api/farms/%E0%A4%A', { from: bob }, 400, 'BAD_REQUEST'],
      ['/api/farms/100.64.0.2', { from: sue, rawBody: '{"notes": ' }, 400, 'BAD_JSON'],
      [
        '/api/farms/100.64.0.2',
        { from: sue, rawBody: '{}', contentType: 'text/plain' },
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['/api/farms/100.64.0.2', { from: sue, body: { notes: 'x'.repeat(40_000) } }, 413, 'BODY_TOO_LARGE'],
      ['/api/farms/100.64.0.2', { from: sue, body: { displayName: '' } }, 422, 'VALIDATION'],
      ['/api/farms/100.64.0.2', { from: sue, body: { name: 'not a people field' } }, 422, 'VALIDATION'],
      ['/api/farms/100.64.0.2', { from: sue, body: [1, 2] }, 422, 'VALIDATION'],
      [
        '/api/farms/100.64.0.2',
        { from: sue, rawBody: `{"notes":${'['.repeat(10_000)}${']'.repeat(10_000)}}` },
        422,
        'VALIDATION',
      ],
      [
        '/api/farms/100.64.0.2',
        { from: sue, rawBody: '{"notes":"a","notes":"b","displayName":' },
        400,
        'BAD_JSON',
      ],
      ['/api/heartbeat', { from: farmA, body: { farmId: 'x' } }, 422, 'VALIDATION'],
      ['/api/heartbeat', { from: farmA, body: heartbeatBody(2, { apiPort: 70_000 }) }, 422, 'VALIDATION'],
      ['/api/farms/100.64.0.2', { from: sue, method: 'DELETE' }, 405, 'METHOD_NOT_ALLOWED'],
      ['/api/nothing', { from: bob }, 404, 'NOT_FOUND'],
    ];
    for (const [path, options, status, code] of cases) {
      const res = await call(handle.url, path, options);
      expect(res.status, `${path} ${JSON.stringify(options).slice(0, 80)}`).toBe(status);
      expect((res.body as { error: { code: string; message: string } }).error).toMatchObject({ code });
      if (path.startsWith('/api/farms/') && status !== 405)
        assertDocumented(
          '/api/farms/{tailscale_ip}',
          options?.method ?? (options?.body === undefined && options?.rawBody === undefined ? 'GET' : 'POST'),
          res,
        );
    }
    const list = await call(handle.url, '/api/farms', { from: bob });
    expect((list.body as FarmList).farms).toEqual([]);
  });

  it('answers 503 when who-is is unavailable, and 431 for oversized headers', async () => {
    const dir = tempDir();
    cleanups.push(dir.dispose);
    const handle = await startRegistry({
      listen: '127.0.0.1:0',
      dbFile: join(dir.path, 'r.db'),
      resolveIdentity: () => Promise.reject(new Error('connect ENOENT /var/run/tailscale/tailscaled.sock')),
    });
    cleanups.push(() => handle.dispose());
    const res = await api(handle, '/api/farms', '/api/farms');
    expect(res.status).toBe(503);
    expect((res.body as { error: { code: string } }).error.code).toBe('LOCALAPI_UNAVAILABLE');
    const big = await call(handle.url, '/api/farms', { headers: { 'x-pad': 'a'.repeat(17 * 1024) } });
    expect(big.status).toBe(431);
  });

  it('never takes identity from headers a client sends', async () => {
    const { handle } = await registry();
    const res = await call(handle.url, '/api/farms/100.64.0.2', {
      from: bob,
      body: { displayName: 'Spoofed' },
      headers: {
        'Tailscale-User-Login': 'sue@example.com',
        'Tailscale-App-Capabilities': '{"agromesh.dev/cap/control-room":[{"role":"support"}]}',
      },
    });
    expect(res.status).toBe(403);
  });

  it('binds only to loopback or a tailnet address, and insecure mode only to loopback', async () => {
    const dir = tempDir();
    cleanups.push(dir.dispose);
    const base = { dbFile: join(dir.path, 'r.db'), resolveIdentity: async () => null };
    await expect(startRegistry({ ...base, listen: '0.0.0.0:0' })).rejects.toThrow(
      /tailnet address or loopback/,
    );
    await expect(startRegistry({ ...base, listen: '100.64.0.5:0', insecureNoAuth: true })).rejects.toThrow(
      /only on loopback/,
    );
    await expect(startRegistry({ ...base, listen: 'nonsense' })).rejects.toThrow(/ADDR:PORT/);
  });

  it('in insecure loopback mode serves every local caller and takes a heartbeat address from the query', async () => {
    const dir = tempDir();
    cleanups.push(dir.dispose);
    const handle = await startRegistry({
      listen: '127.0.0.1:0',
      dbFile: join(dir.path, 'r.db'),
      resolveIdentity: async () => null,
      insecureNoAuth: true,
    });
    cleanups.push(() => handle.dispose());
    const hb = await api(handle, '/api/heartbeat', '/api/heartbeat?address=100.64.0.20', {
      body: heartbeatBody(20),
    });
    expect(record(hb)).toMatchObject({ address: '100.64.0.20', tags: ['tag:farm'] });
    const noAddr = await call(handle.url, '/api/heartbeat', { body: heartbeatBody(21) });
    expect(noAddr.status).toBe(400);
    const edit = await call(handle.url, '/api/farms/100.64.0.20', { body: { displayName: 'Dev farm' } });
    expect(record(edit)).toMatchObject({ displayName: 'Dev farm', updatedBy: 'insecure-no-auth' });
    expect((await api(handle, '/api/health', '/api/health')).body).toMatchObject({
      auth: 'insecure-no-auth',
    });
  });
});
