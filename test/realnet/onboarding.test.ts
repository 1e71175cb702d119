/**
 * Onboarding on the real tailnet: a fresh farm computer (its own namespace, a real tailscaled logged out)
 * runs the onboarding dialog's exact command with the real `tailscale` CLI and a single-use tagged key
 * from the real Headscale. It joins as tag:farm, downloads the .deb from the control room's registry
 * over the real WireGuard tunnel (who-is from the control room's real daemon), checks its SHA-256,
 * installs it into a throw-away dpkg root, and the installed gateway heartbeats to the control room.
 * Only `tailscale set --operator` is skipped: the service user exists inside that root, not here.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardingCommand } from '../../main/core/onboarding.ts';
import { FARM_TAG } from '../../protocol/device.ts';
import type { GatewayPackage } from '../../protocol/discovery-api.ts';
import { buildDeb } from '../../scripts/dist/gateway-deb.ts';
import { newFragment, saveFragment } from '../netbed/report.ts';
import type { HttpAnswer } from '../netbed/scenarios/http.ts';
import { HTTP, REGISTRY, waitFor } from '../netbed/support.ts';
import { type FarmComputer, prepareFarmComputer } from '../support/farm-computer.ts';
import { REGISTRY_PORT, seedPolicy } from './policy.ts';
import { type RealTailnet, createRealTailnet, realTailnetUnavailableReason } from './real-tailnet.ts';

const skip = existsSync('/usr/bin/dpkg') ? realTailnetUnavailableReason() : 'needs dpkg';
const report = newFragment(
  '41-real-onboarding',
  'Onboarding on the real tailnet',
  'realnet: the onboarding command with the real tailscale CLI, real Headscale key, package over the real tunnel',
);

describe.skipIf(skip !== undefined)(
  `onboarding on the real tailnet${skip ? ` — skipped: ${skip}` : ''}`,
  () => {
    let rt: RealTailnet;
    let farm: FarmComputer;
    let registryUrl: string;
    let packages: GatewayPackage[];
    const fromCr = async (url: string): Promise<HttpAnswer> =>
      (await rt.tb.agent('cr')).call<HttpAnswer>(HTTP, 'http', { url, localAddress: rt.node('cr').ipv4 });

    beforeAll(async () => {
      const deb = await buildDeb('amd64');
      rt = await createRealTailnet({
        users: ['ops'],
        // The control room embeds the registry, so it carries tag:registry too (farms may reach :8090).
        nodes: [
          { name: 'cr', tags: ['tag:controlroom', 'tag:registry'] },
          { name: 'newfarm', join: false },
        ],
        policy: seedPolicy(),
      });
      const shelf = join(rt.dir, 'packages');
      mkdirSync(shelf);
      copyFileSync(deb, join(shelf, deb.split('/').at(-1)!));
      const cr = await rt.tb.agent('cr');
      ({ url: registryUrl } = await cr.call<{ url: string }>(REGISTRY, 'startRegistryNode', 'r', {
        host: rt.node('cr').ipv4,
        port: REGISTRY_PORT,
        dbFile: join(rt.dir, 'registry.sqlite'),
        localApiSocket: rt.node('cr').socket,
        packagesDir: shelf,
      }));
      packages = await cr.call<GatewayPackage[]>(REGISTRY, 'registryPackages', 'r');
      const node = await rt.startDaemon('newfarm');
      farm = prepareFarmComputer({
        dir: join(rt.dir, 'newfarm-computer'),
        tailscale: `[ "$1" = set ] && exit 0\nexec "${rt.bins.tailscale}" --socket=${node.socket} "$@"`,
        localApiSocket: node.socket,
        gatewayExtra: '--simulate --heartbeat-interval 1',
      });
    }, 300_000);

    afterAll(async () => {
      farm?.stop();
      await rt?.dispose();
      saveFragment(report);
    });

    it('the pasted command joins with the real CLI, installs the served package, and the farm heartbeats', async () => {
      const key = await rt.authKey({ tags: [FARM_TAG] });
      const { command, packageSource } = onboardingCommand({
        farmName: 'newfarm',
        registryUrl,
        packages,
        loginServer: rt.loginServer,
      });
      expect(packageSource).toBe('control-room');
      const started = Date.now();
      const ran = await rt.tb.exec('newfarm', ['bash', '-c', command], {
        timeoutMs: 180_000,
        env: farm.env(key),
      });
      expect(ran.code, `${ran.stdout}\n${ran.stderr}\n${farm.gatewayLog()}`).toBe(0);
      expect(`${ran.stdout}${ran.stderr}`).not.toContain(key);
      const status = JSON.parse(
        (await rt.tailscale('newfarm', ['status', '--json', '--peers=false'])).stdout,
      ) as {
        Self: { Tags?: string[]; TailscaleIPs: string[] };
      };
      expect(status.Self.Tags).toEqual([FARM_TAG]);
      const address = status.Self.TailscaleIPs.find((a) => a.startsWith('100.'))!;
      expect(farm.installedStatus()).toMatch(/Package: agromesh-gateway\nStatus: install ok installed/);

      const record = await waitFor(
        async () => {
          const farms =
            (
              (await fromCr(`${registryUrl}/api/farms`)).json as {
                farms?: { farmId: string; status: string; address: string }[];
              }
            ).farms ?? [];
          return farms.find((f) => f.farmId === 'newfarm' && f.status === 'online');
        },
        60_000,
        'newfarm online in the control room registry',
        200,
      );
      expect(record.address).toBe(address);
      const info = await fromCr(`http://${address}:8080/api/info`);
      expect(info.json).toMatchObject({ farmId: 'newfarm' });
      report.notes.push(
        `onboarding command on a fresh computer with the real tailscale ${rt.bins.versions.tailscale} CLI: joined, package downloaded over the tunnel and checked, installed, farm online in the registry ${((Date.now() - started) / 1000).toFixed(1)} s after the paste`,
      );
    });
  },
);
