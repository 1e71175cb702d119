/**
 * Heartbeat to the registry: a configured URL, or the tailnet peer tagged tag:registry that every node
 * of this tailnet chooses. Off when there is neither a URL nor a LocalAPI to look for the peer with.
 */
import type { ResourceStack } from '../../kit/resources.ts';
import type { Logger } from '../../kit/log.ts';
import type { LocalApiClient } from '../../kit/tailscale/localapi.ts';
import { AGROMESH_VERSION as GATEWAY_VERSION } from '../../kit/version.ts';
import { REGISTRY_HTTP_PORT, type Heartbeat, chooseRegistry } from '../../protocol/discovery-api.ts';
import { REGISTRY_TAG } from '../../protocol/device.ts';
import type { FarmInfo } from '../../protocol/farm-api.ts';
import {
  ipVersion,
  isLoopbackAddress,
  isTailnetAddress,
  isTailnetIPv4,
} from '../../protocol/tailnet-address.ts';
import type { FarmIdentity } from '../farm-identity.ts';
import type { GatewayOptions } from '../gateway.ts';
import type { FarmLayout } from '../layout.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { type HeartbeatLoop, startHeartbeat } from './heartbeat.ts';

/**
 * Bind outgoing heartbeats to our listen address when that makes the registry's who-is see this node:
 * a tailnet address always; a loopback alias (the simulated tailnet) only towards loopback.
 */
export function sourceAddressFor(listenHost: string, url: URL): string | undefined {
  const target = url.hostname.replace(/^\[|\]$/g, '');
  if (isTailnetAddress(listenHost)) return listenHost;
  if (isLoopbackAddress(listenHost) && ipVersion(target) !== 0 && isLoopbackAddress(target))
    return listenHost;
  return undefined;
}

/** The registry every node of this tailnet uses (protocol/discovery-api.ts chooseRegistry), on its port. */
export async function findRegistry(api: LocalApiClient): Promise<string | null> {
  const status = await api.status();
  const ip = chooseRegistry(
    Object.values(status.Peer)
      .filter((peer) => peer.Tags.includes(REGISTRY_TAG))
      .map((peer) => ({
        address: peer.TailscaleIPs.find(isTailnetIPv4) ?? peer.TailscaleIPs[0] ?? '',
        online: peer.Online,
      })),
  );
  return ip ? `http://${ipVersion(ip) === 6 ? `[${ip}]` : ip}:${REGISTRY_HTTP_PORT}` : null;
}

export function startRegistryHeartbeat(
  options: Pick<GatewayOptions, 'discoveryUrl' | 'discoverRegistry' | 'heartbeatIntervalMs'>,
  deps: {
    localApi: LocalApiClient | undefined;
    identity: FarmIdentity;
    layout: FarmLayout;
    info: () => FarmInfo;
    apiPort: number;
    listenHost: string;
    metrics: GatewayMetrics;
    log: Logger;
    stack: ResourceStack;
  },
): HeartbeatLoop | undefined {
  const { localApi, identity, layout, metrics } = deps;
  const discoveryUrl = options.discoveryUrl;
  const discoverRegistry = options.discoverRegistry ?? localApi !== undefined;
  if (!(discoveryUrl || (discoverRegistry && localApi))) return undefined;
  const api = localApi;
  const body = (): Heartbeat => ({
    farmId: identity.farmId,
    name: identity.farmName,
    location: identity.location,
    timeZone: identity.timeZone,
    gatewayVersion: GATEWAY_VERSION,
    apiPort: deps.apiPort,
    sensors: layout.sensors.length,
    actuators: layout.actuators.length,
    capabilities: deps.info().capabilities,
  });
  const heartbeat = startHeartbeat({
    body,
    registryUrl: async () =>
      discoveryUrl ??
      (api
        ? findRegistry(api).catch((err: unknown) => {
            metrics.localApiErrors.inc({ op: 'status' });
            throw err;
          })
        : null),
    onResult: (ok) => metrics.heartbeats.inc({ result: ok ? 'ok' : 'failed' }),
    localAddress: (url) => sourceAddressFor(deps.listenHost, url),
    ...(options.heartbeatIntervalMs ? { intervalMs: options.heartbeatIntervalMs } : {}),
    log: deps.log.child('heartbeat'),
  });
  deps.stack.defer(() => heartbeat.dispose());
  return heartbeat;
}
