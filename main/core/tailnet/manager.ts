/**
 * TailscaleManager: the one interface the app uses to talk to a tailnet, whichever backend serves it
 * (local tailscaled via the LocalAPI, the Tailscale API v2, or Headscale). Each backend declares what
 * it can do; asking for something it cannot do fails with TAILNET_UNSUPPORTED and says what would.
 */
import type { TailnetBackendKind, TailnetDevice } from '../../../protocol/device.ts';
import type { CallerIdentity } from '../../../protocol/identity.ts';
import type { Resource } from '../../../kit/resources.ts';

export type TailnetCapability =
  'listDevices' | 'setTags' | 'createAuthKey' | 'whois' | 'policy' | 'posture' | 'watch';

export interface AuthKeyRequest {
  tags: string[];
  ephemeral?: boolean;
  reusable?: boolean;
  preauthorized?: boolean;
  /** Seconds until the key expires. */
  expirySeconds?: number;
  description?: string;
}

export interface AuthKey {
  id: string;
  /** The secret, shown once; never logged. */
  key: string;
  expires: string | null;
  tags: string[];
}

export interface PolicyFile {
  /** HuJSON text as stored by the control plane. */
  text: string;
  /** ETag for If-Match on update, when the backend supports it. */
  etag: string | null;
}

export interface PolicyValidation {
  ok: boolean;
  message: string | null;
  errors: string[];
}

export type DeviceChange =
  | { type: 'snapshot'; devices: TailnetDevice[] }
  | { type: 'upsert'; device: TailnetDevice }
  | { type: 'remove'; id: string };

export interface TailscaleManager extends Resource {
  readonly kind: TailnetBackendKind;
  readonly capabilities: ReadonlySet<TailnetCapability>;
  /** Where this backend talks to (socket path or URL), for messages; secrets never included. */
  readonly target?: string | undefined;
  listDevices(filter?: { tag?: string }): Promise<TailnetDevice[]>;
  /** Addresses of a device by short name or MagicDNS name; undefined when no such device. */
  findDevice(name: string): Promise<TailnetDevice | undefined>;
  setTags(deviceId: string, tags: string[]): Promise<void>;
  createAuthKey(request: AuthKeyRequest): Promise<AuthKey>;
  whois(address: string): Promise<CallerIdentity | null>;
  /** Identity of this machine's own node and user (for roles in the UI). */
  self(): Promise<CallerIdentity | null>;
  getPolicy(): Promise<PolicyFile>;
  validatePolicy(text: string): Promise<PolicyValidation>;
  setPolicy(text: string, ifMatch?: string | null): Promise<PolicyFile>;
  /** All posture attributes of a device (`custom:` ones and Tailscale's `node:` ones). */
  getPosture(deviceId: string): Promise<Record<string, string | number | boolean>>;
  setPosture(deviceId: string, key: string, value: string | number | boolean): Promise<void>;
  /** Removes a `custom:` attribute; removing one the device does not carry is not an error. */
  deletePosture(deviceId: string, key: string): Promise<void>;
  /** Live device changes; the first event is a snapshot. Returns an unsubscribe. */
  watch(listener: (change: DeviceChange) => void): () => void;
}

/** Metadata of an existing auth key (never the secret). */
export interface AuthKeyInfo {
  id: string;
  description: string | null;
  expires: string | null;
  /** Revoked or expired. */
  invalid: boolean;
  tags: string[];
  /** Whether a node has joined with it, where the format says (Headscale); undefined when it does not (API v2). */
  used?: boolean;
}

/**
 * Control-plane administration the API backends add on top of TailscaleManager (Tailscale API v2:
 * all four; Headscale: keys). Feature-test with `'listAuthKeys' in manager`.
 */
export interface TailnetAdmin {
  getDevice(deviceId: string): Promise<TailnetDevice>;
  /** Approve (or revoke approval of) a device (Tailscale device approval). */
  authorizeDevice(deviceId: string, authorized: boolean): Promise<void>;
  listAuthKeys(): Promise<AuthKeyInfo[]>;
  revokeAuthKey(id: string): Promise<void>;
}

/**
 * Node key expiry switched off or on for one device (Tailscale API v2 POST /device/{id}/key); Headscale and the
 * LocalAPI cannot. Feature-test with `'setKeyExpiryDisabled' in manager`.
 */
export interface KeyExpiryControl {
  setKeyExpiryDisabled(deviceId: string, disabled: boolean): Promise<void>;
}
