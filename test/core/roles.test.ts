/**
 * The app core enforces the tailnet's roles itself, through the same contract handlers the renderer calls:
 * each person's node is a simulated tailnet seat whose who-is grants (or does not grant) the role.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGROMESH_CAPABILITY, type Role } from '../../protocol/identity.ts';
import type { AppCore } from '../../main/core/app-core.ts';
import { type SimTailnetHandle, startSimTailnet } from '../../sim/tailnet/index.ts';
import { startSimCore } from '../support/sim-core.ts';

const dir = mkdtempSync(join(tmpdir(), 'agromesh-roles-'));
let sim: SimTailnetHandle;
const cores = new Map<Role | 'none' | 'northOperator', AppCore>();
let farmDeviceId = '';

async function coreFor(who: Role | 'none' | 'northOperator'): Promise<AppCore> {
  const node = `${who}-pc`;
  const grant = who === 'northOperator' ? { role: 'operator', farms: ['north'] } : { role: who };
  const { core } = await startSimCore({
    sim,
    dir,
    device: {
      name: node,
      user: `${who}@example.com`,
      capMap: who === 'none' ? {} : { [AGROMESH_CAPABILITY]: [grant] },
    },
  });
  return core;
}

beforeAll(async () => {
  sim = await startSimTailnet({ dir });
  farmDeviceId = sim.tailnet.addDevice({ name: 'farm-a', tags: ['tag:farm'] }).stableId;
  for (const who of ['agronomist', 'operator', 'support', 'none', 'northOperator'] as const)
    cores.set(who, await coreFor(who));
});

afterAll(async () => {
  for (const core of cores.values()) await core.dispose();
  await sim.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'allowed',
    (err: { code?: string }) => (err.code === 'FORBIDDEN' ? 'forbidden' : `error ${String(err.code)}`),
  );

describe('roles from the tailnet, enforced by the core', () => {
  it('tells each person what they may do, and why', async () => {
    const me = await cores.get('operator')!.handlers.getMe();
    expect(me).toMatchObject({
      roles: ['operator'],
      canCommand: true,
      canEditTags: false,
      canOnboard: false,
    });
    const nobody = await cores.get('none')!.handlers.getMe();
    expect(nobody.canCommand).toBe(false);
    expect(nobody.explanation).toMatch(/no Agromesh role/);
  });

  it('lets only support edit tags and onboard farms; everyone can list devices', async () => {
    const matrix: Record<string, string[]> = {};
    for (const [who, core] of cores) {
      matrix[who] = [
        await outcome(core.handlers.listDevices({})),
        await outcome(core.handlers.setDeviceTags({ deviceId: farmDeviceId, tags: ['tag:farm'] })),
        await outcome(core.handlers.createFarmAuthKey({ farmName: `farm-${who}`, expiryHours: 1 })),
      ];
    }
    expect(matrix).toEqual({
      agronomist: ['allowed', 'forbidden', 'forbidden'],
      operator: ['allowed', 'forbidden', 'forbidden'],
      support: ['allowed', 'allowed', 'allowed'],
      none: ['allowed', 'forbidden', 'forbidden'],
      northOperator: ['allowed', 'forbidden', 'forbidden'],
    });
  });

  it('refuses commands to everyone but operators before anything is sent', async () => {
    for (const who of ['agronomist', 'support', 'none'] as const) {
      const r = await outcome(
        cores
          .get(who)!
          .handlers.sendCommand({ farmId: 'farm-a', action: 'open', target: 'valve-1', params: {} }),
      );
      expect(r).toBe('forbidden');
    }
  });

  it('lets an operator limited to north command north, and refuses south', async () => {
    const core = cores.get('northOperator')!;
    const me = await core.handlers.getMe();
    expect(me).toMatchObject({ canCommand: true, commandFarms: ['north'] });
    expect(me.explanation).toMatch(/allowed on north only/);
    const send = (farmId: string) =>
      outcome(core.handlers.sendCommand({ farmId, action: 'open', target: 'valve-1', params: {} }));
    expect(await send('south')).toBe('forbidden');
    // north passes the role guard; it then fails only because no farm called north is on this tailnet.
    expect(await send('north')).not.toBe('forbidden');
  });

  it('gives the onboarding key a tag:farm, pre-authorized, and the one install command', async () => {
    const res = await cores
      .get('support')!
      .handlers.createFarmAuthKey({ farmName: 'new-farm', expiryHours: 24 });
    expect(res.key).toMatch(/^tskey-auth-/);
    // The key is asked for at a hidden prompt: never in the command (argv, history), no npx by name.
    expect(res.installCommand).not.toContain(res.key);
    expect(res.installCommand).not.toMatch(/npx|--auth-key /);
    expect(res.installCommand).toContain('read -rs TS_AUTHKEY </dev/tty');
    // No embedded registry here, so nothing to serve: the command expects the package installed.
    expect(res.packageSource).toBe('preinstalled');
    const stored = [...sim.tailnet.keys.values()].find((k) => k.key === res.key);
    expect(stored).toMatchObject({ tags: ['tag:farm'], preauthorized: true, reusable: false });
  });
});
