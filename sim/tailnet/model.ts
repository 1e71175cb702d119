/**
 * SimTailnet: one in-memory tailnet (users, devices, policy, keys) that the simulated control planes
 * (Tailscale API v2, Headscale) and LocalAPI sockets all describe. Tests and the demo change it at run
 * time; every change is published to subscribers so watch streams can send deltas.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { AGROMESH_POLICY_TEMPLATE } from '../../kit/tailscale/policy-template.ts';
import { SimFaults } from './faults.ts';
import { simLoopbackFor, simTailnetFor } from './loopback.ts';
import type {
  AddDeviceOptions,
  CapMap,
  PostureValue,
  SimChange,
  SimDevice,
  SimFault,
  SimKey,
  SimRequestRecord,
  SimTailnetOptions,
  SimUser,
} from './model-types.ts';
import { type PolicyCheck, checkPolicyText } from './policy.ts';
import { SimIds, stampPolicy } from './sim-random.ts';

export type * from './model-types.ts';

const TAGGED_DEVICES_ID = '9007199254740993'; // 2^53 + 1, as in the LocalAPI fixture
export const HEADSCALE_TAGGED_USER_ID = '2147455555';

export class SimTailnet {
  readonly domain: string;
  readonly tailnetName: string;
  readonly now: () => number;
  readonly #ids: SimIds;
  readonly #users = new Map<string, SimUser>();
  readonly #devices = new Map<string, SimDevice>(); // by stableId, insertion ordered
  readonly #listeners = new Set<(change: SimChange) => void>();
  readonly keys = new Map<string, SimKey>();
  #policy = { text: AGROMESH_POLICY_TEMPLATE, etag: '', updatedAt: '' };
  #nextHost = 1;
  /**
   * Which /24 of 100.64.0.0/10 this tailnet numbers its nodes from. Random per instance (not from the seed)
   * because every simulated node listens on its loopback alias: two simulators in one machine — parallel
   * test files, a demo beside a test run — must not hand out the same addresses.
   */
  #block = randomInt(0, 16_000);
  readonly #faults = new SimFaults();
  /** Last requests received by the simulated servers (bounded). */
  readonly requests: SimRequestRecord[] = this.#faults.requests;

  constructor(options: SimTailnetOptions = {}) {
    this.#ids = new SimIds(options.seed ?? 1);
    if (options.addressBlock !== undefined) this.#block = options.addressBlock;
    this.domain = options.domain ?? 'agromesh-sim.ts.net';
    this.tailnetName = options.tailnetName ?? 'agromesh.example';
    this.now = options.now ?? Date.now;
    this.#policy = stampPolicy(AGROMESH_POLICY_TEMPLATE, this.now());
  }

  #iso(offsetMs = 0): string {
    return new Date(this.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
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
      id: this.#ids.bigId(),
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
      stableId: `n${this.#ids.alnum(8)}CNTRL`,
      nodeId: this.#ids.bigId(),
      legacyId: String(100000000000 + Math.floor(this.#ids.random() * 899999999999)),
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
      nodeKey: `nodekey:${this.#ids.hex(64)}`,
      machineKey: `mkey:${this.#ids.hex(64)}`,
      discoKey: `discokey:${this.#ids.hex(64)}`,
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
    if (result.ok) this.#policy = stampPolicy(text, this.now());
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
    const id = req.prefix === 'hskey-auth' ? String(this.keys.size + 1) : `k${this.#ids.alnum(8)}CNTRL`;
    const secret = randomBytes(18).toString('base64url');
    const key: SimKey = {
      id,
      key:
        req.prefix === 'hskey-auth'
          ? `hskey-auth-${this.#ids.alnum(12)}-${secret}`
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
    this.#faults.inject(fault);
  }

  /** Record a request and return the fault that answers it, if any. */
  intercept(record: SimRequestRecord): SimFault | undefined {
    return this.#faults.intercept(record);
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
