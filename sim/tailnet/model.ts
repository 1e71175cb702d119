/**
 * SimTailnet: one in-memory tailnet (users, devices, policy, keys) that the simulated control planes
 * (Tailscale API v2, Headscale) and LocalAPI sockets all describe. Tests and the demo change it at run
 * time; every change is published to subscribers so watch streams can send deltas.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { AGROMESH_POLICY_TEMPLATE } from '../../kit/tailscale/policy-template.ts';
import { simLoopbackFor, simTailnetFor } from './loopback.ts';
import { type PolicyCheck, checkPolicyText } from './policy.ts';

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

const TAGGED_DEVICES_ID = '9007199254740993'; // 2^53 + 1, as in the LocalAPI fixture
export const HEADSCALE_TAGGED_USER_ID = '2147455555';
const BIG = 2n ** 53n;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SimTailnet {
  readonly domain: string;
  readonly tailnetName: string;
  readonly now: () => number;
  readonly #rand: () => number;
  readonly #users = new Map<string, SimUser>();
  readonly #devices = new Map<string, SimDevice>(); // by stableId, insertion ordered
  readonly #listeners = new Set<(change: SimChange) => void>();
  readonly keys = new Map<string, SimKey>();
  #policy = { text: AGROMESH_POLICY_TEMPLATE, etag: '', updatedAt: '' };
  #counter = 0;
  #nextHost = 1;
  /**
   * Which /24 of 100.64.0.0/10 this tailnet numbers its nodes from. Random per instance (not from the seed)
   * because every simulated node listens on its loopback alias: two simulators in one machine — parallel
   * test files, a demo beside a test run — must not hand out the same addresses.
   */
  #block = randomInt(0, 16_000);
  readonly #faults: Array<SimFault & { left: number }> = [];
  /** Last requests received by the simulated servers (bounded). */
  readonly requests: SimRequestRecord[] = [];

  constructor(options: SimTailnetOptions = {}) {
    this.#rand = mulberry32(options.seed ?? 1);
    if (options.addressBlock !== undefined) this.#block = options.addressBlock;
    this.domain = options.domain ?? 'agromesh-sim.ts.net';
    this.tailnetName = options.tailnetName ?? 'agromesh.example';
    this.now = options.now ?? Date.now;
    this.#policy = this.#stampPolicy(AGROMESH_POLICY_TEMPLATE);
  }

  #iso(offsetMs = 0): string {
    return new Date(this.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  #hex(len: number): string {
    let s = '';
    while (s.length < len) s += Math.floor(this.#rand() * 16).toString(16);
    return s;
  }

  #alnum(len: number): string {
    const abc = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
    let s = '';
    while (s.length < len) s += abc[Math.floor(this.#rand() * abc.length)];
    return s;
  }

  /** Unique int64 above 2^53 (as Go would send it for user and node IDs). */
  #bigId(): string {
    this.#counter += 1;
    return (BIG + BigInt(this.#counter) * 7919n + BigInt(Math.floor(this.#rand() * 1000))).toString();
  }

  #stampPolicy(text: string) {
    let h = 0;
    for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) >>> 0;
    return {
      text,
      etag: `"${h.toString(16).padStart(8, '0')}${text.length.toString(16)}"`,
      updatedAt: new Date(this.now()).toISOString(),
    };
  }

  // ---- users --------------------------------------------------------------------------------------

  get taggedDevicesUser(): SimUser {
    return {
      id: TAGGED_DEVICES_ID,
      headscaleId: HEADSCALE_TAGGED_USER_ID,
      loginName: 'tagged-devices',
      displayName: 'Tagged Devices',
      created: '0001-01-01T00:00:00Z',
    };
  }

  user(idOrLogin: string): SimUser | undefined {
    if (idOrLogin === TAGGED_DEVICES_ID || idOrLogin === 'tagged-devices') return this.taggedDevicesUser;
    return (
      this.#users.get(idOrLogin) ??
      [...this.#users.values()].find((u) => u.loginName === idOrLogin || u.headscaleId === idOrLogin)
    );
  }

  users(): SimUser[] {
    return [...this.#users.values()];
  }

  addUser(loginName: string, displayName?: string): SimUser {
    const existing = this.user(loginName);
    if (existing) return existing;
    const local = loginName.split('@')[0] ?? loginName;
    const user: SimUser = {
      id: this.#bigId(),
      headscaleId: String(this.#users.size + 1),
      loginName,
      displayName: displayName ?? local.charAt(0).toUpperCase() + local.slice(1),
      created: this.#iso(),
    };
    this.#users.set(user.id, user);
    return user;
  }

  /** The user a device is shown as owned by: the tagged-devices pseudo-user when tagged. */
  ownerOf(device: SimDevice): SimUser {
    return device.tags.length > 0
      ? this.taggedDevicesUser
      : (this.user(device.userId) ?? this.taggedDevicesUser);
  }

  // ---- devices ------------------------------------------------------------------------------------

  devices(): SimDevice[] {
    return [...this.#devices.values()];
  }

  /** Look a device up by any of its ids, its name, or one of its addresses (loopback alias included). */
  device(ref: string): SimDevice | undefined {
    const direct = this.#devices.get(ref);
    if (direct) return direct;
    const ip = simTailnetFor(ref) ?? ref;
    return this.devices().find(
      (d) =>
        d.nodeId === ref ||
        d.legacyId === ref ||
        d.headscaleId === ref ||
        d.name === ref ||
        `${d.name}.${this.domain}` === ref.replace(/\.$/, '') ||
        d.nodeKey === ref ||
        d.ipv4 === ip ||
        d.ipv6 === ref,
    );
  }

  #require(ref: string): SimDevice {
    const d = this.device(ref);
    if (!d) throw new Error(`no simulated device "${ref}"`);
    return d;
  }

  #allocIpv4(): string {
    for (;;) {
      const n = this.#nextHost++;
      const block = this.#block + Math.floor(n / 250);
      const ip = `100.${64 + (block >> 8)}.${block & 255}.${(n % 250) + 1}`;
      if (!this.devices().some((d) => d.ipv4 === ip)) return ip;
    }
  }

  addDevice(options: AddDeviceOptions): SimDevice {
    if (this.device(options.name)) throw new Error(`a simulated device named "${options.name}" exists`);
    const owner = this.addUser(options.user ?? 'operator@example.com');
    const ipv4 = options.ipv4 === undefined ? this.#allocIpv4() : options.ipv4;
    const seq = this.#devices.size + 1;
    const online = options.online ?? true;
    const device: SimDevice = {
      stableId: `n${this.#alnum(8)}CNTRL`,
      nodeId: this.#bigId(),
      legacyId: String(100000000000 + Math.floor(this.#rand() * 899999999999)),
      headscaleId: String(seq),
      name: options.name,
      hostname: options.name,
      os: options.os ?? 'linux',
      ipv4,
      ipv6: `fd7a:115c:a1e0::${(0x1000 + seq).toString(16)}`,
      tags: [...(options.tags ?? [])],
      userId: owner.id,
      online,
      lastSeen: online ? null : this.#iso(-60_000),
      created: options.created ?? this.#iso(),
      keyExpiry: options.keyExpiryDisabled === false ? this.#iso(180 * 86_400_000) : null,
      keyExpiryDisabled: options.keyExpiryDisabled ?? true,
      authorized: options.authorized ?? true,
      clientVersion: options.clientVersion ?? '1.102.3',
      updateAvailable: options.updateAvailable ?? false,
      nodeKey: `nodekey:${this.#hex(64)}`,
      machineKey: `mkey:${this.#hex(64)}`,
      discoKey: `discokey:${this.#hex(64)}`,
      capMap: { ...(options.capMap ?? {}) },
      posture: {},
      connection: options.connection ?? { kind: 'relay', region: 'fra' },
      rxBytes: 0,
      txBytes: 0,
      ephemeral: options.ephemeral ?? false,
    };
    this.#devices.set(device.stableId, device);
    this.#emit({ type: 'upsert', device, patch: false });
    return device;
  }

  setTags(ref: string, tags: string[]): SimDevice {
    const d = this.#require(ref);
    d.tags = [...new Set(tags)];
    this.#emit({ type: 'upsert', device: d, patch: false });
    return d;
  }

  setOnline(ref: string, online: boolean): SimDevice {
    const d = this.#require(ref);
    d.online = online;
    d.lastSeen = online ? null : this.#iso();
    this.#emit({ type: 'upsert', device: d, patch: true });
    return d;
  }

  /** The node key's expiry (`expiry` ISO, or null) and whether expiry is disabled (API v2 POST /device/{id}/key). */
  setKeyExpiry(ref: string, change: { expiry?: string | null; disabled?: boolean }): SimDevice {
    const d = this.#require(ref);
    if (change.expiry !== undefined) d.keyExpiry = change.expiry;
    if (change.disabled !== undefined) d.keyExpiryDisabled = change.disabled;
    this.#emit({ type: 'upsert', device: d, patch: false });
    return d;
  }

  setAuthorized(ref: string, authorized: boolean): SimDevice {
    const d = this.#require(ref);
    d.authorized = authorized;
    this.#emit({ type: 'upsert', device: d, patch: false });
    return d;
  }

  setConnection(ref: string, connection: SimDevice['connection']): SimDevice {
    const d = this.#require(ref);
    d.connection = connection;
    this.#emit({ type: 'upsert', device: d, patch: false });
    return d;
  }

  /** Peer capabilities reported by who-is for this node (the grants' `app` payloads). */
  setCapMap(ref: string, capMap: CapMap): SimDevice {
    const d = this.#require(ref);
    d.capMap = { ...capMap };
    return d;
  }

  setPosture(ref: string, key: string, value: PostureValue): void {
    this.#require(ref).posture[key] = value;
  }

  deletePosture(ref: string, key: string): void {
    delete this.#require(ref).posture[key];
  }

  removeDevice(ref: string): SimDevice {
    const d = this.#require(ref);
    this.#devices.delete(d.stableId);
    this.#emit({ type: 'remove', device: d });
    return d;
  }

  /** The loopback alias a simulated process on this node binds its outgoing sockets to. */
  loopbackOf(ref: string): string {
    const d = this.#require(ref);
    if (d.ipv4 === null) throw new Error(`simulated device "${ref}" has no IPv4 (IPv6-only)`);
    return simLoopbackFor(d.ipv4);
  }

  // ---- policy -------------------------------------------------------------------------------------

  get policy(): { text: string; etag: string; updatedAt: string } {
    return { ...this.#policy };
  }

  checkPolicy(text: string): PolicyCheck {
    return checkPolicyText(text);
  }

  /** Replace the policy if it is valid; returns the check result. */
  setPolicy(text: string): PolicyCheck {
    const result = checkPolicyText(text);
    if (result.ok) this.#policy = this.#stampPolicy(text);
    return result;
  }

  /** Tags a control plane would accept: declared in tagOwners. */
  undeclaredTags(tags: string[]): string[] {
    const check = checkPolicyText(this.#policy.text);
    const owners =
      check.ok && typeof check.policy.tagOwners === 'object' && check.policy.tagOwners !== null
        ? check.policy.tagOwners
        : {};
    return tags.filter((t) => !Object.hasOwn(owners, t));
  }

  // ---- auth keys ----------------------------------------------------------------------------------

  createKey(req: {
    reusable?: boolean;
    ephemeral?: boolean;
    preauthorized?: boolean;
    tags?: string[];
    expirySeconds?: number;
    description?: string;
    userId?: string | null;
    prefix?: 'tskey-auth' | 'hskey-auth';
  }): SimKey {
    const id = req.prefix === 'hskey-auth' ? String(this.keys.size + 1) : `k${this.#alnum(8)}CNTRL`;
    const secret = randomBytes(18).toString('base64url');
    const key: SimKey = {
      id,
      key:
        req.prefix === 'hskey-auth'
          ? `hskey-auth-${this.#alnum(12)}-${secret}`
          : `tskey-auth-${id}-${secret}`,
      created: this.#iso(),
      expires: this.#iso((req.expirySeconds ?? 90 * 86_400) * 1000),
      revoked: null,
      description: req.description ?? '',
      reusable: req.reusable ?? false,
      ephemeral: req.ephemeral ?? false,
      preauthorized: req.preauthorized ?? false,
      tags: [...(req.tags ?? [])],
      userId: req.userId ?? null,
      used: false,
    };
    this.keys.set(id, key);
    return key;
  }

  /**
   * What the control plane does for `tailscale up --auth-key`: checks the key (known, not revoked, not
   * expired, unused unless reusable), registers the node with the key's tags and marks the key used.
   * Throws with the words the real daemon reports ("invalid key: …") when it refuses.
   */
  joinWithAuthKey(
    secret: string,
    node: Omit<AddDeviceOptions, 'tags' | 'user' | 'authorized' | 'ephemeral'> & { advertiseTags?: string[] },
  ): SimDevice {
    const key = [...this.keys.values()].find((k) => k.key === secret);
    if (!key) throw new Error('invalid key: unable to validate API key');
    if (key.revoked) throw new Error('invalid key: key has been revoked');
    if (Date.parse(key.expires) <= this.now()) throw new Error('invalid key: key has expired');
    if (key.used && !key.reusable) throw new Error('invalid key: key has already been used');
    const { advertiseTags = [], ...rest } = node;
    const extra = advertiseTags.filter((t) => !key.tags.includes(t));
    if (extra.length > 0) throw new Error(`requested tags [${extra.join(' ')}] are invalid or not permitted`);
    let name = rest.name;
    for (let n = 1; this.device(name); n++) name = `${rest.name}-${n}`;
    const owner = key.userId ? this.user(key.userId) : undefined;
    const device = this.addDevice({
      ...rest,
      name,
      tags: key.tags,
      ...(owner ? { user: owner.loginName } : {}),
      authorized: key.preauthorized,
      ephemeral: key.ephemeral,
    });
    key.used = true;
    return device;
  }

  /** Reserve the next free tailnet IPv4 (a joining simulated node binds its loopback alias before it joins). */
  allocateIpv4(): string {
    return this.#allocIpv4();
  }

  revokeKey(id: string): boolean {
    const key = this.keys.get(id);
    if (!key) return false;
    key.revoked = this.#iso();
    return true;
  }

  // ---- faults and request log ----------------------------------------------------------------------

  injectFault(fault: SimFault): void {
    this.#faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Record a request and return the fault that answers it, if any. */
  intercept(record: SimRequestRecord): SimFault | undefined {
    this.requests.push(record);
    if (this.requests.length > 1000) this.requests.splice(0, this.requests.length - 1000);
    const i = this.#faults.findIndex(
      (f) =>
        f.server === record.server &&
        (f.method === undefined || f.method === record.method) &&
        (typeof f.path === 'string' ? f.path === record.path : f.path.test(record.path)),
    );
    if (i === -1) return undefined;
    const fault = this.#faults[i]!;
    fault.left -= 1;
    if (fault.left <= 0) this.#faults.splice(i, 1);
    return fault;
  }

  // ---- changes ------------------------------------------------------------------------------------

  subscribe(listener: (change: SimChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change: SimChange): void {
    for (const l of [...this.#listeners]) l(change);
  }
}
