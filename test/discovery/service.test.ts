import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FarmSummary } from '../../protocol/app/index.ts';
import { AGROMESH_CAPABILITY, type CallerIdentity } from '../../protocol/identity.ts';
import { createHttpFarmInfoFetcher } from '../../main/core/discovery/farm-info-http.ts';
import { startRegistry, type RegistryHandle } from '../../registry/server.ts';
import {
  createFarmDiscoveryService,
  type FarmDiscoveryOptions,
  type FarmEvent,
} from '../../main/core/discovery/service.ts';
import { device, FakeTailnet, farmInfo, routedFetch, StubGateway } from './fakes.ts';
import { call, fakeWhois, farmIdentity, heartbeatBody, personIdentity, tempDir, waitFor } from './helpers.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

/** The control room's own node: the service's registry requests come from 127.0.0.1, which stands for it. */
const controlRoom: CallerIdentity = {
  ...personIdentity(1, 'ops@example.com', 'operator'),
  address: '100.0.0.1',
};

interface World {
  tailnet: FakeTailnet;
  gateways: Map<string, StubGateway>;
  registry?: RegistryHandle;
  events: FarmEvent[];
  service: ReturnType<typeof createFarmDiscoveryService>;
}

async function world(options: {
  watch?: boolean;
  farms?: number[];
  withRegistry?: 'url' | 'peer' | 'unreachable' | 'none';
  service?: Partial<FarmDiscoveryOptions>;
  extraDevices?: ReturnType<typeof device>[];
}): Promise<World> {
  const farms = options.farms ?? [2, 3];
  const tailnet = new FakeTailnet({
    watch: options.watch ?? true,
    devices: [...farms.map((n) => device(n)), ...(options.extraDevices ?? [])],
  });
  cleanups.push(() => tailnet.dispose());
  const gateways = new Map<string, StubGateway>();
  for (const n of farms) {
    const g = await new StubGateway(farmInfo(n)).start();
    gateways.set(`100.64.0.${n}`, g);
    cleanups.push(() => g.stop());
  }
  let registry: RegistryHandle | undefined;
  if (options.withRegistry === 'url' || options.withRegistry === 'peer') {
    const dir = tempDir();
    cleanups.push(dir.dispose);
    registry = await startRegistry({
      listen: '127.0.0.1:0',
      dbFile: join(dir.path, 'r.db'),
      resolveIdentity: fakeWhois([controlRoom, ...farms.map((n) => farmIdentity(n))]).resolve,
    });
    cleanups.push(() => registry!.dispose());
  }
  const fetch = routedFetch((address, port) => {
    if (registry && address === '100.64.0.50' && port === 8090) return registry.url;
    const g = gateways.get(address);
    return g && port === 8080 ? `http://127.0.0.1:${g.port}` : undefined;
  });
  const registryOpt =
    options.withRegistry === 'url'
      ? { url: registry!.url }
      : options.withRegistry === 'unreachable'
        ? { url: 'http://127.0.0.1:9', fetch }
        : options.withRegistry === 'peer'
          ? { fetch }
          : {};
  const service = createFarmDiscoveryService({
    tailnet,
    fetchFarmInfo: createHttpFarmInfoFetcher({ fetch, timeoutMs: 2_000 }),
    registry: registryOpt,
    pollIntervalMs: 200,
    infoRefreshMs: 200,
    tickMs: 50,
    ...options.service,
  });
  cleanups.push(() => service.dispose());
  const events: FarmEvent[] = [];
  service.on((e) => events.push(e));
  return { tailnet, gateways, events, service, ...(registry ? { registry } : {}) };
}

const byId = (farms: FarmSummary[], id: string) => farms.find((f) => f.farmId === id);

