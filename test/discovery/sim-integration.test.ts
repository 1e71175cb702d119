/**
 * Discovery end to end on the simulated tailnet: real farm gateways heartbeating from their nodes' loopback
 * aliases, the registry asking the simulated tailscaled who is calling, and the control room's discovery
 * service watching the LocalAPI IPN bus and dialling through the tailnet-only dialer.
 */
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import { FarmRecord } from '../../protocol/discovery-api.ts';
import { FARM_HTTP_PORT } from '../../protocol/farm-api.ts';
import { silentLogger } from '../../kit/log.ts';
import { createLocalApiClient, type LocalApiClient } from '../../kit/tailscale/localapi.ts';
import { createTailnetDialer } from '../../main/core/farms/dialer.ts';
import { createHttpFarmInfoFetcher } from '../../main/core/discovery/farm-info-http.ts';
import { startRegistry, type RegistryHandle } from '../../registry/server.ts';
import {
  createFarmDiscoveryService,
  type FarmDiscoveryService,
  type FarmEvent,
} from '../../main/core/discovery/service.ts';
import type { FetchLike } from '../../main/core/discovery/registry-client.ts';
import { createLocalApiManager } from '../../main/core/tailnet/localapi-backend.ts';
import { createApiV2Manager } from '../../main/core/tailnet/api-v2-backend.ts';
import type { TailscaleManager } from '../../main/core/tailnet/manager.ts';
import { startGateway, type GatewayHandle } from '../../gateway/gateway.ts';
import { startSimTailnet, type SimTailnetHandle } from '../../sim/tailnet/index.ts';
import { call, heartbeatBody, tempDir, waitFor } from './helpers.ts';

// A private address block so parallel test files using the simulator's defaults never collide on aliases.
const ip = (n: number) => `100.77.0.${n}`;

let dir: ReturnType<typeof tempDir>;
let sim: SimTailnetHandle;
const clients: LocalApiClient[] = [];
const gateways = new Map<string, GatewayHandle>();
let registry: RegistryHandle;
let registryPort = 0;
let registryClient: LocalApiClient;
let manager: TailscaleManager;
let agent: Agent;
let tailnetFetch: FetchLike;
let service: FarmDiscoveryService;
const events: FarmEvent[] = [];

async function localApiFor(node: string): Promise<LocalApiClient> {
  const local = await sim.serveLocalApi(node);
  const client = createLocalApiClient({ socketPath: local.socketPath });
  clients.push(client);
  return client;
}

async function startRegistryNode(): Promise<RegistryHandle> {
  const handle = await startRegistry({
    listen: `${sim.tailnet.loopbackOf('registry')}:${registryPort}`,
    hostNames: [sim.tailnet.device('registry')!.ipv4!],
    dbFile: join(dir.path, 'registry.db'),
    resolveIdentity: (address) => registryClient.whois(address),
    offlineAfterMs: 800,
    sweepIntervalMs: 50,
  });
  registryPort = handle.port;
  return handle;
}

async function startFarm(name: string, n: number): Promise<GatewayHandle> {
  if (!sim.tailnet.device(name))
    sim.tailnet.addDevice({
      name,
      tags: ['tag:farm'],
      ipv4: ip(n),
      connection: { kind: 'direct', endpoint: `203.0.113.${n}:41641` },
    });
  const whois = await localApiFor(name);
  const g = await startGateway({
    dataDir: null,
    farmId: name,
    farmName: `${name} (gateway)`,
    timeZone: 'Europe/Kyiv',
    location: { lat: 48 + n / 100, lon: 35 },
    // The standard Farm API port on the node's own alias: found without the registry's help.
    listen: { host: sim.tailnet.loopbackOf(name), port: FARM_HTTP_PORT },
    hostNames: [sim.tailnet.device(name)!.ipv4!],
    resolveIdentity: (address) => whois.whois(address),
    discoveryUrl: `http://${sim.tailnet.loopbackOf('registry')}:${registryPort}`,
    heartbeatIntervalMs: 150,
    simulate: { seed: n },
    log: silentLogger,
  });
  gateways.set(name, g);
  return g;
}

