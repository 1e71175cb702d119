/**
 * Every backend's device shape → the one TailnetDevice. Rules shared by all: DNS names without the
 * trailing dot, addresses split by family (prefix lengths dropped), tagged devices owned by
 * `tagged-devices`, Go's zero time and "" mean "unknown" (null).
 */
import type { ConnectionPath, TailnetBackendKind, TailnetDevice } from '../../../protocol/device.ts';
import { ipVersion } from '../../../protocol/tailnet-address.ts';
import { int64String } from '../../../kit/tailscale/lossless-json.ts';
import {
  type PeerChange,
  type PeerStatus,
  type Status,
  type TailcfgNode,
  type UserProfile,
  timeOrNull,
} from '../../../kit/tailscale/localapi-types.ts';
import { shortName } from '../../../kit/tailscale/localapi.ts';
import type { ApiDevice, HeadscaleNode } from './schemas.ts';

export const TAGGED_OWNER = 'tagged-devices';

export function splitAddresses(list: string[]): { ipv4: string[]; ipv6: string[] } {
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  for (const raw of list) {
    const ip = raw.split('/')[0] ?? raw;
    const v = ipVersion(ip);
    if (v === 4) ipv4.push(ip);
    else if (v === 6) ipv6.push(ip);
  }
  return { ipv4, ipv6 };
}

const stripDot = (name: string) => name.replace(/\.$/, '');

// ---- LocalAPI --------------------------------------------------------------------------------------

/**
 * The path as tailscaled reports it: a current UDP address is direct; otherwise traffic, if any, goes
 * through the peer's home DERP region. `Relay` is filled for idle peers too (real tailscaled), so only
 * an active peer without a direct address counts as relayed; an idle one is unknown.
 */
function peerConnection(peer: PeerStatus): ConnectionPath {
  if (peer.CurAddr !== '') return { kind: 'direct', endpoint: peer.CurAddr };
  if (peer.Relay !== '' && peer.Active) return { kind: 'relay', region: peer.Relay };
  return { kind: 'unknown' };
}

export function fromPeerStatus(
  peer: PeerStatus,
  users: Record<string, UserProfile>,
  options: { self?: Status } = {},
): TailnetDevice {
  const dnsName = stripDot(peer.DNSName);
  const keyExpiry = timeOrNull(peer.KeyExpiry);
  const self = options.self;
  return {
    id: peer.ID,
    name: shortName(dnsName) || peer.HostName,
    dnsName,
    hostname: peer.HostName,
    ...splitAddresses(peer.TailscaleIPs),
    tags: [...peer.Tags],
    os: peer.OS,
    online: peer.Online,
    lastSeen: peer.Online ? null : timeOrNull(peer.LastSeen),
    keyExpiry,
    keyExpiryDisabled: keyExpiry === null,
    clientVersion: self ? (self.Version.split('-')[0] ?? '') : '',
    updateAvailable: self ? self.ClientVersion?.RunningLatest === false : false,
    authorized: self ? self.BackendState !== 'NeedsMachineAuth' : true,
    owner: peer.Tags.length > 0 ? TAGGED_OWNER : (users[int64String(peer.UserID)]?.LoginName ?? ''),
    connection: self ? { kind: 'unknown' } : peerConnection(peer),
    source: 'localapi',
  };
}

/** All devices in a status: this node first, then its peers. */
export function devicesFromStatus(status: Status): TailnetDevice[] {
  const out: TailnetDevice[] = [];
  if (status.Self) out.push(fromPeerStatus(status.Self, status.User, { self: status }));
  for (const peer of Object.values(status.Peer)) out.push(fromPeerStatus(peer, status.User));
  return out;
}

/** A PeersChanged / SelfChange node; keeps the previous connection path (nodes do not carry it). */
export function fromTailcfgNode(
  node: TailcfgNode,
  users: ReadonlyMap<string, UserProfile>,
  previous?: TailnetDevice,
): TailnetDevice {
  const dnsName = stripDot(node.Name);
  const keyExpiry = timeOrNull(node.KeyExpiry);
  const online = node.Online ?? false;
  return {
    id: node.StableID,
    name: node.ComputedName || shortName(dnsName) || (node.Hostinfo?.Hostname ?? ''),
    dnsName,
    hostname: node.Hostinfo?.Hostname ?? previous?.hostname ?? shortName(dnsName),
    ...splitAddresses(node.Addresses),
    tags: [...node.Tags],
    os: node.Hostinfo?.OS ?? previous?.os ?? '',
    online,
    lastSeen: online ? null : timeOrNull(node.LastSeen),
    keyExpiry,
    keyExpiryDisabled: keyExpiry === null,
    clientVersion: previous?.clientVersion ?? '',
    updateAvailable: previous?.updateAvailable ?? false,
    authorized: node.MachineAuthorized || (previous?.authorized ?? true),
    owner:
      node.Tags.length > 0
        ? TAGGED_OWNER
        : (users.get(int64String(node.User))?.LoginName ?? previous?.owner ?? ''),
    connection: previous?.connection ?? { kind: 'unknown' },
    source: 'localapi',
  };
}

