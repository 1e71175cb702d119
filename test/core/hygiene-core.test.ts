/**
 * The fleet-hygiene radar through the core's handlers on the simulated tailnet (Tailscale API v2 formats):
 * what support sees, what the actions do to the control plane, who may not, and what a LocalAPI-only seat
 * says it could not check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { createLocalApiClient } from '../../kit/tailscale/localapi.ts';
import { REGISTRY_HTTP_PORT } from '../../protocol/discovery-api.ts';
import { startRegistry } from '../../registry/server.ts';
import { AGROMESH_CAPABILITY, type Role } from '../../protocol/identity.ts';
import type { AppCore } from '../../main/core/app-core.ts';
import { type SimTailnetHandle, startSimTailnet } from '../../sim/tailnet/index.ts';
import { startSimCore } from '../support/sim-core.ts';

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'agromesh-hygiene-'));
let sim: SimTailnetHandle;
const cores: AppCore[] = [];
const cleanup: (() => Promise<void> | void)[] = [];
let farmId = '';
let keyId = '';

async function coreFor(who: Role | 'none', withApi: boolean): Promise<AppCore> {
  const node = `${who}-${withApi ? 'api' : 'local'}-pc`;
  const { core } = await startSimCore({
    sim,
    dir,
    api: withApi,
    device: {
      name: node,
      user: `${who}@example.com`,
      capMap: who === 'none' ? {} : { [AGROMESH_CAPABILITY]: [{ role: who }] },
    },
  });
  cores.push(core);
  return core;
}

/** POST a heartbeat to the registry from a node's loopback alias (who-is then names that node). */
function heartbeat(fromNode: string, version: string): Promise<number> {
  const registryIp = sim.tailnet.device('registry')!.ipv4!;
  const body = JSON.stringify({
    farmId: 'old-farm',
    name: 'Old Farm',
    location: null,
    timeZone: 'UTC',
    gatewayVersion: version,
    apiPort: 8080,
    sensors: 0,
    actuators: 0,
    capabilities: [],
  });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: sim.tailnet.loopbackOf('registry'),
        port: REGISTRY_HTTP_PORT,
        path: '/api/heartbeat',
        method: 'POST',
        localAddress: sim.tailnet.loopbackOf(fromNode),
        headers: { host: `${registryIp}:${REGISTRY_HTTP_PORT}`, 'content-type': 'application/json' },
        timeout: 5_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let support: AppCore;
let operator: AppCore;
let localSupport: AppCore;

beforeAll(async () => {
  sim = await startSimTailnet({ dir });
  const farm = sim.tailnet.addDevice({ name: 'farm-north', tags: ['tag:farm'] });
  sim.tailnet.setKeyExpiry(farm.stableId, {
    expiry: new Date(Date.now() + 5 * DAY).toISOString(),
    disabled: false,
  });
  farmId = farm.stableId;
  const quiet = sim.tailnet.addDevice({ name: 'farm-quiet', tags: ['tag:farm'], online: false });
  quiet.lastSeen = new Date(Date.now() - 10 * DAY).toISOString();
  // A gateway that heartbeated as tag:farm, then lost the tag: only the registry still knows it.
  sim.tailnet.addDevice({ name: 'registry', tags: ['tag:registry'] });
  const whois = createLocalApiClient({ socketPath: sim.localApiSocket });
  const registry = await startRegistry({
    listen: `${sim.tailnet.loopbackOf('registry')}:${REGISTRY_HTTP_PORT}`,
    hostNames: [sim.tailnet.device('registry')!.ipv4!],
    dbFile: join(dir, 'registry.sqlite'),
    resolveIdentity: (address) => whois.whois(address),
    logger: silentLogger,
  });
  cleanup.push(
    () => registry.dispose(),
    () => whois.dispose(),
  );
  const old = sim.tailnet.addDevice({ name: 'farm-old', tags: ['tag:farm'], keyExpiryDisabled: true });
  expect(await heartbeat('farm-old', '0.9.0')).toBe(200);
  sim.tailnet.setTags(old.stableId, []);
  keyId = sim.tailnet.createKey({ tags: ['tag:farm'], expirySeconds: 86_400, description: 'farm east' }).id;
  support = await coreFor('support', true);
  operator = await coreFor('operator', true);
  localSupport = await coreFor('support', false);
});

afterAll(async () => {
  for (const core of cores) await core.dispose();
  for (const done of cleanup.reverse()) await done();
  await sim.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: { code?: string }) => String(err.code),
  );

describe('fleet hygiene through the core', () => {
  it('shows support the expiring node key, the lapsing onboarding key and the silent node, each with its action', async () => {
    const r = await support.handlers.getFleetHygiene();
    const rows = r.findings.map((f) => `${f.kind} ${f.name} ${f.action.kind}`);
    expect(rows).toEqual(
      expect.arrayContaining([
        'node-key-expiring farm-north disable-key-expiry',
        'auth-key-expiring farm east revoke-key',
        'tagged-node-unseen farm-quiet none',
        'gateway-untagged farm-old retag',
        'gateway-outdated farm-old none',
      ]),
    );
    const untagged = r.findings.find((f) => f.kind === 'gateway-untagged')!;
    expect(untagged.action).toEqual({ kind: 'retag', deviceId: untagged.id, tags: ['tag:farm'] });
    expect(r.findings.find((f) => f.name === 'farm-north')!.what).toMatch(/its farm goes offline/);
    expect(r.skipped.map((s) => s.check)).toEqual(['auth-key-usage']);
  });

  it('refuses the radar and its actions to everyone but support', async () => {
    const none = await coreFor('none', true);
    for (const core of [operator, none]) {
      expect(await codeOf(core.handlers.getFleetHygiene())).toBe('FORBIDDEN');
      expect(await codeOf(core.handlers.revokeAuthKey({ keyId }))).toBe('FORBIDDEN');
      expect(await codeOf(core.handlers.disableKeyExpiry({ deviceId: farmId }))).toBe('FORBIDDEN');
    }
    expect(sim.tailnet.keys.get(keyId)!.revoked).toBeNull();
  });

  it('revokes the onboarding key, disables the node key expiry and retags the gateway at the control plane', async () => {
    const before = await support.handlers.getFleetHygiene();
    const retag = before.findings.find((f) => f.kind === 'gateway-untagged')!.action;
    if (retag.kind !== 'retag') throw new Error('expected a retag action');
    await support.handlers.setDeviceTags({ deviceId: retag.deviceId, tags: retag.tags });
    expect(sim.tailnet.device('farm-old')!.tags).toEqual(['tag:farm']);
    await support.handlers.revokeAuthKey({ keyId });
    expect(sim.tailnet.keys.get(keyId)!.revoked).not.toBeNull();
    const device = await support.handlers.disableKeyExpiry({ deviceId: farmId });
    expect(device).toMatchObject({ name: 'farm-north', keyExpiryDisabled: true });
    const rows = (await support.handlers.getFleetHygiene()).findings.map((f) => `${f.kind} ${f.name}`);
    expect(rows.sort()).toEqual(['gateway-outdated farm-old', 'tagged-node-unseen farm-quiet']);
  });

  it('says which checks a LocalAPI-only seat could not run, and offers no key actions', async () => {
    const r = await localSupport.handlers.getFleetHygiene();
    expect(r.skipped).toEqual(
      expect.arrayContaining([
        { check: 'auth-keys', reason: expect.stringMatching(/cannot list auth keys/) },
        { check: 'client-versions', reason: expect.stringMatching(/this computer only/) },
      ]),
    );
    expect(await codeOf(localSupport.handlers.revokeAuthKey({ keyId }))).toBe('TAILNET_UNSUPPORTED');
    expect(await codeOf(localSupport.handlers.disableKeyExpiry({ deviceId: farmId }))).toBe(
      'TAILNET_UNSUPPORTED',
    );
  });
});
