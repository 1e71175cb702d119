/**
 * The posture sync against the simulated control planes (recorded API v2 and Headscale formats): a farm's
 * region, crop and owner land on its device as custom:agromesh_* attributes, drift is put right by a
 * reconcile a few farms at a time, failures are retried a bounded number of times, and Headscale is
 * reported as unable without being asked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FarmRecord } from '../../protocol/discovery-api.ts';
import { silentLogger } from '../../kit/log.ts';
import { createPostureSync } from '../../main/core/farm-policy/posture-sync.ts';
import { createApiV2Manager } from '../../main/core/tailnet/api-v2-backend.ts';
import { createHeadscaleManager } from '../../main/core/tailnet/headscale-backend.ts';
import type { TailscaleManager } from '../../main/core/tailnet/manager.ts';
import { startSimTailnet, type SimTailnetHandle } from '../../sim/tailnet/index.ts';
import { waitFor } from '../support/wait-for.ts';
import { tempDir } from '../tailnet/helpers.ts';

const FARMS = ['kuban-south', 'kuban-north', 'don-east', 'volga-west', 'altai', 'tambov'];
let tmp: ReturnType<typeof tempDir>;
let sim: SimTailnetHandle;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  tmp = tempDir('agromesh-posture-');
  sim = await startSimTailnet({ dir: tmp.dir, seed: 5 });
  for (const name of FARMS) sim.tailnet.addDevice({ name, tags: ['tag:farm'] });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await sim.dispose();
  tmp.cleanup();
});

/** Farms as discovery would hand them over: the tailnet device and the registry's text. */
async function world(
  manager: TailscaleManager,
  o: { concurrency?: number; maxRetries?: number; settleMs?: number } = {},
) {
  const devices = new Map((await manager.listDevices()).map((d) => [d.name, d]));
  const text = new Map<string, Partial<FarmRecord>>();
  const sync = createPostureSync({
    manager,
    log: silentLogger,
    farms: {
      listFarms: () => FARMS.map((farmId) => ({ farmId })),
      getFarmDetail: (farmId) => {
        const device = devices.get(farmId);
        return device ? { device, record: (text.get(farmId) ?? null) as FarmRecord | null } : undefined;
      },
    },
    retry: { baseMs: 5, capMs: 5, factor: 1, jitter: 'none' },
    reconcileEveryMs: 0,
    ...o,
  });
  cleanups.push(() => sync.dispose());
  return { sync, text };
}

function apiManager(): TailscaleManager {
  const m = createApiV2Manager({ apiUrl: sim.apiUrl, apiKey: sim.apiKey, sleep: async () => {} });
  cleanups.push(() => m.dispose());
  return m;
}

const custom = (name: string) =>
  Object.fromEntries(
    Object.entries(sim.tailnet.device(name)!.posture).filter(([k]) => k.startsWith('custom:agromesh_')),
  );

