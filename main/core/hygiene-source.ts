/**
 * Gathers what the fleet-hygiene radar needs from a live tailnet session (devices, auth keys where the
 * backend lists them, the gateways discovery and the registry have heard from) and runs the pure check.
 */
import type { FleetHygiene } from '../../protocol/app/hygiene.ts';
import { type GatewaySeen, fleetHygiene } from './hygiene.ts';
import type { TailnetSession } from './tailnet-session.ts';
import type { AuthKeyInfo, KeyExpiryControl, TailnetAdmin, TailscaleManager } from './tailnet/manager.ts';

export function canListAuthKeys(
  m: TailscaleManager,
): m is TailscaleManager & Pick<TailnetAdmin, 'listAuthKeys' | 'revokeAuthKey'> {
  return 'listAuthKeys' in m && 'revokeAuthKey' in m;
}

export function canDisableKeyExpiry(m: TailscaleManager): m is TailscaleManager & KeyExpiryControl {
  return 'setKeyExpiryDisabled' in m;
}

function gatewaysOf(session: TailnetSession): GatewaySeen[] {
  const seen: GatewaySeen[] = [];
  for (const f of session.discovery.listFarms()) {
    const version = session.discovery.getFarmDetail(f.farmId)?.info?.gatewayVersion;
    if (version) seen.push({ address: f.address, farmId: f.farmId, version });
  }
  // Heartbeats from nodes without tag:farm reach the registry only: that is how such gateways are found.
  for (const r of session.discovery.registryRecords())
    seen.push({ address: r.address, farmId: r.farmId, version: r.gatewayVersion });
  return seen;
}

export async function collectFleetHygiene(
  session: TailnetSession,
  appVersion: string,
  now: number,
): Promise<FleetHygiene> {
  const { manager } = session;
  const devices = await manager.listDevices();
  let authKeys: AuthKeyInfo[] | null = null;
  let authKeysUnavailable: string | undefined;
  if (!canListAuthKeys(manager)) {
    authKeysUnavailable =
      'The local tailscaled cannot list auth keys: store a Tailscale API key or use Headscale to check them.';
  } else {
    try {
      authKeys = await manager.listAuthKeys();
    } catch (err) {
      // e.g. an API key without the auth_keys:read scope: the other checks still run.
      authKeysUnavailable = `Auth keys could not be listed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return fleetHygiene({
    now,
    appVersion,
    backend: manager.kind,
    devices,
    authKeys,
    ...(authKeysUnavailable ? { authKeysUnavailable } : {}),
    gateways: gatewaysOf(session),
    can: {
      retag: manager.capabilities.has('setTags'),
      revokeKey: canListAuthKeys(manager),
      disableKeyExpiry: canDisableKeyExpiry(manager),
    },
  });
}
