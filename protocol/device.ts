/** The one normalized tailnet device model, whichever backend (LocalAPI, Tailscale API v2, Headscale) said so. */
import { z } from 'zod';

export const TailnetBackendKind = z.enum(['localapi', 'api-v2', 'headscale']);
export type TailnetBackendKind = z.infer<typeof TailnetBackendKind>;

export const ConnectionPath = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('direct'), endpoint: z.string() }),
  z.object({ kind: z.literal('relay'), region: z.string() }),
  z.object({ kind: z.literal('unknown') }),
]);
export type ConnectionPath = z.infer<typeof ConnectionPath>;

export const TailnetDevice = z.object({
  /** Stable node id (`n…CNTRL` on Tailscale, the node id on Headscale). */
  id: z.string(),
  /** Short machine name (first DNS label). */
  name: z.string(),
  /** MagicDNS FQDN without the trailing dot; empty when unknown. */
  dnsName: z.string(),
  hostname: z.string(),
  ipv4: z.array(z.string()),
  ipv6: z.array(z.string()),
  tags: z.array(z.string()),
  os: z.string(),
  online: z.boolean(),
  /** ISO time; null when unknown or while connected. */
  lastSeen: z.string().nullable(),
  keyExpiry: z.string().nullable(),
  keyExpiryDisabled: z.boolean(),
  clientVersion: z.string(),
  updateAvailable: z.boolean(),
  authorized: z.boolean(),
  /** Login of the owning user, or `tagged-devices` when the device is tagged. */
  owner: z.string(),
  connection: ConnectionPath,
  source: TailnetBackendKind,
});
export type TailnetDevice = z.infer<typeof TailnetDevice>;

export const FARM_TAG = 'tag:farm';
export const CONTROLROOM_TAG = 'tag:controlroom';
export const REGISTRY_TAG = 'tag:registry';
/** A Prometheus server (or any scraper) that may read `/metrics` on gateways, the registry and the control room. */
export const MONITORING_TAG = 'tag:monitoring';