describe('posture sync on the Tailscale API v2 (simulator)', () => {
  it('writes the slugs of region, crop and owner; a cleared field is deleted', async () => {
    const { sync, text } = await world(apiManager());
    text.set('kuban-south', { region: 'South', crop: 'Winter wheat', owner: 'Иван Петров' });
    const after = await sync.syncFarm('kuban-south');
    expect(after.error).toBeNull();
    expect(custom('kuban-south')).toEqual({
      'custom:agromesh_region': 'south',
      'custom:agromesh_crop': 'winter_wheat',
      'custom:agromesh_owner': 'ivan_petrov',
    });
    expect((await sync.status('kuban-south')).attributes.map((a) => a.state)).toEqual([
      'in-step',
      'in-step',
      'in-step',
    ]);

    text.set('kuban-south', { region: 'South', crop: 'Winter wheat', owner: '' });
    await sync.syncFarm('kuban-south');
    expect(custom('kuban-south')).toEqual({
      'custom:agromesh_region': 'south',
      'custom:agromesh_crop': 'winter_wheat',
    });
    expect((await sync.status('kuban-south')).attributes[2]).toMatchObject({ state: 'unset', have: null });
  });

  it('a reconcile puts drift right, at most `concurrency` farms at a time, and leaves farms in step alone', async () => {
    const api = apiManager();
    let active = 0;
    let most = 0;
    const counting: TailscaleManager = Object.create(api) as TailscaleManager;
    counting.getPosture = async (id) => {
      most = Math.max(most, ++active);
      try {
        return await api.getPosture(id);
      } finally {
        active--;
      }
    };
    const { sync, text } = await world(counting, { concurrency: 2 });
    for (const f of FARMS) text.set(f, { region: f.split('-')[0], crop: 'wheat' });
    expect(await sync.reconcile()).toEqual({ farms: 6, written: 12, deleted: 0, failed: 0 });
    expect(most).toBeLessThanOrEqual(2);

    // Someone edits attributes in the admin console: one removed, one changed, one left over.
    sim.tailnet.deletePosture('kuban-south', 'custom:agromesh_region');
    sim.tailnet.setPosture('don-east', 'custom:agromesh_crop', 'barley');
    sim.tailnet.setPosture('altai', 'custom:agromesh_owner', 'nobody');
    const writes = () => sim.tailnet.requests.filter((r) => r.method !== 'GET').length;
    const before = writes();
    expect(await sync.reconcile()).toEqual({ farms: 6, written: 2, deleted: 1, failed: 0 });
    expect(writes() - before).toBe(3);
    expect(custom('kuban-south')['custom:agromesh_region']).toBe('kuban');
    expect(custom('don-east')['custom:agromesh_crop']).toBe('wheat');
    expect(custom('altai')['custom:agromesh_owner']).toBeUndefined();
    expect(await sync.reconcile()).toEqual({ farms: 6, written: 0, deleted: 0, failed: 0 });
  });

  it('a tailnet refresh reconciles only the farms whose devices changed', async () => {
    const api = apiManager();
    const { sync, text } = await world(api, { settleMs: 10 });
    for (const f of FARMS) text.set(f, { crop: 'wheat' });
    await sync.reconcile();
    sim.tailnet.deletePosture('kuban-north', 'custom:agromesh_crop');
    sim.tailnet.deletePosture('tambov', 'custom:agromesh_crop');
    const north = (await api.listDevices()).find((d) => d.name === 'kuban-north')!;
    sync.noteTailnetRefresh([north.id]);
    await waitFor(
      () => custom('kuban-north')['custom:agromesh_crop'] === 'wheat',
      5_000,
      'kuban-north rewritten',
    );
    expect(custom('tambov')).toEqual({}); // left for the next full pass
  });

  it('a refused write is shown, retried with backoff, and given up after maxRetries', async () => {
    const { sync, text } = await world(apiManager(), { maxRetries: 2 });
    text.set('tambov', { region: 'Centre' });
    sim.tailnet.injectFault({
      server: 'api',
      method: 'POST',
      path: /\/attributes\//,
      status: 403,
      body: { message: 'calling actor does not have enough permissions to perform this function' },
      times: 3,
    });
    const posts = () => sim.tailnet.requests.filter((r) => r.method === 'POST').length;
    const first = await sync.syncFarm('tambov');
    expect(first.error).toMatch(/permission|scope|403|refused/i);
    expect(first.attributes[0]).toMatchObject({ state: 'will-write', want: 'centre' });
    await waitFor(() => posts() === 3 && sync.pendingRetries() === 0, 5_000, 'two retries');
    expect(custom('tambov')).toEqual({});

    // The fault has lifted: the next reconcile (start, tailnet refresh, period) writes it.
    expect(await sync.reconcile()).toMatchObject({ written: 1, failed: 0 });
    expect(custom('tambov')).toEqual({ 'custom:agromesh_region': 'centre' });
  });
});

describe('posture sync on Headscale', () => {
  it('is reported as unable, in plain words, and never calls the server for it', async () => {
    const m = createHeadscaleManager({
      url: sim.headscaleUrl,
      apiKey: sim.headscaleKey,
      baseDomain: 'farms.example',
      sleep: async () => {},
    });
    cleanups.push(() => m.dispose());
    const { sync, text } = await world(m);
    text.set('kuban-south', { region: 'South' });
    const before = sim.tailnet.requests.length;
    const state = await sync.syncFarm('kuban-south');
    expect(state).toMatchObject({ backend: 'headscale', supported: false, checkedAt: null, error: null });
    expect(state.unsupportedReason).toMatch(/Headscale does not have.*registry alone/);
    expect(state.attributes[0]).toMatchObject({ text: 'South', want: 'south', state: 'registry-only' });
    expect(await sync.reconcile()).toEqual({ farms: 0, written: 0, deleted: 0, failed: 0 });
    expect(sim.tailnet.requests.length).toBe(before);
  });
});
