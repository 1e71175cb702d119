/** Farms as the control room shows them: summary, detail, and the health of each layer. */
import { z } from 'zod';
import { TailnetDevice } from '../device.ts';
import { FarmInfo, Location, Reading, SensorKind } from '../farm-api.ts';

export const HealthLayer = z.object({
  state: z.enum(['ok', 'degraded', 'down', 'unknown']),
  /** When this layer was last confirmed (ISO), null when never. */
  at: z.string().nullable(),
  detail: z.string(),
});
export type HealthLayer = z.infer<typeof HealthLayer>;

export const OverallHealth = z.enum(['ok', 'degraded', 'stale', 'offline']);
export type OverallHealth = z.infer<typeof OverallHealth>;

export const FarmHealth = z.object({
  overall: OverallHealth,
  /** Plain-language reason, e.g. "the gateway is not answering; the node is online". */
  reason: z.string(),
  tailnet: HealthLayer,
  gateway: HealthLayer,
  data: HealthLayer,
});
export type FarmHealth = z.infer<typeof FarmHealth>;

/** What a sensor is, for labels and units wherever a reading is shown without the farm's full info. */
export const SensorBrief = z.object({
  id: z.string(),
  label: z.string(),
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
