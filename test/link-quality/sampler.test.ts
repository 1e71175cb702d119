/**
 * The sampler against the simulated tailscaled (a real LocalAPI socket), writing to a real SQLite file.
 * Time is a variable the test moves; rounds are driven by tick(), so nothing waits on the wall clock.
 */
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { openDatabase } from '../../kit/sqlite.ts';
import { createLocalApiClient, type LocalApiClient } from '../../kit/tailscale/localapi.ts';
import { pingPeer } from '../../kit/tailscale/localapi-ping.ts';
import { summarizeLink } from '../../protocol/app/index.ts';
import { createLinkSampler, type SampledFarm } from '../../main/core/link-quality/sampler.ts';
import { createLinkStore, type LinkStore } from '../../main/core/link-quality/store.ts';
import { startSimTailnet, type SimTailnetHandle } from '../../sim/tailnet/index.ts';
import { tempDir } from '../tailnet/helpers.ts';

const MIN = 60_000;

describe('link sampler on the simulated tailscaled', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sim: SimTailnetHandle;
  let client: LocalApiClient;
  let db: DatabaseSync;
  let store: LinkStore;
  let t: number;
  let farms: SampledFarm[];

  beforeEach(async () => {
    tmp = tempDir('agromesh-link-');
    sim = await startSimTailnet({ dir: tmp.dir });
    const add = (
      name: string,
      connection: Parameters<typeof sim.tailnet.addDevice>[0]['connection'],
      online = true,
    ) => sim.tailnet.addDevice({ name, tags: ['tag:farm'], connection, online });
    const a = add('farm-a', { kind: 'direct', endpoint: '203.0.113.5:41641' });
    const b = add('farm-b', { kind: 'relay', region: 'waw' });
    const c = add('farm-c', { kind: 'direct', endpoint: '203.0.113.6:41641' }, false);
    farms = [a, b, c].map((d) => ({ farmId: d.name, address: d.ipv4! }));
    client = createLocalApiClient({ socketPath: sim.localApiSocket });
    db = openDatabase({ file: join(tmp.dir, 'farms.sqlite'), migrations: [] });
    t = Date.parse('2026-12-06T03:00:00Z');
    store = createLinkStore({ db, now: () => t });
  });

  afterEach(async () => {
    await client.dispose();
    db.close();
    await sim.dispose();
    tmp.cleanup();
  });

  const sampler = (overrides: Partial<Parameters<typeof createLinkSampler>[0]> = {}) =>
    createLinkSampler({
      localApi: client,
      farms: () => farms,
      store,
      now: () => t,
      log: silentLogger,
      tuning: { pingTimeoutMs: 2_000 },
      ...overrides,
    });

  it('records each farm’s path, a ping round trip when due, and reconnects', async () => {
    const s = sampler();
    await s.tick();
    const first = Object.fromEntries(farms.map((f) => [f.farmId, store.query(f.farmId, t, t)[0]!]));
    expect(first['farm-a']).toMatchObject({ kind: 'direct', region: null });
    expect(first['farm-a']!.rttMs).toBeGreaterThan(0);
    expect(first['farm-b']).toMatchObject({ kind: 'relayed', region: 'waw' });
    expect(first['farm-b']!.rttMs).toBeGreaterThan(first['farm-a']!.rttMs!);
    expect(first['farm-c']).toMatchObject({ kind: 'unreachable', rttMs: null, handshakeAt: null });
    expect(first['farm-a']!.handshakeAt).not.toBeNull();

    // A minute on: the path changes, farm C comes back, no ping is due yet; farm A moved bytes.
    t += MIN;
    sim.tailnet.setConnection('farm-a', { kind: 'relay', region: 'fra' });
    sim.tailnet.setOnline('farm-c', true);
    sim.tailnet.device('farm-a')!.rxBytes = 4_000;
    sim.tailnet.device('farm-a')!.txBytes = 1_000;
    await s.tick();
    expect(store.query('farm-a', t, t)[0]).toMatchObject({
      kind: 'relayed',
      region: 'fra',
      rttMs: null,
      rxBytes: 4_000,
      txBytes: 1_000,
    });
    expect(store.query('farm-c', t, t)[0]).toMatchObject({ kind: 'direct' });

    // The app's stream to farm B dropped: it is pinged now, out of turn.
    t += MIN;
    farms[1]!.streamLive = false;
    await s.tick();
    expect(store.query('farm-b', t, t)[0]!.rttMs).toBeGreaterThan(0);
    expect(store.query('farm-a', t, t)[0]).toMatchObject({ rttMs: null, rxBytes: 0 });

    const summary = summarizeLink(store.query('farm-c', 0, t), t - 2 * MIN, t + MIN, MIN);
    expect(summary.reconnects).toBe(1);
    expect(summary.unreachableMs).toBe(MIN);
    expect(s.source()).toEqual({ kind: 'localapi', problem: null });
    await s.dispose();
  });

  it('records nothing and says why when the LocalAPI cannot be reached', async () => {
    const missing = createLocalApiClient({ socketPath: join(tmp.dir, 'no-such.sock') });
    const s = sampler({ localApi: missing });
    await s.tick();
    expect(store.rowCount()).toBe(0);
    expect(s.source().kind).toBe('unavailable');
    expect(s.source().problem).toMatch(/tailscaled/);
    await missing.dispose();
  });

  it('a ping to a peer that does not answer comes back as an error after its timeout', async () => {
    sim.tailnet.setOnline('farm-a', false); // the simulated daemon then never answers, like tailscaled
    const result = await pingPeer(client, farms[0]!.address, { timeoutMs: 200 });
    expect(result.Err).toMatch(/no answer within 200 ms/);
    const unknown = await pingPeer(client, '100.99.99.99');
    expect(unknown.Err).toBe('no matching peer');
  });

  it('the timer takes a sample at start and stops at dispose', async () => {
    const s = sampler({ tuning: { intervalMs: 50 } });
    s.start();
    await s.tick(); // joins the first round
    expect(store.rowCount()).toBe(3);
    await s.dispose();
    const after = store.rowCount();
    t += MIN;
    await new Promise((r) => setImmediate(r));
    expect(store.rowCount()).toBe(after);
  });
});

