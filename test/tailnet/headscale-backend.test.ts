import { afterEach, describe, expect, it } from 'vitest';
import { AGROMESH_POLICY_TEMPLATE } from '../../kit/tailscale/policy-template.ts';
import { createHeadscaleManager, type HeadscaleManager } from '../../main/core/tailnet/headscale-backend.ts';
import { startSimTailnet, type SimTailnetHandle } from '../../sim/tailnet/index.ts';
import { tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let sim: SimTailnetHandle;
let clock = Date.parse('2026-08-20T12:00:00Z');
const managers: HeadscaleManager[] = [];

async function setup(legacy = false) {
  tmp = tempDir();
  sim = await startSimTailnet({ dir: tmp.dir, seed: 9, now: () => clock, headscaleLegacyTags: legacy });
  sim.tailnet.addDevice({ name: 'farm-north', tags: ['tag:farm'] });
  sim.tailnet.addDevice({ name: 'laptop', user: 'agronomist@example.com' });
}
function manager(extra: { user?: string; apiKey?: string } = {}): HeadscaleManager {
  const m = createHeadscaleManager({
    url: sim.headscaleUrl,
    apiKey: extra.apiKey ?? sim.headscaleKey,
    now: () => clock,
    baseDomain: 'farms.example',
    sleep: async () => {},
    ...(extra.user ? { user: extra.user } : {}),
  });
  managers.push(m);
  return m;
}
afterEach(async () => {
  for (const m of managers.splice(0)) await m.dispose();
  await sim.dispose();
  tmp.cleanup();
});

describe('Headscale backend against the simulator', () => {
  it('lists nodes (0.29 tags) with owners, by tag', async () => {
    await setup();
    const m = manager();
    const devices = await m.listDevices();
    expect(devices.map((d) => [d.name, d.dnsName, d.owner, d.tags.join(',')])).toEqual([
      ['control-room', 'control-room.farms.example', 'operator@example.com', ''],
      ['farm-north', 'farm-north.farms.example', 'tagged-devices', 'tag:farm'],
      ['laptop', 'laptop.farms.example', 'agronomist@example.com', ''],
    ]);
    expect((await m.listDevices({ tag: 'tag:farm' })).map((d) => d.name)).toEqual(['farm-north']);
    expect([...m.capabilities].sort()).toEqual([
      'createAuthKey',
      'listDevices',
      'policy',
      'setTags',
      'watch',
    ]);
  });

  it('lists 0.27-style nodes (forcedTags) the same way', async () => {
    await setup(true);
    const m = manager();
    expect((await m.listDevices({ tag: 'tag:farm' })).map((d) => d.name)).toEqual(['farm-north']);
  });

  it('sets tags, with Headscale rules checked first', async () => {
    await setup();
    const m = manager();
    const laptop = (await m.findDevice('laptop'))!;
    await m.setTags(laptop.id, ['tag:controlroom']);
    expect((await m.findDevice('laptop'))!).toMatchObject({
      tags: ['tag:controlroom'],
      owner: 'tagged-devices',
    });
    await expect(m.setTags(laptop.id, ['tag:Farm'])).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('lowercase'),
    });
    await expect(m.setTags(laptop.id, [])).rejects.toMatchObject({ code: 'TAILNET_REJECTED' });
    await expect(m.setTags('999', ['tag:farm'])).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('node not found'),
    });
  });

  it('creates pre-auth keys (tagged, or for a user)', async () => {
    await setup();
    const m = manager();
    const key = await m.createAuthKey({ tags: ['tag:farm'], reusable: true, expirySeconds: 86_400 });
    expect(key.key).toMatch(/^hskey-auth-/);
    expect(key).toMatchObject({ tags: ['tag:farm'], expires: '2026-08-21T12:00:00Z' });
    await expect(m.createAuthKey({ tags: [] })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('--headscale-user'),
    });
    const forUser = await manager({ user: 'agronomist' }).createAuthKey({ tags: [] });
    expect(sim.tailnet.keys.get(forUser.id)?.userId).toBe(sim.tailnet.user('agronomist@example.com')!.id);
    const keys = await m.listAuthKeys();
    expect(keys.map((k) => [k.id, k.tags, k.used])).toEqual([
      [key.id, ['tag:farm'], false],
      [forUser.id, [], false],
    ]);
    expect(JSON.stringify(keys)).not.toContain(key.key);
    await m.revokeAuthKey(key.id);
    expect(sim.tailnet.keys.get(key.id)?.revoked).not.toBeNull();
  });

  it('gets, checks and updates the policy', async () => {
    await setup();
    const m = manager();
    const policy = await m.getPolicy();
    expect(policy.text).toBe(AGROMESH_POLICY_TEMPLATE);
    expect(await m.validatePolicy(policy.text)).toEqual({ ok: true, message: null, errors: [] });
    const bad = await m.validatePolicy(
      '{ "acls": [ { "action": "accept", "src": ["tag:ghost"], "dst": ["*:*"] } ] }',
    );
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('tag "tag:ghost" is not defined in tagOwners');
    clock += 1000;
    const edited = policy.text.replace(
      '"tag:registry": ["autogroup:admin"]',
      '"tag:registry": ["autogroup:admin", "tag:controlroom"]',
    );
    const updated = await m.setPolicy(edited, policy.etag);
    expect(updated.text).toBe(edited);
    await expect(m.setPolicy(policy.text, policy.etag)).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
  });

  it('has no posture or who-is, and says why; a wrong key is an auth error', async () => {
    await setup();
    const m = manager();
    await expect(m.getPosture('1')).rejects.toMatchObject({ code: 'TAILNET_UNSUPPORTED' });
    await expect(m.whois('100.64.0.2')).rejects.toMatchObject({
      code: 'TAILNET_UNSUPPORTED',
      message: expect.stringContaining('--local-api-socket'),
    });
    await expect(manager({ apiKey: 'hs-wrong-key-000000000' }).listDevices()).rejects.toMatchObject({
      code: 'TAILNET_AUTH',
      message: expect.stringMatching(
        /Headscale rejected the credentials \(Unauthorized\).*headscale apikeys create/,
      ),
    });
  });
});
