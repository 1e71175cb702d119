/** Tailnet addresses as who-is takes them, and the CallerIdentity a who-is answer gives. */
import type { CallerIdentity } from '../../protocol/identity.ts';
import { ipVersion } from '../../protocol/tailnet-address.ts';
import type { WhoIsResponse } from './localapi-types.ts';

/** `ip`, `ip:port`, `[v6]:port`, bare v6 → the IP; `nodekey:…` → undefined. */
export function hostOfAddress(address: string): string | undefined {
  if (address.startsWith('nodekey:')) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1];
  if (ipVersion(address) !== 0) return address;
  const v4port = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(address);
  if (v4port) return v4port[1];
  return undefined;
}

export function validWhoisAddress(address: string): boolean {
  if (/^nodekey:[0-9a-f]{64}$/i.test(address)) return true;
  const host = hostOfAddress(address);
  return host !== undefined && ipVersion(host) !== 0;
}

/** Short machine name: the first label of a MagicDNS name. */
export function shortName(dnsName: string): string {
  return dnsName.replace(/\.$/, '').split('.')[0] ?? '';
}

/** CallerIdentity from a who-is answer; `address` is the caller's tailnet IP (not a port or loopback alias). */
export function callerIdentityFrom(address: string, res: WhoIsResponse): CallerIdentity {
  const host = hostOfAddress(address);
  const nodeIps = res.Node.Addresses.map((a) => a.split('/')[0] ?? a);
  const family = host === undefined ? 4 : ipVersion(host);
  const tailnetIp =
    (host !== undefined && nodeIps.includes(host) ? host : undefined) ??
    nodeIps.find((ip) => ipVersion(ip) === family) ??
    nodeIps[0] ??
    host ??
    address;
  const tags = res.Node.Tags;
  return {
    address: tailnetIp,
    nodeId: res.Node.StableID,
    nodeName: res.Node.ComputedName || shortName(res.Node.Name) || (res.Node.Hostinfo?.Hostname ?? ''),
    user: tags.length > 0 ? 'tagged-devices' : res.UserProfile.LoginName,
    userDisplayName: res.UserProfile.DisplayName,
    tags,
    capabilities: res.CapMap,
  };
}
