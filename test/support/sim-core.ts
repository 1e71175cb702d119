/**
 * An app core running as one person's (or one desktop's) node of a simulated tailnet, the way the demo
 * seats run: its own device with the grants given, its own LocalAPI socket, optionally the simulated
 * Tailscale API (support's tag and key operations). One home for the setup the core tests share.
 */
import { join } from 'node:path';
import { silentLogger } from '../../kit/log.ts';
import { type AppCore, type AppCoreOptions, createAppCore } from '../../main/core/app-core.ts';
import { createUnavailableSecretStore } from '../../main/core/settings/secret-store.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';
import type { AddDeviceOptions, SimTailnetHandle } from '../../sim/tailnet/index.ts';

export async function startSimCore(o: {
  sim: SimTailnetHandle;
  dir: string;
  /** The node this core runs on. */
  device: AddDeviceOptions & { name: string };
  /** Use the simulated Tailscale API too (default true). */
  api?: boolean;
  core?: Partial<AppCoreOptions>;
}): Promise<{ core: AppCore; selfAddress: string; socket: string }> {
  const device = o.sim.tailnet.addDevice(o.device);
  const socket = join(o.dir, `${o.device.name}.sock`);
  await o.sim.serveLocalApi(o.device.name, socket);
  const core = await createAppCore({
    host: 'browser',
    version: '1.0.0',
    locale: 'en',
    platform: 'linux',
    dataDir: join(o.dir, o.device.name),
    settings: createMemorySettingsStore(),
    secrets: createUnavailableSecretStore('none'),
    log: silentLogger,
    simulatedTailnet: {
      localApiSocket: socket,
      selfAddress: device.ipv4!,
      ...(o.api === false ? {} : { api: { url: o.sim.apiUrl, apiKey: o.sim.apiKey } }),
    },
    retryMs: 500,
    ...o.core,
  });
  await core.ready;
  return { core, selfAddress: device.ipv4!, socket };
}
