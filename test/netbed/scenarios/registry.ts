/** The discovery registry inside the `registry` namespace (ns-agent), with who-is from its node's LocalAPI. */
import { createLocalApiClient } from '../../../kit/tailscale/localapi.ts';
import { type RegistryHandle, startRegistry } from '../../../registry/server.ts';

const registries = new Map<string, { handle: RegistryHandle; close: () => Promise<void> }>();

export async function startRegistryNode(
  key: string,
  o: {
    host: string;
    port: number;
    dbFile: string;
    localApiSocket: string;
    offlineAfterMs?: number;
    packagesDir?: string;
  },
): Promise<{ url: string }> {
  const localApi = createLocalApiClient({ socketPath: o.localApiSocket });
  const handle = await startRegistry({
    listen: { host: o.host, port: o.port },
    dbFile: o.dbFile,
    resolveIdentity: (address) => localApi.whois(address),
    ...(o.offlineAfterMs ? { offlineAfterMs: o.offlineAfterMs } : {}),
    packagesDir: o.packagesDir,
  });
  registries.set(key, { handle, close: async () => void (await localApi.dispose()) });
  return { url: handle.url };
}

/** The gateway packages a registry node serves (what the onboarding dialog pins in its command). */
export function registryPackages(key: string) {
  const r = registries.get(key);
  if (!r) throw new Error(`no registry ${key}`);
  return r.handle.packages();
}

export async function stopRegistryNode(key: string): Promise<void> {
  const r = registries.get(key);
  registries.delete(key);
  await r?.handle.dispose();
  await r?.close();
}

export function rss(): number {
  return process.memoryUsage().rss;
}
