/** The shapes of the simulated tailnet (model.ts): users, devices, auth keys, injected faults, the request log. */
export type CapMap = Record<string, unknown[] | null>;
export type PostureValue = string | number | boolean;

export interface SimUser {
  /** int64 as a decimal string (deliberately above 2^53 to exercise lossless parsing). */
  id: string;
  /** Headscale's small user id. */
  headscaleId: string;
  loginName: string;
  displayName: string;
  created: string;
}

export interface SimDevice {
  /** Stable node id (`n…CNTRL`), the API v2 `nodeId` and LocalAPI `ID`. */
  stableId: string;
  /** tailcfg.NodeID (int64 decimal string, above 2^53). */
  nodeId: string;
  /** API v2 legacy numeric `id`. */
  legacyId: string;
  headscaleId: string;
  /** Short MagicDNS name. */
  name: string;
  hostname: string;
  os: string;
  /** null for an IPv6-only node. */
  ipv4: string | null;
  ipv6: string;
  tags: string[];
  /** Registering user's id. */
  userId: string;
  online: boolean;
  lastSeen: string | null;
  /** RFC 3339, or '' (external devices, as API v2 may send). */
  created: string;
  keyExpiry: string | null;
  keyExpiryDisabled: boolean;
  authorized: boolean;
  clientVersion: string;
  updateAvailable: boolean;
  nodeKey: string;
  machineKey: string;
  discoKey: string;
  capMap: CapMap;
  posture: Record<string, PostureValue>;
  connection: { kind: 'direct'; endpoint: string } | { kind: 'relay'; region: string };
  rxBytes: number;
  txBytes: number;
  ephemeral: boolean;
}

export interface AddDeviceOptions {
  name: string;
  tags?: string[];
  os?: string;
  /** Login of the owning (registering) user; created when new. */
  user?: string;
  online?: boolean;
  /** Explicit tailnet IPv4, or null for IPv6-only. Default: next free 100.64.x.y. */
  ipv4?: string | null;
  capMap?: CapMap;
  connection?: SimDevice['connection'];
  clientVersion?: string;
  updateAvailable?: boolean;
  authorized?: boolean;
  created?: string;
  keyExpiryDisabled?: boolean;
  ephemeral?: boolean;
}

export type SimChange =
  { type: 'upsert'; device: SimDevice; patch: boolean } | { type: 'remove'; device: SimDevice };

export interface SimKey {
  id: string;
  key: string;
  created: string;
  expires: string;
  revoked: string | null;
  description: string;
  reusable: boolean;
  ephemeral: boolean;
  preauthorized: boolean;
  tags: string[];
  userId: string | null;
  used: boolean;
}

/** A canned answer a simulated server gives instead of its normal one (rate limits, outages, odd payloads). */
export interface SimFault {
  server: 'api' | 'headscale' | 'localapi';
  method?: string;
  /** Exact path (without query) or a pattern. */
  path: string | RegExp;
  status: number;
  headers?: Record<string, string>;
  /** JSON value, or raw text when a string. */
  body?: unknown;
  /** How many requests it answers (default 1). */
  times?: number;
}

/** One request a simulated server received (for tests asserting what clients send). */
export interface SimRequestRecord {
  server: SimFault['server'];
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface SimTailnetOptions {
  seed?: number;
  /** MagicDNS suffix. */
  domain?: string;
  /** Organization name (the API v2 `{tailnet}` value besides `-`). */
  tailnetName?: string;
  now?: () => number;
  /** Number nodes from this /24 of 100.64.0.0/10 (0 = 100.64.0.x); random when absent. */
  addressBlock?: number;
}