const summary = (farmId: string) => service.getFarm(farmId);
const recordOf = async (address: string) =>
  FarmRecord.parse(
    (
      await call(`http://${sim.tailnet.loopbackOf('registry')}:${registryPort}`, `/api/farms/${address}`, {
        from: sim.tailnet.loopbackOf('alice-laptop'),
      })
    ).body,
  );

beforeAll(async () => {
  dir = tempDir();
  sim = await startSimTailnet({
    dir: join(dir.path, 'sim'),
    self: {
      name: 'control-room',
      ipv4: ip(1),
      user: 'ops@example.com',
      capMap: { [AGROMESH_CAPABILITY]: [{ role: 'operator' }, { role: 'support' }] },
    },
  });
  sim.tailnet.addDevice({ name: 'registry', tags: ['tag:registry'], ipv4: ip(50) });
  sim.tailnet.addDevice({
    name: 'alice-laptop',
    user: 'alice@example.com',
    ipv4: ip(60),
    capMap: { [AGROMESH_CAPABILITY]: [{ role: 'operator' }] },
  });
  sim.tailnet.addDevice({ name: 'bob-laptop', user: 'bob@example.com', ipv4: ip(61) });
  registryClient = await localApiFor('registry');
  registry = await startRegistryNode();
  await startFarm('farm-a', 2);
  await startFarm('farm-b', 3);
  await waitFor(
    async () => (await recordOf(ip(3)).catch(() => null))?.status === 'online',
    5_000,
    'first heartbeats',
  );

  const dialer = createTailnetDialer({ mode: 'simulated', selfAddress: ip(1) });
  agent = new Agent({ connect: dialer.connector });
  tailnetFetch = (url, init) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>;
  const controlClient = createLocalApiClient({ socketPath: sim.localApiSocket });
  clients.push(controlClient);
  manager = createLocalApiManager({ client: controlClient });
  service = createFarmDiscoveryService({
    tailnet: manager,
    fetchFarmInfo: createHttpFarmInfoFetcher({ fetch: tailnetFetch, timeoutMs: 2_000 }),
    registry: { url: `http://${ip(50)}:${registryPort}`, fetch: tailnetFetch, pollIntervalMs: 150 },
    infoRefreshMs: 150,
    offlineAfterMs: 500,
    tickMs: 50,
  });
  service.on((e) => events.push(e));
  await service.start();
});

afterAll(async () => {
  await service?.dispose();
  await manager?.dispose();
  await agent?.close();
  for (const g of gateways.values()) await g.dispose();
  await registry?.dispose();
  for (const c of clients) await c.dispose();
  await sim?.dispose();
  dir?.dispose();
});

