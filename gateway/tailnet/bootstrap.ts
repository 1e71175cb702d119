/**
 * The gateway's first steps on the tailnet: a LocalAPI client when anything needs one (who-is, joining,
 * our own addresses, finding the registry), joining with the auth key if the daemon is not up, then our
 * own addresses and names — the listen address defaults to our tailnet IPv4, and grants may name the
 * farm by its machine name.
 */
import { hostname as osHostname } from 'node:os';
import type { ResourceStack } from '../../kit/resources.ts';
import type { Logger } from '../../kit/log.ts';
import { type LocalApiClient, createLocalApiClient, shortName } from '../../kit/tailscale/localapi.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import { isTailnetIPv4 } from '../../protocol/tailnet-address.ts';
import { ensureJoined } from './join.ts';

export interface BootstrapInput {
  explicitHost: string | undefined;
  needLocalApi: boolean;
  localApi?: LocalApiClient | undefined;
  localApiSocket?: string | undefined;
  farmId?: string | undefined;
  tailnet?:
    { authKey: string; hostname?: string; tailscaleBin?: string; loginServer?: string } | null | undefined;
}

export interface TailnetSelf {
  localApi: LocalApiClient | undefined;
  /** The tailnet hostname we join under (a DNS label). */
  hostName: string;
  addresses: string[];
  name: string | undefined;
  dnsName: string | undefined;
  /** Where to listen: the given host, else our tailnet IPv4. */
  host: string;
}

export function dnsLabel(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return s === '' ? 'farm' : s;
}

export async function bootstrapTailnet(
  o: BootstrapInput,
  log: Logger,
  stack: ResourceStack,
): Promise<TailnetSelf> {
  let localApi = o.localApi;
  if (!localApi && (o.needLocalApi || o.tailnet || o.explicitHost === undefined || o.localApiSocket)) {
    const client = createLocalApiClient({
      ...(o.localApiSocket ? { socketPath: o.localApiSocket } : {}),
      logger: log.child('localapi'),
    });
    localApi = client;
    stack.defer(() => client.dispose());
  }

  const hostName = dnsLabel(o.tailnet?.hostname ?? o.farmId ?? osHostname());
  if (o.tailnet) {
    const api = localApi!;
    await ensureJoined({
      authKey: o.tailnet.authKey,
      hostname: hostName,
      tailscaleBin: o.tailnet.tailscaleBin ?? 'tailscale',
      loginServer: o.tailnet.loginServer,
      socketPath: o.localApiSocket,
      backendState: async () => (await api.status({ peers: false })).BackendState,
      log: log.child('tailnet'),
    });
  }

  let addresses: string[] = [];
  let name: string | undefined;
  let dnsName: string | undefined;
  if (localApi) {
    try {
      const status = await localApi.status({ peers: false });
      addresses = status.TailscaleIPs;
      name = status.Self ? shortName(status.Self.DNSName) || status.Self.HostName || undefined : undefined;
      dnsName = status.Self?.DNSName.replace(/\.$/, '') || undefined;
    } catch (err) {
      if (o.explicitHost === undefined) throw err;
      log.warn('cannot read the tailnet status; continuing on the given listen address', { err });
    }
  }
  const host = o.explicitHost ?? addresses.find(isTailnetIPv4) ?? addresses[0];
  if (!host)
    throw new AgromeshError(
      'LOCALAPI_UNAVAILABLE',
      'This node has no tailnet address yet; join the tailnet or pass --listen.',
    );
  return { localApi, hostName, addresses, name, dnsName, host };
}
