/**
 * The fleet-hygiene radar through the core's handlers on the simulated tailnet (Tailscale API v2 formats):
 * what support sees, what the actions do to the control plane, who may not, and what a LocalAPI-only seat
 * says it could not check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { AGROMESH_CAPABILITY, type Role } from '../../protocol/identity.ts';
import { type AppCore, createAppCore } from '../../main/core/app-core.ts';
import { createUnavailableSecretStore } from '../../main/core/settings/secret-store.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';
import { type SimTailnetHandle, startSimTailnet } from '../../sim/tailnet/index.ts';

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'agromesh-hygiene-'));
let sim: SimTailnetHandle;
const cores: AppCore[] = [];
let farmId = '';
let keyId = '';

async function coreFor(who: Role | 'none', withApi: boolean): Promise<AppCore> {
  const node = `${who}-${withApi ? 'api' : 'local'}-pc`;
  const device = sim.tailnet.addDevice({
    name: node,
    user: `${who}@example.com`,
    capMap: who === 'none' ? {} : { [AGROMESH_CAPABILITY]: [{ role: who }] },
  });
  const socket = join(dir, `${node}.sock`);
  await sim.serveLocalApi(node, socket);
  const core = await createAppCore({
    host: 'browser',
    version: '1.0.0',
    locale: 'en',
    platform: 'linux',
    dataDir: join(dir, node),
    settings: createMemorySettingsStore(),
    secrets: createUnavailableSecretStore('none'),
    log: silentLogger,
    simulatedTailnet: {
      localApiSocket: socket,
      selfAddress: device.ipv4!,
      ...(withApi ? { api: { url: sim.apiUrl, apiKey: sim.apiKey } } : {}),
    },
    retryMs: 500,
  });
  cores.push(core);
  await core.ready;
  return core;
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
  keyId = sim.tailnet.createKey({ tags: ['tag:farm'], expirySeconds: 86_400, description: 'farm east' }).id;
  support = await coreFor('support', true);
  operator = await coreFor('operator', true);
  localSupport = await coreFor('support', false);
});

afterAll(async () => {
  for (const core of cores) await core.dispose();
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
      ]),
    );
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

  it('revokes the onboarding key and disables the node key expiry at the control plane', async () => {
    await support.handlers.revokeAuthKey({ keyId });
    expect(sim.tailnet.keys.get(keyId)!.revoked).not.toBeNull();
    const device = await support.handlers.disableKeyExpiry({ deviceId: farmId });
    expect(device).toMatchObject({ name: 'farm-north', keyExpiryDisabled: true });
    const kinds = (await support.handlers.getFleetHygiene()).findings.map((f) => f.kind);
    expect(kinds).toEqual(['tagged-node-unseen']);
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
