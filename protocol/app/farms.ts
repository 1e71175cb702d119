/** Farms as the control room shows them: summary, detail, and the health of each layer. */
import { z } from 'zod';
import { TailnetDevice } from '../device.ts';
import { FarmInfo, LocalLabels, Location, Reading, SensorKind } from '../farm-api.ts';

/**
 * Parameters of a phrase the core words in English and the renderer words again in the UI's language
 * (ages in ms, so each language formats its own units).
 */
export const PhraseParams = z.record(z.string().max(40), z.union([z.string().max(500), z.number()]));
export type PhraseParams = z.infer<typeof PhraseParams>;

/** Stable codes of a layer's detail; the renderer translates by code and falls back to `detail`. */
export const HealthDetailCode = z.enum([
  'tailnet-offline',
  'tailnet-direct',
  'tailnet-relay',
  'tailnet-path-unknown',
  'gateway-node-offline',
  'gateway-down',
  'gateway-answering',
  'gateway-unchecked',
  'data-none',
  'data-fresh',
  'data-stale',
]);
export type HealthDetailCode = z.infer<typeof HealthDetailCode>;

export const HealthLayer = z.object({
  state: z.enum(['ok', 'degraded', 'down', 'unknown']),
  /** When this layer was last confirmed (ISO), null when never. */
  at: z.string().nullable(),
  /** English, for logs, notifications and older renderers. */
  detail: z.string(),
  detailCode: HealthDetailCode.optional(),
  detailParams: PhraseParams.optional(),
});
export type HealthLayer = z.infer<typeof HealthLayer>;

export const OverallHealth = z.enum(['ok', 'degraded', 'stale', 'offline']);
export type OverallHealth = z.infer<typeof OverallHealth>;

/** Stable codes of the overall reason (the rule that decided `overall`). */
export const HealthReasonCode = z.enum([
  'tailnet-offline',
  'gateway-blocked',
  'gateway-down',
  'gateway-unchecked',
  'data-stale',
  'ok',
  'ok-no-readings',
]);
export type HealthReasonCode = z.infer<typeof HealthReasonCode>;

export const FarmHealth = z.object({
  overall: OverallHealth,
  /** Plain-language reason in English, e.g. "the gateway is not answering; the node is online". */
  reason: z.string(),
  /** The same reason as a code and parameters, so the renderer can say it in the UI's language. */
  reasonCode: HealthReasonCode.optional(),
  reasonParams: PhraseParams.optional(),
  tailnet: HealthLayer,
  gateway: HealthLayer,
  data: HealthLayer,
});
export type FarmHealth = z.infer<typeof FarmHealth>;

/** What a sensor is, for labels and units wherever a reading is shown without the farm's full info. */
export const SensorBrief = z.object({
  id: z.string(),
  label: z.string(),
  labels: LocalLabels.optional(),
  unit: z.string(),
  kind: SensorKind,
});
export type SensorBrief = z.infer<typeof SensorBrief>;

export const FarmSummary = z.object({
  farmId: z.string(),
  /** Tailnet address the app dials. */
  address: z.string(),
  dnsName: z.string(),
  displayName: z.string(),
  location: Location.nullable(),
  timeZone: z.string(),
  tags: z.array(z.string()),
  notes: z.string(),
  /** People's region, crop and owner as typed (from the registry; '' = none; absent from older cores). */
  region: z.string().optional(),
  crop: z.string().optional(),
  owner: z.string().optional(),
  health: FarmHealth,
  /** Latest reading per sensor (may be old: check health.data and each reading's ts). */
  latest: z.array(Reading),
  lastReadingAt: z.number().nullable(),
  /** The gateway's sensors (from its /api/info); empty until the gateway has answered once. */
  sensors: z.array(SensorBrief),
});
export type FarmSummary = z.infer<typeof FarmSummary>;

export const FarmDetail = z.object({
  summary: FarmSummary,
  info: FarmInfo.nullable(),
  device: TailnetDevice.nullable(),
});
export type FarmDetail = z.infer<typeof FarmDetail>;
