/**
 * LocalAPI payload schemas (ipnstate.Status, tailcfg.Node, apitype.WhoIsResponse, ipn.Notify), field names
 * exactly as Go sends them. Loose objects: unknown fields are kept, absent omitempty fields get defaults.
 * Int64 fields arrive through parseLosslessJson, so they are numbers or (above 2^53) decimal strings.
 */
import { z } from 'zod';

export const Int64 = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]);
const strings = () =>
  z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []);
const CapMap = z.record(z.string(), z.array(z.unknown()).nullable());

export const UserProfile = z.looseObject({
  ID: Int64,
  LoginName: z.string().default(''),
  DisplayName: z.string().default(''),
  ProfilePicURL: z.string().optional(),
});
export type UserProfile = z.infer<typeof UserProfile>;

export const PeerStatus = z.looseObject({
  ID: z.string(),
  NodeID: Int64.optional(),
  PublicKey: z.string().default(''),
  HostName: z.string().default(''),
  DNSName: z.string().default(''),
  OS: z.string().default(''),
  UserID: Int64.default(0),
  AltSharerUserID: Int64.optional(),
  TailscaleIPs: strings(),
  AllowedIPs: strings(),
  PrimaryRoutes: strings(),
  /** Omitted when the peer is untagged. */
  Tags: strings(),
  Addrs: strings(),
  CurAddr: z.string().default(''),
  Relay: z.string().default(''),
  PeerRelay: z.string().default(''),
  RxBytes: Int64.default(0),
  TxBytes: Int64.default(0),
  Created: z.string().optional(),
  LastWrite: z.string().optional(),
  LastSeen: z.string().optional(),
  LastHandshake: z.string().optional(),
  KeyExpiry: z.string().optional(),
  Online: z.boolean().default(false),
  Active: z.boolean().default(false),
  ExitNode: z.boolean().default(false),
  ExitNodeOption: z.boolean().default(false),
  Expired: z.boolean().default(false),
  ShareeNode: z.boolean().default(false),
  CapMap: CapMap.nullish(),
});
export type PeerStatus = z.infer<typeof PeerStatus>;

export const Status = z.looseObject({
  Version: z.string(),
  TUN: z.boolean().optional(),
  BackendState: z.string(),
  AuthURL: z.string().optional(),
  TailscaleIPs: strings(),
  Self: PeerStatus.nullish(),
  Health: strings(),
  MagicDNSSuffix: z.string().optional(),
  CurrentTailnet: z
    .looseObject({ Name: z.string(), MagicDNSSuffix: z.string(), MagicDNSEnabled: z.boolean() })
    .nullish(),
  CertDomains: strings(),
  Peer: z
    .record(z.string(), PeerStatus)
    .nullish()
    .transform((v) => v ?? {}),
  User: z
    .record(z.string(), UserProfile)
    .nullish()
    .transform((v) => v ?? {}),
  ClientVersion: z
    .looseObject({
      RunningLatest: z.boolean().optional(),
      LatestVersion: z.string().optional(),
      UrgentSecurityUpdate: z.boolean().optional(),
    })
    .nullish(),
});
export type Status = z.infer<typeof Status>;

/** tailcfg.Node: omitzero fields, so absent means zero. */
export const TailcfgNode = z.looseObject({
  ID: Int64,
  StableID: z.string(),
  Name: z.string().default(''),
  User: Int64.default(0),
  Sharer: Int64.optional(),
  Key: z.string().default(''),
  KeyExpiry: z.string().optional(),
  Addresses: strings(),
  AllowedIPs: strings(),
  Endpoints: strings(),
  HomeDERP: z.number().int().optional(),
  Hostinfo: z
    .looseObject({
      OS: z.string().optional(),
      Hostname: z.string().optional(),
      IPNVersion: z.string().optional(),
    })
    .nullish(),
  Created: z.string().optional(),
  Tags: strings(),
  LastSeen: z.string().nullish(),
  Online: z.boolean().nullish(),
  MachineAuthorized: z.boolean().default(false),
  CapMap: CapMap.nullish(),
  ComputedName: z.string().optional(),
  Expired: z.boolean().default(false),
});
export type TailcfgNode = z.infer<typeof TailcfgNode>;

export const WhoIsResponse = z.looseObject({
  Node: TailcfgNode,
  UserProfile: UserProfile,
  CapMap: CapMap.nullish().transform((v) => v ?? {}),
});
export type WhoIsResponse = z.infer<typeof WhoIsResponse>;

export const PeerChange = z.looseObject({
  NodeID: Int64,
  DERPRegion: z.number().int().optional(),
  Endpoints: z.array(z.string()).nullish(),
  Online: z.boolean().nullish(),
  LastSeen: z.string().nullish(),
  KeyExpiry: z.string().nullish(),
  Key: z.string().nullish(),
  CapMap: CapMap.nullish(),
});
export type PeerChange = z.infer<typeof PeerChange>;

/** ipn.Notify: one line of watch-ipn-bus. `State` is the numeric ipn.State. */
export const Notify = z.looseObject({
  Version: z.string().nullish(),
  SessionID: z.string().optional(),
  ErrMessage: z.string().nullish(),
  State: z.number().int().nullish(),
  InitialStatus: Status.optional(),
  SelfChange: TailcfgNode.nullish(),
  PeersChanged: z.array(TailcfgNode).nullish(),
  PeersRemoved: z.array(Int64).nullish(),
  PeerChangedPatch: z.array(PeerChange).nullish(),
  UserProfiles: z.record(z.string(), UserProfile).nullish(),
  Engine: z.unknown().optional(),
  NetMap: z.unknown().optional(),
});
export type Notify = z.infer<typeof Notify>;

/** ipn.NotifyWatchOpt bits for the `mask` query parameter. */
export const NotifyMask = {
  EngineUpdates: 1,
  InitialState: 2,
  InitialPrefs: 4,
  InitialNetMap: 8,
  InitialHealthState: 128,
  RateLimit: 256,
  PeerChanges: 4096,
  NoNetMap: 8192,
  InitialStatus: 16384,
  PeerPatches: 32768,
  InProcessNoDisconnect: 65536,
} as const;

export function timeOrNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value === '' || value.startsWith('0001-01-01')) return null;
  return value;
}