describe('FarmDiscoveryService', () => {
  it('lists farms from the tailnet and gateways alone when no registry is reachable', async () => {
    const w = await world({ withRegistry: 'unreachable' });
    await w.service.start();
    const farms = w.service.listFarms();
    expect(farms.map((f) => f.farmId)).toEqual(['farm-2', 'farm-3']);
    expect(byId(farms, 'farm-2')).toMatchObject({
      address: '100.64.0.2',
      displayName: 'Gateway name 2',
      dnsName: 'farm-2.example-tailnet.ts.net',
      timeZone: 'Europe/Kyiv',
      // The gateway's sensors, as the UI labels its figures.
      sensors: [{ id: 's1', label: 'Soil', unit: '%', kind: 'soil_moisture' }],
      health: {
        overall: 'ok',
        tailnet: { state: 'ok' },
        gateway: { state: 'ok' },
        data: { state: 'unknown' },
      },
    });
    expect(w.service.registryStatus()).toMatchObject({ state: 'down', url: 'http://127.0.0.1:9' });
    expect(w.events.filter((e) => e.type === 'joined')).toHaveLength(2);
  });

  it('lists farms with no registry configured and none on the tailnet', async () => {
    const w = await world({ withRegistry: 'none' });
    await w.service.start();
    expect(w.service.listFarms()).toHaveLength(2);
    expect(w.service.registryStatus().state).toBe('none');
  });

  it('applies the conflict rules: people name and place, the gateway its time zone, the tailnet tags and address', async () => {
    const w = await world({ withRegistry: 'url' });
    const reg = w.registry!;
    await call(reg.url, '/api/heartbeat', {
      from: farmIdentity(2),
      body: heartbeatBody(2, { name: 'Heartbeat name', timeZone: 'UTC' }),
    });
    await call(reg.url, '/api/farms/100.64.0.2', {
      from: controlRoom,
      body: { displayName: 'North field', locationOverride: { lat: 1, lon: 2 }, notes: 'gate code 1234' },
    });
    await call(reg.url, '/api/heartbeat', {
      from: farmIdentity(3),
      body: heartbeatBody(3, { name: 'Three by heartbeat', timeZone: 'Asia/Tokyo' }),
    });
    w.tailnet.patch('nFARM2CNTRL', { tags: ['tag:farm', 'tag:greenhouse'] });
    await w.gateways.get('100.64.0.3')!.stop(); // only the registry's copy of farm 3 is left
    await w.service.start();
    const farms = w.service.listFarms();
    expect(byId(farms, 'farm-2')).toMatchObject({
      displayName: 'North field',
      location: { lat: 1, lon: 2 },
      notes: 'gate code 1234',
      timeZone: 'Europe/Kyiv',
      tags: ['tag:farm', 'tag:greenhouse'],
      address: '100.64.0.2',
    });
    expect(byId(farms, 'farm-3')).toMatchObject({
      displayName: 'Three by heartbeat',
      timeZone: 'Asia/Tokyo',
    });
    expect(byId(farms, 'farm-3')!.health.reason).toMatch(
      /not answering this computer, yet it sent a heartbeat/,
    );
  });

  it('shows a farm joining the tailnet from the watch alone (no poll), and going offline, returning and leaving', async () => {
    const w = await world({ farms: [2] });
    await w.service.start();
    const g = await new StubGateway(farmInfo(4)).start();
    cleanups.push(() => g.stop());
    w.gateways.set('100.64.0.4', g);
    const lists = w.tailnet.listCalls;
    w.tailnet.upsert(device(4));
    await waitFor(
      () => w.events.some((e) => e.type === 'joined' && e.farm.address === '100.64.0.4'),
      2_000,
      'join',
    );
    // The watch pushed it: no device list was asked for in between, so it appears as fast as the push.
    expect(w.tailnet.listCalls).toBe(lists);
    await waitFor(() => w.service.getFarm('farm-4')?.health.overall === 'ok', 2_000, 'gateway info');

    w.tailnet.patch('nFARM4CNTRL', { online: false, lastSeen: new Date(Date.now() - 120_000).toISOString() });
    const off = await waitFor(
      () => w.service.getFarm('farm-4')?.health.overall === 'offline' && w.service.getFarm('farm-4'),
    );
    expect(off.health.reason).toBe(
      'The tailnet says the node is offline (last seen 2 min ago), so its gateway and sensors cannot be reached.',
    );
    expect(
      w.events.some(
        (e) => e.type === 'changed' && e.farm.farmId === 'farm-4' && e.farm.health.overall === 'offline',
      ),
    ).toBe(true);

    w.tailnet.patch('nFARM4CNTRL', {
      online: true,
      lastSeen: null,
      connection: { kind: 'relay', region: 'fra' },
    });
    const back = await waitFor(
      () => w.service.getFarm('farm-4')?.health.overall === 'ok' && w.service.getFarm('farm-4'),
    );
    expect(back.health.tailnet.detail).toMatch(/relayed through DERP fra/);

    w.tailnet.remove('nFARM4CNTRL');
    await waitFor(() => w.events.some((e) => e.type === 'left' && e.farm.farmId === 'farm-4'));
    expect(w.service.listFarms().map((f) => f.farmId)).toEqual(['farm-2']);
  });

  it('shows a farm joining within one poll interval when only the API can list devices', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }); // the poll's clock; sockets stay real
    const w = await world({
      watch: false,
      farms: [2],
      service: { pollIntervalMs: 300, infoRefreshMs: 60_000 },
    });
    await w.service.start();
    const g = await new StubGateway(farmInfo(5)).start();
    cleanups.push(() => g.stop());
    w.gateways.set('100.64.0.5', g);
    w.tailnet.devices.set('nFARM5CNTRL', device(5)); // no push: the API has no watch
    const lists = w.tailnet.listCalls;
    await vi.advanceTimersByTimeAsync(299);
    expect([w.tailnet.listCalls, w.service.getFarm('farm-5')]).toEqual([lists, undefined]);
    await vi.advanceTimersByTimeAsync(1);
    expect(w.tailnet.listCalls).toBe(lists + 1);
    // From here fake time runs along (the 50 ms tick publishes changes) while the gateway answers for real.
    const tick = async () => void (await vi.advanceTimersByTimeAsync(50));
    await waitFor(async () => (await tick(), w.service.getFarm('farm-5')), 2_000, 'poll join');
    // A node that loses tag:farm is not a farm any more (the tailnet is right about tags).
    w.tailnet.devices.set('nFARM5CNTRL', device(5, { tags: ['tag:server'] }));
    await waitFor(
      async () => (await tick(), w.events.some((e) => e.type === 'left' && e.farm.farmId === 'farm-5')),
      2_000,
      'untag',
    );
  });

  it('keeps the last known list when the tailnet API fails', async () => {
    const w = await world({ watch: false, farms: [2] });
    await w.service.start();
    w.tailnet.failList = true;
    const calls = w.tailnet.listCalls;
    await waitFor(() => w.tailnet.listCalls > calls);
    expect(w.service.listFarms().map((f) => f.farmId)).toEqual(['farm-2']);
  });

  it('explains a stopped gateway on a live node, and recovers when it returns', async () => {
    const w = await world({ farms: [2], service: { offlineAfterMs: 60_000 } });
    await w.service.start();
    const g = w.gateways.get('100.64.0.2')!;
    await g.stop();
    w.service.noteGatewayStatus('farm-2', false, 'stream closed');
    const down = w.service.getFarm('farm-2')!;
    expect(down.health).toMatchObject({
      overall: 'degraded',
      gateway: { state: 'down' },
      tailnet: { state: 'ok' },
    });
    expect(down.health.reason).toBe(
      'The gateway is not answering; the tailnet says the node is online, so the gateway program is likely stopped.',
    );
    await g.start();
    w.service.noteGatewayStatus('farm-2', true, 'stream live');
    expect(w.service.getFarm('farm-2')!.health.overall).toBe('ok');
  });

  it('marks a farm offline when its gateway has not answered for longer than offlineAfter', async () => {
    const w = await world({ farms: [2], service: { offlineAfterMs: 100, infoRefreshMs: 60_000 } });
    await w.service.start();
    await w.gateways.get('100.64.0.2')!.stop();
    w.service.noteGatewayStatus('farm-2', false, 'connection refused');
    expect(w.service.getFarm('farm-2')!.health.overall).toBe('degraded');
    await waitFor(() => w.service.getFarm('farm-2')!.health.overall === 'offline', 2_000);
  });

  it('turns stale when the freshest reading ages past staleAfter', async () => {
    let clock = Date.now();
    const w = await world({ farms: [2], service: { staleAfterMs: 60_000, now: () => clock } });
    await w.service.start();
    w.service.noteReading('farm-2', clock - 1_000, [
      { sensorId: 's1', ts: clock - 1_000, value: 31.5, quality: 'ok' },
    ]);
    const fresh = w.service.getFarm('farm-2')!;
    expect(fresh).toMatchObject({
      lastReadingAt: clock - 1_000,
      latest: [{ sensorId: 's1', value: 31.5 }],
      health: { overall: 'ok', data: { state: 'ok' } },
    });
    clock += 12 * 60_000;
    await waitFor(() => w.events.some((e) => e.type === 'changed' && e.farm.health.overall === 'stale'));
    expect(w.service.getFarm('farm-2')!.health.reason).toBe(
      'The gateway answers, but the freshest reading is 12 min old: the sensors or their link to the gateway may have failed.',
    );
  });

  it('finds the registry as a tag:registry peer on port 8090 and lets a person rename a farm', async () => {
    const registryNode = device(50, { id: 'nREG50CNTRL', name: 'registry', tags: ['tag:registry'] });
    const w = await world({ withRegistry: 'peer', farms: [2], extraDevices: [registryNode] });
    await w.service.start();
    expect(w.service.registryStatus()).toMatchObject({ state: 'ok', url: 'http://100.64.0.50:8090' });
    expect(w.service.listFarms().map((f) => f.farmId)).toEqual(['farm-2']); // the registry node is not a farm
    const renamed = await w.service.updateFarmMetadata('farm-2', {
      displayName: 'Orchard',
      notes: 'new pump',
    });
    expect(renamed).toMatchObject({ displayName: 'Orchard', notes: 'new pump' });
    expect(w.events.some((e) => e.type === 'changed' && e.farm.displayName === 'Orchard')).toBe(true);
    const stored = await call(w.registry!.url, '/api/farms/100.64.0.2', { from: controlRoom });
    expect(stored.body).toMatchObject({ displayName: 'Orchard', updatedBy: 'ops@example.com' });
  });

  it('registers a farm by address and refuses without a registry', async () => {
    const w = await world({ withRegistry: 'url', farms: [2] });
    await w.service.start();
    const rec = await w.service.registerFarm('100.64.0.2', {
      displayName: 'Registered',
      location: { lat: 10, lon: 20 },
    });
    expect(rec).toMatchObject({
      address: '100.64.0.2',
      displayName: 'Registered',
      locationOverride: { lat: 10, lon: 20 },
    });
    expect(w.service.getFarm('farm-2')).toMatchObject({
      displayName: 'Registered',
      location: { lat: 10, lon: 20 },
    });
    await expect(w.service.registerFarm('192.168.0.1', {})).rejects.toMatchObject({ code: 'VALIDATION' });

    const lone = await world({ withRegistry: 'none', farms: [3] });
    await lone.service.start();
    await expect(lone.service.registerFarm('100.64.0.3', { displayName: 'x' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });

  it('gives each farm one id when two nodes claim the same one: the live node keeps it', async () => {
    const w = await world({ farms: [2, 3] });
    w.gateways.get('100.64.0.3')!.info = farmInfo(2, { name: 'Impostor' });
    w.tailnet.patch('nFARM2CNTRL', { online: false, lastSeen: new Date().toISOString() });
    await w.service.start();
    const ids = w.service
      .listFarms()
      .map((f) => f.farmId)
      .sort();
    expect(ids).toEqual(['farm-2', 'farm-2~farm-2']);
    expect(w.service.getFarm('farm-2')!.address).toBe('100.64.0.3');
  });

  it('lists only the farms a user’s grants cover', async () => {
    const w = await world({ farms: [2, 3] });
    await w.service.start();
    const narrow = { capabilities: { [AGROMESH_CAPABILITY]: [{ role: 'agronomist', farms: ['farm-3'] }] } };
    expect(w.service.listFarms({ for: narrow }).map((f) => f.farmId)).toEqual(['farm-3']);
    const wide = { capabilities: { [AGROMESH_CAPABILITY]: [{ role: 'support' }] } };
    expect(w.service.listFarms({ for: wide })).toHaveLength(2);
  });

  it('stops emitting and polling after dispose', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const w = await world({ watch: false, farms: [2] });
    await w.service.start();
    expect(vi.getTimerCount()).toBeGreaterThan(0); // polls and gateway checks are scheduled while running
    await w.service.dispose();
    const calls = w.tailnet.listCalls;
    const requests = w.gateways.get('100.64.0.2')!.requests;
    const events = w.events.length;
    w.tailnet.devices.set('nFARM6CNTRL', device(6));
    expect(vi.getTimerCount()).toBe(0); // nothing left that could ever fire
    await vi.advanceTimersByTimeAsync(10 * 200); // ten poll and refresh intervals
    expect([w.tailnet.listCalls, w.gateways.get('100.64.0.2')!.requests, w.events.length]).toEqual([
      calls,
      requests,
      events,
    ]);
  });

  it('handles 1,000 farms: a reading noted for each gives one change per farm, in one flush', async () => {
    const tailnet = new FakeTailnet({
      watch: true,
      devices: Array.from({ length: 1000 }, (_, i) =>
        device(i + 1, { ipv4: [`100.65.${i >> 8}.${i & 255}`], ipv6: [] }),
      ),
    });
    const svc = createFarmDiscoveryService({
      tailnet,
      fetchFarmInfo: async (address) =>
        farmInfo(1, { farmId: `f-${address.replaceAll('.', '-')}`, name: address }),
      registry: false,
      tickMs: 60_000,
    });
    cleanups.push(() => svc.dispose());
    await svc.start();
    const farms = svc.listFarms();
    expect(farms).toHaveLength(1000);
    const events: FarmEvent[] = [];
    svc.on((e) => events.push(e));
    const now = Date.now();
    // Cost is measured in bench/ (a wall-clock bound here would fail on a loaded machine).
    for (const f of farms)
      svc.noteReading(f.farmId, now, [{ sensorId: 's1', ts: now, value: 1, quality: 'ok' }]);
    expect(events).toHaveLength(0); // batched, not one event per call
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toHaveLength(1000); // data layer unknown → ok, once per farm, in one flush
    expect(events.every((e) => e.type === 'changed' && e.farm.health.data.state === 'ok')).toBe(true);
  });
});