describe('link store', () => {
  it('keeps the newest rows per farm and drops rows past the retention', () => {
    const tmp = tempDir('agromesh-link-');
    const db = openDatabase({ file: join(tmp.dir, 'farms.sqlite'), migrations: [] });
    let now = 100 * MIN;
    const store = createLinkStore({ db, now: () => now, retentionMs: 50 * MIN, maxRowsPerFarm: 5 });
    const row = (at: number) => ({
      at,
      kind: 'direct' as const,
      region: 'ignored-when-direct',
      rttMs: 12.345,
      handshakeAt: null,
      rxBytes: 1,
      txBytes: 2,
    });
    store.add(Array.from({ length: 10 }, (_, i) => ({ farmId: 'x', sample: row((91 + i) * MIN) })));
    expect(store.rowCount('x')).toBe(5);
    expect(store.query('x', 0, now).map((s) => s.at / MIN)).toEqual([96, 97, 98, 99, 100]);
    expect(store.query('x', 0, now)[0]).toMatchObject({ region: null, rttMs: 12.3 });
    now = 148 * MIN;
    store.prune();
    expect(store.query('x', 0, now).map((s) => s.at / MIN)).toEqual([98, 99, 100]);
    expect(store.before('x', 99 * MIN - 1)?.at).toBe(98 * MIN);
    db.close();
    tmp.cleanup();
  });

  it('caps a farm that is sampled too often between prunes, without walking its rows each write', () => {
    const tmp = tempDir('agromesh-link-');
    const db = openDatabase({ file: join(tmp.dir, 'farms.sqlite'), migrations: [] });
    const store = createLinkStore({ db, now: () => 0, maxRowsPerFarm: 100 });
    const sample = (at: number) => ({
      at,
      kind: 'relayed' as const,
      region: 'fra',
      rttMs: null,
      handshakeAt: null,
      rxBytes: 0,
      txBytes: 0,
    });
    for (let i = 0; i < 1_000; i++) store.add([{ farmId: 'x', sample: sample(i) }]);
    // Never more than the cap and its slack (a tenth); the newest kept.
    expect(store.rowCount('x')).toBeLessThanOrEqual(110);
    expect(store.query('x', 0, 10_000).at(-1)?.at).toBe(999);
    db.close();
    tmp.cleanup();
  });
});
