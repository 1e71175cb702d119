/**
 * A desktop with the embedded registry on its tailnet address: the onboarding key support creates comes
 * with a command that installs exactly the packages this desktop serves (URL on its tailnet address,
 * their SHA-256; without served packages the command expects the gateway installed: roles.test.ts), and
 * its `/metrics` carries the control room's own series for a tag:monitoring node, and for no one else.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../main/core/app-core.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';
import { DEFAULT_SETTINGS } from '../../protocol/app/settings.ts';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import { type SimTailnetHandle, startSimTailnet } from '../../sim/tailnet/index.ts';
import { startSimCore } from '../support/sim-core.ts';

const dir = mkdtempSync(join(tmpdir(), 'agromesh-onboard-core-'));
const shelf = join(dir, 'packages');
const DEB = Buffer.from('!<arch>\ngateway bytes');
let sim: SimTailnetHandle;
let core: AppCore;
let selfAddress = '';

beforeAll(async () => {
  mkdirSync(shelf);
  writeFileSync(join(shelf, 'agromesh-gateway_1.2.3_arm64.deb'), DEB);
  sim = await startSimTailnet({ dir });
  sim.tailnet.addDevice({ name: 'prometheus', tags: ['tag:monitoring'] });
  sim.tailnet.addDevice({ name: 'visitor', user: 'vic@example.com' });
  ({ core, selfAddress } = await startSimCore({
    sim,
    dir,
    device: {
      name: 'support-desk',
      user: 'sam@example.com',
      capMap: { [AGROMESH_CAPABILITY]: [{ role: 'support' }] },
    },
    core: {
      settings: createMemorySettingsStore({ ...DEFAULT_SETTINGS, registry: { embedded: true } }),
      gatewayPackagesDir: shelf,
    },
  }));
});

afterAll(async () => {
  await core?.dispose();
  await sim?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('onboarding from a desktop with the embedded registry', () => {
  it('installs the packages this desktop serves, pinned by checksum, from its tailnet address', async () => {
    const res = await core.handlers.createFarmAuthKey({ farmName: 'east', expiryHours: 2 });
    expect(res.packageSource).toBe('control-room');
    expect(res.installCommand).toContain(`'http://${selfAddress}:8090/packages/'"$file"`);
    expect(res.installCommand).toContain(
      `arm64) sum=${createHash('sha256').update(DEB).digest('hex')} file='agromesh-gateway_1.2.3_arm64.deb'`,
    );
    expect(res.installCommand).toContain(`--discovery-url 'http://${selfAddress}:8090'`);
    expect(res.installCommand).not.toContain(res.key);
  });
});

describe('the control room on /metrics', () => {
  const scrape = (from: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: sim.tailnet.loopbackOf('support-desk'),
          port: 8090,
          path: '/metrics',
          localAddress: sim.tailnet.loopbackOf(from),
          headers: { host: `${selfAddress}:8090` },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('serves farms by health, alerts, readings and commands with the registry series, to tag:monitoring only', async () => {
    const ok = await scrape('prometheus');
    expect(ok.status).toBe(200);
    for (const health of ['ok', 'degraded', 'stale', 'offline'])
      expect(ok.text).toContain(`agromesh_controlroom_farms{health="${health}"} 0`);
    expect(ok.text).toContain('agromesh_controlroom_alerts{state="firing"} 0');
    expect(ok.text).toMatch(/^agromesh_controlroom_readings_received_total 0$/m);
    expect(ok.text).toContain('agromesh_registry_farms{status="known"}');
    expect((await scrape('visitor')).status).toBe(403);
  });
});
