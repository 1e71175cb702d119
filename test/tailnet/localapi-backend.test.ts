import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalApiClient } from '../../kit/tailscale/localapi.ts';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import { createLocalApiManager } from '../../main/core/tailnet/localapi-backend.ts';
import type { DeviceChange, TailscaleManager } from '../../main/core/tailnet/manager.ts';
import { startSimTailnet, type SimTailnetHandle } from '../../sim/tailnet/index.ts';
import { tempDir, waitFor } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let sim: SimTailnetHandle;
let m: TailscaleManager;

async function setup(daemonVersion?: string) {
  tmp = tempDir();
  sim = await startSimTailnet({ dir: tmp.dir, seed: 5, ...(daemonVersion ? { daemonVersion } : {}) });
  sim.tailnet.addDevice({
    name: 'farm-north',
    tags: ['tag:farm'],
    connection: { kind: 'direct', endpoint: '198.51.100.7:41641' },
  });
  sim.tailnet.addDevice({ name: 'sensor-hub', user: 'agronomist@example.com', ipv4: null, online: false });
  m = createLocalApiManager({
    client: createLocalApiClient({ socketPath: sim.localApiSocket }),
    pollIntervalMs: 100,
    debounceMs: 10,
  });
}
afterEach(async () => {
  await m.dispose();
  await sim.dispose();
  tmp.cleanup();
});

function collect(manager: TailscaleManager) {
  const changes: DeviceChange[] = [];
  const stop = manager.watch((c) => changes.push(c));
  return { changes, stop };
}

describe('LocalAPI backend against the simulator', () => {
  beforeEach(() => setup());

  it('lists this node and its peers with tags, owners, paths and IPv6-only addresses', async () => {
    const devices = await m.listDevices();
    expect(devices.map((d) => d.name)).toEqual(['control-room', 'farm-north', 'sensor-hub']);
    expect(devices[1]).toMatchObject({
      tags: ['tag:farm'],
      owner: 'tagged-devices',
      connection: { kind: 'direct', endpoint: '198.51.100.7:41641' },
    });
    expect(devices[2]).toMatchObject({
      tags: [],
      owner: 'agronomist@example.com',
      ipv4: [],
      ipv6: [sim.tailnet.device('sensor-hub')!.ipv6],
      online: false,
    });
    expect((await m.listDevices({ tag: 'tag:farm' })).map((d) => d.name)).toEqual(['farm-north']);
  });

  it('knows who this machine is, with its role capability', async () => {
    const me = await m.self();
    expect(me).toMatchObject({
      nodeName: 'control-room',
      user: 'operator@example.com',
      address: sim.self.ipv4,
    });
    expect(me?.capabilities[AGROMESH_CAPABILITY]).toBeDefined();
  });

  it('refuses tailnet changes and says API access is needed', async () => {
    expect([...m.capabilities].sort()).toEqual(['listDevices', 'watch', 'whois']);
    for (const call of [
      () => m.setTags('x', ['tag:farm']),
      () => m.createAuthKey({ tags: ['tag:farm'] }),
      () => m.getPolicy(),
    ]) {
      await expect(call()).rejects.toMatchObject({
        code: 'TAILNET_UNSUPPORTED',
        message: expect.stringContaining('needs API access'),
      });
    }
  });

  it('streams a snapshot then peer deltas from watch-ipn-bus', async () => {
    const { changes, stop } = collect(m);
    const snap = await waitFor(() => changes.find((c) => c.type === 'snapshot'), 5000, 'snapshot');
    expect(snap.type === 'snapshot' && snap.devices.map((d) => d.name)).toEqual([
      'control-room',
      'farm-north',
      'sensor-hub',
    ]);
    const watchReq = sim.tailnet.requests.find((r) => r.path === '/localapi/v0/watch-ipn-bus');
    expect(watchReq).toBeDefined();
    const farm = sim.tailnet.addDevice({ name: 'farm-west', tags: ['tag:farm'] });
    await waitFor(
      () =>
        changes.find(
          (c) => c.type === 'upsert' && c.device.id === farm.stableId && c.device.owner === 'tagged-devices',
        ),
      5000,
      'added',
    );
    sim.tailnet.setOnline(farm.stableId, false);
    await waitFor(
      () => changes.find((c) => c.type === 'upsert' && c.device.id === farm.stableId && !c.device.online),
      5000,
      'offline',
    );
    sim.tailnet.setTags(farm.stableId, ['tag:farm', 'tag:registry']);
    await waitFor(
      () => changes.find((c) => c.type === 'upsert' && c.device.tags.includes('tag:registry')),
      5000,
      'retagged',
    );
    sim.tailnet.removeDevice(farm.stableId);
    await waitFor(() => changes.find((c) => c.type === 'remove' && c.id === farm.stableId), 5000, 'removed');
    // Deltas, not polling: status was read once before the stream opened.
    expect(sim.tailnet.requests.filter((r) => r.path === '/localapi/v0/status')).toHaveLength(1);
    // A second listener gets the current snapshot at once.
    const second = collect(m);
    const snap2 = await waitFor(
      () => second.changes.find((c) => c.type === 'snapshot'),
      5000,
      'second snapshot',
    );
    expect(snap2.type === 'snapshot' && snap2.devices.some((d) => d.id === farm.stableId)).toBe(false);
    second.stop();
    stop();
  });

  it('reconnects after a daemon restart and catches up', async () => {
    const { changes, stop } = collect(m);
    await waitFor(() => changes.find((c) => c.type === 'snapshot'), 5000, 'snapshot');
    await sim.localApi.dispose();
    const farm = sim.tailnet.addDevice({ name: 'farm-late', tags: ['tag:farm'] });
    await sim.serveLocalApi(sim.self.stableId, sim.localApiSocket);
    await waitFor(
      () => changes.find((c) => c.type === 'upsert' && c.device.id === farm.stableId),
      8000,
      'caught up',
    );
    stop();
  });
});

describe('LocalAPI backend on a daemon too old for peer deltas', () => {
  beforeEach(() => setup('1.96.2-t123'));

  it('falls back to polling status on change notifications', async () => {
    const { changes, stop } = collect(m);
    await waitFor(() => changes.find((c) => c.type === 'snapshot'), 5000, 'snapshot');
    const watchReq = sim.tailnet.requests.find((r) => r.path === '/localapi/v0/watch-ipn-bus');
    expect(watchReq).toBeDefined();
    const farm = sim.tailnet.addDevice({ name: 'farm-old', tags: ['tag:farm'] });
    await waitFor(
      () => changes.find((c) => c.type === 'upsert' && c.device.id === farm.stableId),
      5000,
      'upsert via poll',
    );
    sim.tailnet.removeDevice(farm.stableId);
    await waitFor(
      () => changes.find((c) => c.type === 'remove' && c.id === farm.stableId),
      5000,
      'remove via poll',
    );
    expect(sim.tailnet.requests.filter((r) => r.path === '/localapi/v0/status').length).toBeGreaterThan(1);
    stop();
  });
});
