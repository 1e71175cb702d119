/**
 * Farm metadata in the tailnet policy, through the app core on a simulated tailnet: saving a farm's region,
 * crop and owner keeps the text in the (embedded) registry and writes custom:agromesh_* on the farm's
 * device (simulated Tailscale API v2); drift made in the "admin console" is put right on the next tailnet
 * refresh; a seat with the local tailscaled alone is told the registry alone holds them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../main/core/app-core.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';
import { DEFAULT_SETTINGS } from '../../protocol/app/settings.ts';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import { type SimTailnetHandle, startSimTailnet } from '../../sim/tailnet/index.ts';
import { startSimCore } from '../support/sim-core.ts';
import { waitFor } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'agromesh-farm-posture-'));
let sim: SimTailnetHandle;
let core: AppCore;
let localOnly: AppCore;

const custom = (name: string) =>
  Object.fromEntries(
    Object.entries(sim.tailnet.device(name)!.posture).filter(([k]) => k.startsWith('custom:agromesh_')),
  );

beforeAll(async () => {
  sim = await startSimTailnet({ dir });
  sim.tailnet.addDevice({ name: 'kuban-south', tags: ['tag:farm'] });
  const seat = {
    user: 'sam@example.com',
    capMap: { [AGROMESH_CAPABILITY]: [{ role: 'support' }] },
  };
  ({ core } = await startSimCore({
    sim,
    dir,
    device: { name: 'support-desk', ...seat },
    core: { settings: createMemorySettingsStore({ ...DEFAULT_SETTINGS, registry: { embedded: true } }) },
  }));
  ({ core: localOnly } = await startSimCore({
    sim,
    dir,
    device: { name: 'field-laptop', ...seat },
    api: false,
  }));
  await waitFor(async () => (await core.handlers.listFarms()).length > 0, 15_000, 'the farm listed');
}, 60_000);

afterAll(async () => {
  await localOnly?.dispose();
  await core?.dispose();
  await sim?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('farm region, crop and owner as posture attributes (API v2)', () => {
  it('a save keeps the text in the registry and the slugs on the device, in step when it returns', async () => {
    const summary = await core.handlers.updateFarmMetadata({
      farmId: 'kuban-south',
      region: 'South',
      crop: 'Winter wheat',
      owner: 'Иван Петров',
    });
    expect(summary).toMatchObject({ region: 'South', crop: 'Winter wheat', owner: 'Иван Петров' });
    expect(custom('kuban-south')).toEqual({
      'custom:agromesh_region': 'south',
      'custom:agromesh_crop': 'winter_wheat',
      'custom:agromesh_owner': 'ivan_petrov',
    });
    const state = await core.handlers.getFarmPolicyAttributes({ farmId: 'kuban-south' });
    expect(state).toMatchObject({ backend: 'api-v2', supported: true, error: null });
    expect(state.attributes.map((a) => [a.key, a.text, a.have, a.state])).toEqual([
      ['custom:agromesh_region', 'South', 'south', 'in-step'],
      ['custom:agromesh_crop', 'Winter wheat', 'winter_wheat', 'in-step'],
      ['custom:agromesh_owner', 'Иван Петров', 'ivan_petrov', 'in-step'],
    ]);
  });

  it('a cleared field is deleted from the device', async () => {
    await core.handlers.updateFarmMetadata({ farmId: 'kuban-south', owner: '' });
    expect(custom('kuban-south')).not.toHaveProperty('custom:agromesh_owner');
    const state = await core.handlers.getFarmPolicyAttributes({ farmId: 'kuban-south' });
    expect(state.attributes[2]).toMatchObject({ text: '', have: null, state: 'unset' });
  });

  it('drift from the admin console shows as "will be updated" and is put right on the next tailnet refresh', async () => {
    sim.tailnet.deletePosture('kuban-south', 'custom:agromesh_region');
    sim.tailnet.setPosture('kuban-south', 'custom:agromesh_crop', 'barley');
    const drifted = await core.handlers.getFarmPolicyAttributes({ farmId: 'kuban-south' });
    expect(drifted.attributes.slice(0, 2).map((a) => [a.have, a.state])).toEqual([
      [null, 'will-write'],
      ['barley', 'will-write'],
    ]);
    // Any change the tailnet poll sees (here the node going offline) triggers a reconcile.
    sim.tailnet.setOnline('kuban-south', false);
    await waitFor(
      () =>
        custom('kuban-south')['custom:agromesh_region'] === 'south' &&
        custom('kuban-south')['custom:agromesh_crop'] === 'winter_wheat',
      20_000,
      'the reconcile to rewrite region and crop',
    );
  });

  it('refuses a NUL in the text like any other stored text', async () => {
    await expect(
      core.handlers.updateFarmMetadata({ farmId: 'kuban-south', crop: 'wheat\u0000' }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/VALIDATION|INVALID_INPUT|BAD_REQUEST/) });
    expect(custom('kuban-south')['custom:agromesh_crop']).toBe('winter_wheat');
  });
});

describe('a seat with the local tailscaled alone', () => {
  it('says posture attributes need the Tailscale API and that the registry alone holds them', async () => {
    await waitFor(async () => (await localOnly.handlers.listFarms()).length > 0, 15_000, 'the farm listed');
    const state = await localOnly.handlers.getFarmPolicyAttributes({ farmId: 'kuban-south' });
    expect(state).toMatchObject({ backend: 'localapi', supported: false, checkedAt: null });
    expect(state.unsupportedReason).toMatch(/needs the Tailscale API.*registry alone/);
    expect(state.attributes.every((a) => a.state === 'registry-only')).toBe(true);
  });
});
