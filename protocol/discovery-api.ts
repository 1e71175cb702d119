/**
 * Discovery registry API: the cache of farm metadata beside the tailnet. Gateways heartbeat to it;
 * people edit display names, locations and notes; the app reads it. Records are keyed by tailnet address.
 */
import { z } from 'zod';
import { Location } from './farm-api.ts';

export const REGISTRY_HTTP_PORT = 8090;

/** The longest region, crop or owner text the registry keeps. */
export const FARM_POLICY_TEXT_MAX = 100;

export const Heartbeat = z.object({
  farmId: z.string().min(1).max(100),
  name: z.string().max(200),
  location: Location.nullable(),
  timeZone: z.string().max(64),
  gatewayVersion: z.string().max(50),
  /** Port the Farm API listens on at the sender's tailnet address. */
  apiPort: z.number().int().min(1).max(65535),
  sensors: z.number().int().nonnegative(),
  actuators: z.number().int().nonnegative(),
  capabilities: z.array(z.string().max(100)).max(100),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

export const FarmRecord = z.object({
  address: z.string(),
  farmId: z.string(),
  /** The gateway's own name for the farm. */
  name: z.string(),
  /** What people call it (edited in the registry); falls back to `name`. */
  displayName: z.string().nullable(),
  location: Location.nullable(),
  /** Location set by a person wins over the gateway's. */
  locationOverride: Location.nullable(),
  timeZone: z.string(),
  notes: z.string(),
  /** People's region, crop and owner (display text; '' = none). Absent from registries older than them. */
  region: z.string().optional(),
  crop: z.string().optional(),
  owner: z.string().optional(),
  tags: z.array(z.string()),
  nodeName: z.string(),
  gatewayVersion: z.string(),
  apiPort: z.number().int(),
  lastHeartbeatAt: z.string().nullable(),
  status: z.enum(['online', 'offline']),
  /** Increases on every change; send it back as `ifVersion` to refuse a lost update. */
  version: z.number().int(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type FarmRecord = z.infer<typeof FarmRecord>;

export const FarmMetadataUpdate = z.object({
  displayName: z.string().min(1).max(200).nullable().optional(),
  locationOverride: Location.nullable().optional(),
  notes: z.string().max(5000).optional(),
  /** '' clears. The app writes a slug of each to the farm's device as a posture attribute (farm-policy.ts). */
  region: z.string().max(FARM_POLICY_TEXT_MAX).optional(),
  crop: z.string().max(FARM_POLICY_TEXT_MAX).optional(),
  owner: z.string().max(FARM_POLICY_TEXT_MAX).optional(),
  ifVersion: z.number().int().optional(),
});
export type FarmMetadataUpdate = z.infer<typeof FarmMetadataUpdate>;

export const FarmList = z.object({ farms: z.array(FarmRecord) });
export type FarmList = z.infer<typeof FarmList>;

/** GET /api/health: liveness for monitors (systemd, the app); needs no tailnet identity. */
export const RegistryHealth = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptimeS: z.number().nonnegative(),
  farms: z.number().int().nonnegative(),
  online: z.number().int().nonnegative(),
  /** A record without a heartbeat for this long is marked offline. */
  offlineAfterS: z.number().nonnegative(),
  auth: z.enum(['whois', 'insecure-no-auth']),
});
export type RegistryHealth = z.infer<typeof RegistryHealth>;

/** GET /api/farms query: both filters optional, each at most once. */
export const FarmListQuery = z.strictObject({
  tag: z
    .string()
    .regex(/^tag:[A-Za-z0-9-]{1,100}$/, 'a tailnet tag such as tag:farm')
    .optional(),
  status: z.enum(['online', 'offline']).optional(),
});
export type FarmListQuery = z.infer<typeof FarmListQuery>;

/** A gateway package the registry serves to its tailnet (`GET /packages`, `GET /packages/<file>`). */
export const GatewayPackage = z.object({
  file: z.string(),
  version: z.string(),
  arch: z.enum(['amd64', 'arm64']),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type GatewayPackage = z.infer<typeof GatewayPackage>;
export const GatewayPackageList = z.object({ packages: z.array(GatewayPackage) });

/**
 * Which `tag:registry` node everyone uses when none is configured: the online one with the lowest
 * address (IPv4 before IPv6, numerically). Gateways and control rooms apply the same rule to the same
 * tailnet, so with several registries they still meet at one.
 */
export function chooseRegistry(peers: readonly { address: string; online: boolean }[]): string | null {
  const key = (a: string) =>
    /^\d+\.\d+\.\d+\.\d+$/.test(a)
      ? `4:${a
          .split('.')
          .map((o) => o.padStart(3, '0'))
          .join('.')}`
      : `6:${a}`;
  const best = peers
    .filter((p) => p.online && p.address !== '')
    .map((p) => p.address)
    .sort((a, b) => key(a).localeCompare(key(b)))[0];
  return best ?? null;
}
