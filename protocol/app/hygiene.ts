/**
 * The fleet-hygiene radar: what support staff should fix before it hurts (a node key about to lapse, an
 * onboarding key left lying around, an old gateway, a farm without tag:farm, a tagged node gone quiet).
 */
import { z } from 'zod';

export const HygieneKind = z.enum([
  'node-key-expiring',
  'node-key-expired',
  'auth-key-expiring',
  'auth-key-unused',
  'gateway-outdated',
  'client-update-available',
  'gateway-untagged',
  'tagged-node-unseen',
]);
export type HygieneKind = z.infer<typeof HygieneKind>;

export const HygieneSeverity = z.enum(['info', 'warning', 'critical']);
export type HygieneSeverity = z.infer<typeof HygieneSeverity>;

/** What the backend lets the app do about a finding; `none` when only a person elsewhere can. */
export const HygieneAction = z.discriminatedUnion('kind', [
  /** setDeviceTags with these tags (the device's own plus tag:farm). */
  z.object({ kind: z.literal('retag'), deviceId: z.string(), tags: z.array(z.string()) }),
  /** disableKeyExpiry: the node keeps its key (Tailscale API v2 only). */
  z.object({ kind: z.literal('disable-key-expiry'), deviceId: z.string() }),
  /** revokeAuthKey. */
  z.object({ kind: z.literal('revoke-key'), keyId: z.string() }),
  z.object({ kind: z.literal('none') }),
]);
export type HygieneAction = z.infer<typeof HygieneAction>;

export const HygieneFinding = z.object({
  kind: HygieneKind,
  severity: HygieneSeverity,
  subject: z.enum(['device', 'auth-key']),
  /** Device id or auth key id. */
  id: z.string(),
  /** Device name, or the key's description (its id when it has none). */
  name: z.string(),
  /** When it happens or happened (key expiry, last seen), ISO; null when the finding has no date. */
  at: z.string().nullable(),
  /** Versions and the like, for the renderer's wording: `version`, `latest`, `farmId`. */
  facts: z.record(z.string(), z.string()),
  /** Plain English: what is wrong and what happens if nothing is done (the renderer words it per language). */
  what: z.string(),
  /** Plain English: what to do. */
  todo: z.string(),
  action: HygieneAction,
});
export type HygieneFinding = z.infer<typeof HygieneFinding>;

export const HygieneCheck = z.enum([
  'node-keys',
  'auth-keys',
  'auth-key-usage',
  'gateway-versions',
  'client-versions',
  'gateway-tags',
  'unseen-nodes',
]);
export type HygieneCheck = z.infer<typeof HygieneCheck>;

export const FleetHygiene = z.object({
  generatedAt: z.string(),
  findings: z.array(HygieneFinding),
  /** Checks this backend could not run, and why. */
  skipped: z.array(z.object({ check: HygieneCheck, reason: z.string() })),
});
export type FleetHygiene = z.infer<typeof FleetHygiene>;

/** Windows of the radar: node keys within 14 days, onboarding keys within 3, nodes unseen for 7. */
export const NODE_KEY_WARN_DAYS = 14;
export const AUTH_KEY_WARN_DAYS = 3;
export const UNSEEN_DAYS = 7;