/**
 * A PeerChangedPatch applied to a device. Real Headscale (0.29) sends an offline transition as
 * `{NodeID, Online: false}` with no LastSeen, so the moment the daemon told us stands in for it.
 */
export function applyPeerChange(
  device: TailnetDevice,
  change: PeerChange,
  now: () => number = Date.now,
): TailnetDevice {
  const next = { ...device };
  if (typeof change.Online === 'boolean') {
    next.online = change.Online;
    if (change.Online) next.lastSeen = null;
    else if (device.online) next.lastSeen = new Date(now()).toISOString();
  }
  if (change.LastSeen !== undefined && change.LastSeen !== null && !next.online)
    next.lastSeen = timeOrNull(change.LastSeen) ?? next.lastSeen;
  if (change.KeyExpiry !== undefined && change.KeyExpiry !== null) {
    next.keyExpiry = timeOrNull(change.KeyExpiry);
    next.keyExpiryDisabled = next.keyExpiry === null;
  }
  if (change.Endpoints && change.Endpoints.length > 0 && next.connection.kind === 'direct') {
    next.connection = { kind: 'direct', endpoint: change.Endpoints[0]! };
  }
  return next;
}

// ---- Tailscale API v2 ------------------------------------------------------------------------------

/** Without connectedToControl (older API answers), a device seen in the last 5 minutes counts as online. */
const ONLINE_WINDOW_MS = 5 * 60_000;

export function fromApiDevice(d: ApiDevice, now: number): TailnetDevice {
  const dnsName = stripDot(d.name);
  const lastSeen = timeOrNull(d.lastSeen);
  const online =
    d.connectedToControl ??
    (lastSeen !== null &&
      Number.isFinite(Date.parse(lastSeen)) &&
      now - Date.parse(lastSeen) < ONLINE_WINDOW_MS);
  const keyExpiry = d.keyExpiryDisabled ? null : timeOrNull(d.expires);
  return {
    id: d.nodeId || d.id || '',
    name: shortName(dnsName) || d.hostname,
    dnsName,
    hostname: d.hostname,
    ...splitAddresses(d.addresses),
    tags: [...d.tags],
    os: d.os,
    online,
    lastSeen: online ? null : lastSeen,
    keyExpiry,
    keyExpiryDisabled: d.keyExpiryDisabled,
    clientVersion: d.clientVersion,
    updateAvailable: d.updateAvailable,
    authorized: d.authorized,
    owner: d.tags.length > 0 ? TAGGED_OWNER : d.user,
    connection: { kind: 'unknown' },
    source: 'api-v2',
  };
}

// ---- Headscale -------------------------------------------------------------------------------------

export function headscaleTags(n: HeadscaleNode): string[] {
  if (n.tags !== undefined && n.tags !== null) return [...n.tags];
  return [...new Set([...n.forcedTags, ...n.validTags])];
}

export function fromHeadscaleNode(n: HeadscaleNode, options: { baseDomain?: string } = {}): TailnetDevice {
  const name = n.givenName || n.name;
  const tags = headscaleTags(n);
  const expiry = timeOrNull(n.expiry);
  return {
    id: n.id,
    name,
    dnsName: options.baseDomain ? `${name}.${options.baseDomain.replace(/^\.|\.$/g, '')}` : '',
    hostname: n.name,
    ...splitAddresses(n.ipAddresses),
    tags,
    os: '',
    online: n.online,
    lastSeen: n.online ? null : timeOrNull(n.lastSeen),
    keyExpiry: expiry,
    keyExpiryDisabled: expiry === null,
    clientVersion: '',
    updateAvailable: false,
    authorized: true,
    owner: tags.length > 0 ? TAGGED_OWNER : n.user?.email || n.user?.name || '',
    connection: { kind: 'unknown' },
    source: 'headscale' satisfies TailnetBackendKind,
  };
}

// ---- shared ----------------------------------------------------------------------------------------

/** Drop repeated ids (a control plane listing a device twice), keeping the first; returns the dropped ids. */
export function dedupeById(devices: TailnetDevice[]): { devices: TailnetDevice[]; duplicates: string[] } {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const out: TailnetDevice[] = [];
  for (const d of devices) {
    if (seen.has(d.id)) {
      duplicates.push(d.id);
      continue;
    }
    seen.add(d.id);
    out.push(d);
  }
  return { devices: out, duplicates };
}

export function filterByTag(devices: TailnetDevice[], tag: string | undefined): TailnetDevice[] {
  return tag === undefined ? devices : devices.filter((d) => d.tags.includes(tag));
}

/** Match a device by short name, MagicDNS name, hostname (case-insensitive) or one of its addresses. */
export function matchDevice(devices: TailnetDevice[], ref: string): TailnetDevice | undefined {
  const want = stripDot(ref.trim()).toLowerCase();
  return (
    devices.find((d) => d.id === ref) ??
    devices.find((d) => d.name.toLowerCase() === want || d.dnsName.toLowerCase() === want) ??
    devices.find((d) => d.hostname.toLowerCase() === want) ??
    devices.find((d) => d.ipv4.includes(want) || d.ipv6.includes(want))
  );
}
