/**
 * End to end inside the core: an app core on a simulated tailnet seat samples its farms, the samples land in
 * `farms.sqlite` beside the reading cache, and come back through the `getFarmLink` operation (dispatched
 * as the IPC and browser-host bridges do, input validated).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../main/core/app-core.ts';
import { dispatch } from '../../main/core/rpc/dispatch.ts';
import { FarmLink } from '../../protocol/app/index.ts';
import { type SimTailnetHandle, startSimTailnet } from '../../sim/tailnet/index.ts';
import { startSimCore } from '../support/sim-core.ts';
import { waitFor } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'agromesh-corelink-'));
let sim: SimTailnetHandle;
let core: AppCore;

beforeAll(async () => {
  sim = await startSimTailnet({ dir });
  sim.tailnet.addDevice({
    name: 'farm-relayed',
    tags: ['tag:farm'],
    connection: { kind: 'relay', region: 'waw' },
  });
  ({ core } = await startSimCore({
    sim,
    dir,
    device: { name: 'office-pc' },
    api: false,
    core: { linkTuning: { intervalMs: 100, pingEveryMs: 150, pingTimeoutMs: 1_000 } },
  }));
});

afterAll(async () => {
  await core?.dispose();
  await sim.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const farmLink = async (input: unknown) => {
  const env = await dispatch(core.handlers, 'getFarmLink', input);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return FarmLink.parse(env.value);
};

describe('getFarmLink', () => {
  it('returns the samples the core took, stored in farms.sqlite, with their summary', async () => {
    const farms = await waitFor(async () => {
      const list = await core.handlers.listFarms();
      return list.length > 0 && list;
    });
    const farmId = farms[0]!.farmId;
    const to = () => Date.now() + 1_000;
    const link = await waitFor(
      async () => {
        const l = await farmLink({ farmId, from: Date.now() - 60_000, to: to() });
        return l.samples.filter((s) => s.rttMs !== null).length >= 2 && l;
      },
      10_000,
      'two pinged samples',
    );
    expect(link.source).toEqual({ kind: 'localapi', problem: null });
    expect(link.samples.every((s) => s.kind === 'relayed' && s.region === 'waw')).toBe(true);
    expect(link.summary.relayedMs).toBeGreaterThan(0);
    expect(link.summary.medianRttMs).toBeGreaterThan(50);
    expect(link.summary.regions).toEqual(['waw']);

    // The same rows are in the cache's file, in their own component.
    const db = new DatabaseSync(join(dir, 'office-pc', 'farms.sqlite'), { readOnly: true });
    const rows = db
      .prepare(
        'SELECT COUNT(*) AS n FROM link_samples JOIN link_farms ON link_farms.id = link_samples.farm WHERE farm_id = ?',
      )
      .get(farmId) as { n: number };
    const version = db
      .prepare("SELECT version FROM component_versions WHERE component = 'link-quality'")
      .get();
    db.close();
    expect(rows.n).toBeGreaterThanOrEqual(link.samples.length);
    expect(version).toEqual({ version: 1 });
  });

  it('refuses a reversed window at the edge', async () => {
    await expect(farmLink({ farmId: 'x', from: 10, to: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
