import { connect } from 'node:net';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistryClient, type FetchLike } from '../../main/core/discovery/registry-client.ts';
import { startRegistry } from '../../registry/server.ts';
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

/** A fetch that connects from Alice's loopback alias and records what went over the wire. */
function recordingFetch() {
  const agent = new Agent({
    connect: (opts, done) => {
      const socket = connect({
        host: opts.hostname,
        port: Number(opts.port),
        localAddress: loopbackOf(alice),
      });
      socket.once('connect', () => done(null, socket));
      socket.once('error', (err) => done(err, null));
    },
  });
  cleanups.push(() => agent.close());
  const seen: { ifNoneMatch: string | null; status: number; encoding: string | null }[] = [];
  const doFetch: FetchLike = async (url, init) => {
    const res = (await undiciFetch(url, {
      ...(init as object),
      dispatcher: agent,
    })) as unknown as Response;
    seen.push({
      ifNoneMatch: new Headers(init?.headers).get('if-none-match'),
      status: res.status,
      encoding: res.headers.get('content-encoding'),
    });
    return res;
  };
  return { doFetch, seen };
}

describe('registry client: polling an unchanged list', () => {
  it('sends If-None-Match with the last ETag and reuses its list on a 304', async () => {
    const dir = tempDir();
    cleanups.push(dir.dispose);
    const h = await startRegistry({
      listen: '127.0.0.1:0',
      dbFile: join(dir.path, 'registry.db'),
      resolveIdentity: fakeWhois([farmA, alice]).resolve,
      offlineAfterMs: 60_000,
    });
    cleanups.push(() => h.dispose());
    expect((await call(h.url, '/api/heartbeat', { from: farmA, body: heartbeatBody(2) })).status).toBe(200);
    const { doFetch, seen } = recordingFetch();
    const client = createRegistryClient({ fetch: doFetch });

    const first = await client.listFarms(h.url);
    const second = await client.listFarms(h.url);
    expect(second).toEqual(first);
    expect(second.map((f) => f.address)).toEqual(['100.64.0.2']);
    expect(seen.map((s) => s.status)).toEqual([200, 304]);
    expect(seen[0]?.ifNoneMatch).toBeNull();
    expect(seen[1]?.ifNoneMatch).toMatch(/^".+"$/);
    expect(seen[0]?.encoding).not.toBeNull(); // fetch asks for compression and the registry obliges

    // A person's edit shows at once: the ETag no longer matches and the new list comes back.
    const edit = await call(h.url, '/api/farms/100.64.0.2', {
      from: alice,
      body: { displayName: 'North field', ifVersion: 1 },
    });
    expect(edit.status).toBe(200);
    const third = await client.listFarms(h.url);
    expect(third[0]?.displayName).toBe('North field');
    expect(seen[2]?.status).toBe(200);
  });

  it('never answers a 304 from a registry it holds no list of', async () => {
    const statuses: number[] = [];
    let headersSent: string | null = 'unset';
    const client = createRegistryClient({
      fetch: async (_url, init) => {
        headersSent = new Headers(init?.headers).get('if-none-match');
        const res = new Response(null, { status: 304, headers: { etag: '"x"' } });
        statuses.push(res.status);
        return res;
      },
    });
    await expect(client.listFarms('http://100.64.0.9:8090')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(headersSent).toBeNull();
    expect(statuses).toEqual([304]);
  });
});
