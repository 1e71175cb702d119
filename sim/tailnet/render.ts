/**
 * Wire shapes of simulated devices, field by field as the real servers send them (see REFERENCE.md and
 * the fixtures): LocalAPI PeerStatus / tailcfg.Node (Go key names, int64 as bare numbers), Tailscale
 * API v2 Device, Headscale v1Node (protojson: camelCase, uint64 as strings, every field present).
 */
import { rawInt64 } from '../../kit/tailscale/lossless-json.ts';
import type { SimDevice, SimTailnet, SimUser } from './model.ts';

const ZERO = '0001-01-01T00:00:00Z';

function addressesOf(d: SimDevice): string[] {
  return d.ipv4 === null ? [d.ipv6] : [d.ipv4, d.ipv6];
}

function prefixesOf(d: SimDevice): string[] {
  return addressesOf(d).map((ip) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`));
}

function fqdn(t: SimTailnet, d: SimDevice): string {
  return `${d.name}.${t.domain}`;
}

export function userProfileJson(u: SimUser): Record<string, unknown> {
  return { ID: rawInt64(u.id), LoginName: u.loginName, DisplayName: u.displayName };
}

/** ipnstate.PeerStatus (also used for Self). */
export function peerStatusJson(
  t: SimTailnet,
  d: SimDevice,
  options: { self?: boolean } = {},
): Record<string, unknown> {
  const owner = t.ownerOf(d);
  const direct = d.connection.kind === 'direct' && !options.self;
  const out: Record<string, unknown> = {
    ID: d.stableId,
    NodeID: rawInt64(d.nodeId),
    PublicKey: d.nodeKey,
    HostName: d.hostname,
    DNSName: `${fqdn(t, d)}.`,
    OS: d.os,
    UserID: rawInt64(owner.id),
    TailscaleIPs: addressesOf(d),
    AllowedIPs: prefixesOf(d),
  };
  if (d.tags.length > 0) out.Tags = [...d.tags];
  Object.assign(out, {
    Addrs: d.connection.kind === 'direct' ? [d.connection.endpoint] : null,
    CurAddr: direct && d.connection.kind === 'direct' ? d.connection.endpoint : '',
    Relay: d.connection.kind === 'relay' ? d.connection.region : 'fra',
    PeerRelay: '',
    RxBytes: d.rxBytes,
    TxBytes: d.txBytes,
    Created: d.created === '' ? ZERO : d.created,
    LastWrite: ZERO,
    LastSeen: d.online ? ZERO : (d.lastSeen ?? ZERO),
    LastHandshake: d.online && !options.self ? new Date(t.now()).toISOString() : ZERO,
    Online: d.online,
    ExitNode: false,
    ExitNodeOption: false,
    Active: d.online && !options.self,
    PeerAPIURL: d.ipv4 === null ? [] : [`http://${d.ipv4}:41641`],
    TaildropTarget: d.online ? 1 : 5,
    NoFileSharingReason: '',
  });
  if (options.self) out.CapMap = { 'https://tailscale.com/cap/file-sharing': null };
  Object.assign(out, { InNetworkMap: true, InMagicSock: !options.self, InEngine: d.online && !options.self });
  if (!d.keyExpiryDisabled && d.keyExpiry) out.KeyExpiry = d.keyExpiry;
  return out;
}

/** ipnstate.Status as seen from `self`. */
export function statusJson(
  t: SimTailnet,
  self: SimDevice,
  options: { peers: boolean; version: string },
): Record<string, unknown> {
  const devices = t.devices();
  const users = new Map<string, SimUser>();
  for (const d of devices) {
    const u = t.ownerOf(d);
    users.set(u.id, u);
  }
  const peers: Record<string, unknown> = {};
  if (options.peers)
    for (const d of devices) if (d.stableId !== self.stableId) peers[d.nodeKey] = peerStatusJson(t, d);
  return {
    Version: options.version,
    TUN: true,
    BackendState: 'Running',
    HaveNodeKey: true,
    AuthURL: '',
    TailscaleIPs: addressesOf(self),
    Self: peerStatusJson(t, self, { self: true }),
    Health: [],
    MagicDNSSuffix: t.domain,
    CurrentTailnet: { Name: t.tailnetName, MagicDNSSuffix: t.domain, MagicDNSEnabled: true },
    CertDomains: [fqdn(t, self)],
    ExtraRecords: null,
    ...(options.peers ? { Peer: peers } : {}),
    User: Object.fromEntries([...users.values()].map((u) => [u.id, userProfileJson(u)])),
    ClientVersion: self.updateAvailable
      ? { RunningLatest: false, LatestVersion: '1.104.0' }
      : { RunningLatest: true },
  };
}