describe('discovery on the simulated tailnet', () => {
  it('lists the farms with the gateways’ own info and the registry’s heartbeats', () => {
    const farms = service.listFarms();
    expect(farms.map((f) => f.farmId)).toEqual(['farm-a', 'farm-b']);
    expect(summary('farm-a')).toMatchObject({
      address: ip(2),
      displayName: 'farm-a (gateway)',
      timeZone: 'Europe/Kyiv',
      tags: ['tag:farm'],
      health: { overall: 'ok', tailnet: { state: 'ok' }, gateway: { state: 'ok' } },
    });
    expect(summary('farm-a')!.health.gateway.detail).toMatch(/last heartbeat to the registry \d+ s ago/);
    expect(service.registryStatus().state).toBe('ok');
  });

  it('shows a farm joining the tailnet through the LocalAPI watch, without waiting for a poll', async () => {
    const t0 = performance.now();
    await startFarm('farm-c', 4);
    await waitFor(
      () => events.some((e) => e.type === 'joined' && e.farm.address === ip(4)),
      10_000,
      'farm-c joined',
    );
    const joinedMs = performance.now() - t0; // reported, not asserted: cost lives in bench/
    const c = await waitFor(
      () => summary('farm-c')?.health.overall === 'ok' && summary('farm-c'),
      10_000,
      'farm-c healthy',
    );
    expect(c.displayName).toBe('farm-c (gateway)');
    console.info(`[discovery] farm joined the watched tailnet → listed in ${joinedMs.toFixed(0)} ms`);
  });

  it('shows a farm joining at the next poll when only the Tailscale API v2 lists devices', async () => {
    const POLL_MS = 400;
    // The poll's clock is fake (its timer is a setTimeout chain); sockets and the service's tick stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const api = createApiV2Manager({ apiUrl: sim.apiUrl, apiKey: sim.apiKey, pollIntervalMs: POLL_MS });
    const polled = createFarmDiscoveryService({
      tailnet: api,
      fetchFarmInfo: createHttpFarmInfoFetcher({ fetch: tailnetFetch, timeoutMs: 2_000 }),
      registry: { url: `http://${ip(50)}:${registryPort}`, fetch: tailnetFetch },
    });
    try {
      await polled.start();
      expect(polled.listFarms().map((f) => f.farmId)).toEqual(['farm-a', 'farm-b', 'farm-c']);
      sim.tailnet.addDevice({ name: 'farm-d', tags: ['tag:farm'], ipv4: ip(5) });
      await vi.advanceTimersByTimeAsync(POLL_MS - 1);
      expect(polled.listFarms().some((f) => f.address === ip(5))).toBe(false); // no poll yet, no push
      await vi.advanceTimersByTimeAsync(1); // the poll is due
      await waitFor(() => polled.listFarms().some((f) => f.address === ip(5)), 10_000, 'farm-d via polling');
      // No gateway runs there yet: the tailnet alone lists it, and says what is missing.
      const d = polled.listFarms().find((f) => f.address === ip(5))!;
      expect(d).toMatchObject({ farmId: 'farm-d', displayName: 'farm-d' });
    } finally {
      // The in-process gateways' heartbeat loops scheduled their next beat on the fake setTimeout too:
      // run those now (each reschedules after its HTTP round trip, on the real timers), or they die and
      // every farm goes offline in the registry 800 ms later.
      vi.runOnlyPendingTimers();
      vi.useRealTimers();
      await polled.dispose();
      await api.dispose();
      sim.tailnet.removeDevice('farm-d');
    }
  });

  it('takes a farm offline when its node leaves, and back when it returns', async () => {
    sim.tailnet.setOnline('farm-b', false);
    const off = await waitFor(
      () => summary('farm-b')?.health.overall === 'offline' && summary('farm-b'),
      2_000,
      'farm-b offline',
    );
    expect(off.health.reason).toMatch(/^The tailnet says the node is offline/);
    sim.tailnet.setOnline('farm-b', true);
    await waitFor(() => summary('farm-b')?.health.overall === 'ok', 3_000, 'farm-b back');
  });

  it('explains a stopped gateway on a live node; the registry marks it offline; it returns on restart', async () => {
    await gateways.get('farm-b')!.dispose();
    gateways.delete('farm-b');
    const down = await waitFor(
      () => summary('farm-b')?.health.gateway.state === 'down' && summary('farm-b'),
      3_000,
      'gateway down',
    );
    expect(down.health.tailnet.state).toBe('ok');
    await waitFor(
      async () => (await recordOf(ip(3))).status === 'offline',
      3_000,
      'registry marks farm-b offline',
    );
    await waitFor(
      () =>
        summary('farm-b')?.health.reason ===
        'The gateway is not answering; the tailnet says the node is online, so the gateway program is likely stopped.',
      3_000,
      'plain reason',
    );
    await startFarm('farm-b', 3);
    await waitFor(() => summary('farm-b')?.health.overall === 'ok', 5_000, 'farm-b gateway back');
    await waitFor(async () => (await recordOf(ip(3))).status === 'online', 3_000, 'registry online again');
  });

  it('is renamed by a person (who-is says alice is an operator) and by the control room', async () => {
    const base = `http://${sim.tailnet.loopbackOf('registry')}:${registryPort}`;
    const bob = await call(base, `/api/farms/${ip(2)}`, {
      from: sim.tailnet.loopbackOf('bob-laptop'),
      body: { displayName: 'Bob was here' },
    });
    expect(bob.status).toBe(403);
    const alice = await call(base, `/api/farms/${ip(2)}`, {
      from: sim.tailnet.loopbackOf('alice-laptop'),
      body: { displayName: 'North field', notes: 'gate code 4321' },
    });
    expect(alice.body).toMatchObject({ displayName: 'North field', updatedBy: 'alice@example.com' });
    await waitFor(() => summary('farm-a')?.displayName === 'North field', 3_000, 'rename visible');
    expect(events.some((e) => e.type === 'changed' && e.farm.displayName === 'North field')).toBe(true);
    const renamed = await service.updateFarmMetadata('farm-c', {
      displayName: 'Orchard',
      location: { lat: 47.1, lon: 36.2 },
    });
    expect(renamed).toMatchObject({ displayName: 'Orchard', location: { lat: 47.1, lon: 36.2 } });
    expect(await recordOf(ip(4))).toMatchObject({ displayName: 'Orchard', updatedBy: 'ops@example.com' });
  });

  it('does not let one farm overwrite another farm’s record', async () => {
    const base = `http://${sim.tailnet.loopbackOf('registry')}:${registryPort}`;
    const fromA = sim.tailnet.loopbackOf('farm-a');
    const edit = await call(base, `/api/farms/${ip(4)}`, {
      from: fromA,
      body: { displayName: 'Taken over' },
    });
    expect(edit.status).toBe(403);
    // farm-c's own heartbeat claims its id first (on a loaded machine it can come after the rename above),
    // and it must be online right now: an offline farm's id may move to a new address (a farm re-addressed),
    // so a farm-c whose heartbeats had stopped would rightly lose it.
    await waitFor(
      async () => {
        const r = await recordOf(ip(4));
        return (
          r?.farmId === 'farm-c' &&
          r.status === 'online' &&
          Date.now() - Date.parse(r.lastHeartbeatAt ?? '') < 400
        );
      },
      10_000,
      "farm-c's fresh heartbeat",
    );
    const pose = await call(base, '/api/heartbeat', {
      from: fromA,
      body: { ...heartbeatBody(4), farmId: 'farm-c', address: ip(4) },
    });
    expect(pose.status).toBe(409);
    expect(await recordOf(ip(4))).toMatchObject({ farmId: 'farm-c', displayName: 'Orchard' });
    expect(await recordOf(ip(2))).toMatchObject({ farmId: 'farm-a' });
  });

  it('keeps people’s metadata across a registry restart, and lists farms from the tailnet while it is down', async () => {
    await registry.dispose();
    await waitFor(() => service.registryStatus().state === 'down', 3_000, 'registry noticed down');
    const farms = service.listFarms();
    expect(farms.map((f) => f.farmId).sort()).toEqual(['farm-a', 'farm-b', 'farm-c']);
    expect(farms.every((f) => f.health.tailnet.state === 'ok')).toBe(true);
    expect(summary('farm-a')?.displayName).toBe('North field'); // last known names stay

    registry = await startRegistryNode();
    expect(await recordOf(ip(2))).toMatchObject({ displayName: 'North field', notes: 'gate code 4321' });
    await waitFor(() => service.registryStatus().state === 'ok', 3_000, 'registry back');

    // A control room that starts while no registry answers still lists every farm from the tailnet.
    await registry.dispose();
    const lone = createFarmDiscoveryService({
      tailnet: manager,
      fetchFarmInfo: createHttpFarmInfoFetcher({ fetch: tailnetFetch, timeoutMs: 2_000 }),
      registry: { url: `http://${ip(50)}:${registryPort}`, fetch: tailnetFetch },
    });
    try {
      await lone.start();
      expect(lone.listFarms().map((f) => [f.farmId, f.health.overall])).toEqual([
        ['farm-a', 'ok'],
        ['farm-b', 'ok'],
        ['farm-c', 'ok'],
      ]);
      expect(lone.registryStatus().state).toBe('down');
    } finally {
      await lone.dispose();
      registry = await startRegistryNode();
    }
  });
});
