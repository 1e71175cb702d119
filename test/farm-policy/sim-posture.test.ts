/**
 * The simulated Tailscale API's posture attribute endpoints answer as REFERENCE.md §2.3 says the real one
 * does (POST/DELETE /api/v2/device/{id}/attributes/{key}), and the API v2 backend's set/delete go through
 * them: `custom:` keys of ≤50 [A-Za-z0-9_:], string values of ≤50 [A-Za-z0-9_.], safe integers, booleans,
 * a key's type fixed tailnet-wide, and the posture scope needed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiV2Manager } from '../../main/core/tailnet/api-v2-backend.ts';
import { startSimTailnet, type SimTailnetHandle } from '../../sim/tailnet/index.ts';
import { tempDir } from '../tailnet/helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let sim: SimTailnetHandle;
let id = '';

beforeEach(async () => {
  tmp = tempDir('agromesh-sim-posture-');
  sim = await startSimTailnet({ dir: tmp.dir, seed: 3 });
  id = sim.tailnet.addDevice({ name: 'kuban-south', tags: ['tag:farm'] }).stableId;
});
afterEach(async () => {
  await sim.dispose();
  tmp.cleanup();
});

async function call(method: 'POST' | 'DELETE', key: string, body?: unknown, token = sim.apiKey) {
  const res = await fetch(`${sim.apiUrl}/api/v2/device/${id}/attributes/${encodeURIComponent(key)}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as { message?: string } };
}

describe('simulated POST/DELETE /device/{id}/attributes/{key}', () => {
  it('stores a valid value, answers {} and deletes it again', async () => {
    expect(await call('POST', 'custom:agromesh_region', { value: 'south' })).toEqual({
      status: 200,
      body: {},
    });
    expect(sim.tailnet.device(id)!.posture).toEqual({ 'custom:agromesh_region': 'south' });
    expect(await call('DELETE', 'custom:agromesh_region')).toEqual({ status: 200, body: {} });
    expect(sim.tailnet.device(id)!.posture).toEqual({});
    // Deleting what is not there is not an error (the sync relies on it after a lost answer).
    expect((await call('DELETE', 'custom:agromesh_region')).status).toBe(200);
  });

  it.each([
    ['a node: key', 'node:os', { value: 'linux' }],
    ['a key without custom:', 'agromesh_region', { value: 'south' }],
    ['a key with a dash', 'custom:agromesh-region', { value: 'south' }],
    ['a key over 50 characters', `custom:${'k'.repeat(44)}`, { value: 'south' }],
    ['a value with a dash', 'custom:agromesh_region', { value: 'south-east' }],
    ['a value over 50 characters', 'custom:agromesh_region', { value: 's'.repeat(51) }],
    ['a fractional number', 'custom:agromesh_score', { value: 1.5 }],
    ['no value', 'custom:agromesh_region', {}],
  ])('refuses %s with 400 and a message', async (_what, key, body) => {
    const r = await call('POST', key, body);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/invalid attribute (key|value)/);
  });

  it('fixes a key’s type tailnet-wide once written', async () => {
    const other = sim.tailnet.addDevice({ name: 'don-east', tags: ['tag:farm'] }).stableId;
    expect((await call('POST', 'custom:agromesh_score', { value: 3 })).status).toBe(200);
    id = other;
    const r = await call('POST', 'custom:agromesh_score', { value: 'three' });
    expect(r).toMatchObject({
      status: 400,
      body: { message: 'attribute "custom:agromesh_score" has type number, not string' },
    });
  });

  it('DELETE refuses a key that is not custom:', async () => {
    expect((await call('DELETE', 'node:os')).status).toBe(400);
  });
});

describe('API v2 backend deletePosture', () => {
  it('removes the attribute, checks the key first, and reads back without it', async () => {
    const m = createApiV2Manager({ apiUrl: sim.apiUrl, apiKey: sim.apiKey, sleep: async () => {} });
    try {
      await m.setPosture(id, 'custom:agromesh_crop', 'wheat');
      expect((await m.getPosture(id))['custom:agromesh_crop']).toBe('wheat');
      await m.deletePosture(id, 'custom:agromesh_crop');
      expect((await m.getPosture(id))['custom:agromesh_crop']).toBeUndefined();
      const before = sim.tailnet.requests.length;
      await expect(m.deletePosture(id, 'node:os')).rejects.toMatchObject({ code: 'VALIDATION' });
      expect(sim.tailnet.requests.length).toBe(before);
    } finally {
      await m.dispose();
    }
  });
});