/** tailcfg.Node (who-is Node, PeersChanged entries). */
export function tailcfgNodeJson(t: SimTailnet, d: SimDevice): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ID: rawInt64(d.nodeId),
    StableID: d.stableId,
    Name: `${fqdn(t, d)}.`,
    User: rawInt64(t.ownerOf(d).id),
    Key: d.nodeKey,
  };
  if (d.keyExpiry && !d.keyExpiryDisabled) out.KeyExpiry = d.keyExpiry;
  Object.assign(out, {
    Machine: d.machineKey,
    DiscoKey: d.discoKey,
    Addresses: prefixesOf(d),
    AllowedIPs: prefixesOf(d),
  });
  // Real tailscaled always sends Endpoints (empty when none is known).
  out.Endpoints = d.connection.kind === 'direct' ? [d.connection.endpoint] : [];
  Object.assign(out, {
    HomeDERP: 4,
    Hostinfo: {
      IPNVersion: d.clientVersion,
      OS: d.os,
      OSVersion: d.os === 'linux' ? '6.1.0' : '',
      Hostname: d.hostname,
      Userspace: false,
      UserspaceRouter: false,
      AppConnector: false,
      StateEncrypted: false,
    },
  });
  if (d.created !== '') out.Created = d.created;
  out.Cap = 145;
  if (d.tags.length > 0) out.Tags = [...d.tags];
  // Real control servers send LastSeen for online peers too (the last time control heard from them).
  const lastSeen = d.lastSeen ?? (d.created !== '' ? d.created : undefined);
  if (lastSeen) out.LastSeen = lastSeen;
  out.Online = d.online;
  out.MachineAuthorized = d.authorized;
  out.Expired =
    !d.keyExpiryDisabled && d.keyExpiry !== null && d.keyExpiry !== '' && Date.parse(d.keyExpiry) < t.now();
  out.ComputedName = d.name;
  out.ComputedNameWithHost = d.name;
  return out;
}

export function whoisJson(t: SimTailnet, d: SimDevice): Record<string, unknown> {
  return { Node: tailcfgNodeJson(t, d), UserProfile: userProfileJson(t.ownerOf(d)), CapMap: { ...d.capMap } };
}

/** Tailscale API v2 Device. `all` adds routes and connectivity; `single` adds postureIdentity. */
export function apiDeviceJson(
  t: SimTailnet,
  d: SimDevice,
  options: { all: boolean; single: boolean },
): Record<string, unknown> {
  const registrant = t.user(d.userId);
  const out: Record<string, unknown> = {
    addresses: addressesOf(d),
    id: d.legacyId,
    nodeId: d.stableId,
    user: registrant?.loginName ?? '',
    name: fqdn(t, d),
    hostname: d.hostname,
    clientVersion: d.clientVersion,
    updateAvailable: d.updateAvailable,
    os: d.os,
    created: d.created,
    lastSeen: d.online ? new Date(t.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') : (d.lastSeen ?? ''),
    connectedToControl: d.online,
    keyExpiryDisabled: d.keyExpiryDisabled,
    expires: d.keyExpiry ?? ZERO,
    authorized: d.authorized,
    isExternal: false,
    isEphemeral: d.ephemeral,
    machineKey: d.machineKey,
    nodeKey: d.nodeKey,
    blocksIncomingConnections: false,
  };
  if (options.all) {
    Object.assign(out, {
      enabledRoutes: [],
      advertisedRoutes: [],
      clientConnectivity: {
        endpoints: d.connection.kind === 'direct' ? [d.connection.endpoint] : [],
        mappingVariesByDestIP: false,
        latency: { Frankfurt: { preferred: true, latencyMs: 12.5 } },
        clientSupports: { hairPinning: false, ipv6: true, pcp: false, pmp: false, udp: true, upnp: false },
      },
    });
  }
  if (d.tags.length > 0) out.tags = [...d.tags];
  out.tailnetLockError = '';
  out.tailnetLockKey = `tlpub:${d.nodeKey.slice(8, 40)}`;
  if (options.all && options.single) out.postureIdentity = { disabled: true };
  return out;
}

export function headscaleUserJson(u: SimUser): Record<string, unknown> {
  return {
    id: u.headscaleId,
    name: u.loginName.split('@')[0],
    createdAt: u.created,
    displayName: u.loginName === 'tagged-devices' ? u.displayName : '',
    email: u.loginName.includes('@') ? u.loginName : '',
    providerId: '',
    provider: '',
    profilePicUrl: '',
  };
}

/** Headscale v1Node; `legacy` renders v0.27's forcedTags/invalidTags/validTags instead of `tags`. */
export function headscaleNodeJson(
  t: SimTailnet,
  d: SimDevice,
  options: { legacy: boolean },
): Record<string, unknown> {
  const owner = t.ownerOf(d);
  const out: Record<string, unknown> = {
    id: d.headscaleId,
    machineKey: d.machineKey,
    nodeKey: d.nodeKey,
    discoKey: d.discoKey,
    ipAddresses: addressesOf(d),
    name: d.hostname,
    user: headscaleUserJson(options.legacy && d.tags.length > 0 ? (t.user(d.userId) ?? owner) : owner),
    lastSeen: d.online ? new Date(t.now()).toISOString() : d.lastSeen,
    expiry: d.keyExpiryDisabled ? null : d.keyExpiry,
    preAuthKey: null,
    createdAt: d.created === '' ? null : d.created,
    registerMethod: d.tags.length > 0 ? 'REGISTER_METHOD_AUTH_KEY' : 'REGISTER_METHOD_CLI',
  };
  if (options.legacy) {
    Object.assign(out, { forcedTags: [...d.tags], invalidTags: [], validTags: [] });
  }
  Object.assign(out, {
    givenName: d.name,
    online: d.online,
    approvedRoutes: [],
    availableRoutes: [],
    subnetRoutes: [],
  });
  if (!options.legacy) out.tags = [...d.tags];
  return out;
}
