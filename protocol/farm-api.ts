/**
 * Farm API v1: the wire format between a farm gateway and the control room.
 * Shared by `gateway/` (which serves it) and the app core (which dials it); nothing else is shared.
 * Times: readings use epoch milliseconds (`ts`, bulk data); everything else ISO 8601 strings.
 */
import { z } from 'zod';

export const FARM_API_VERSION = 1;
export const FARM_HTTP_PORT = 8080;
export const FARM_STREAM_PATH = '/api/stream';

export const Limits = {
  bodyBytes: 64 * 1024,
  headerBytes: 16 * 1024,
  wsFrameBytes: 64 * 1024,
  historyMaxPoints: 10_000,
  historyMaxRangeMs: 2 * 366 * 24 * 3600 * 1000,
  commandsPageMax: 500,
  idLength: 100,
} as const;

const Id = z
  .string()
  .min(1)
  .max(Limits.idLength)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits, dot, dash, colon or underscore');

export const SensorKind = z.enum([
  'soil_moisture',
  'air_temperature',
  'air_humidity',
  'soil_temperature',
  'tank_level',
  'flow_rate',
  'light',
  'rain',
  'wind_speed',
  'ph',
  'ec',
  'other',
]);
export type SensorKind = z.infer<typeof SensorKind>;

/**
 * A label in other languages, by language tag ({ ru: 'Влажность почвы' }); `label` stays the default. A
 * layout carries them; the control room shows the one for its language.
 */
export const LocalLabels = z
  .record(z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/), z.string().min(1).max(200))
  .refine((o) => Object.keys(o).length <= 20, 'at most 20 languages');
export type LocalLabels = z.infer<typeof LocalLabels>;

export const Sensor = z.object({
  id: Id,
  kind: SensorKind,
  label: z.string().max(200),
  labels: LocalLabels.optional(),
  unit: z.string().max(20),
  expectedRange: z.object({ min: z.number(), max: z.number() }),
  intervalMs: z.number().int().positive(),
});
export type Sensor = z.infer<typeof Sensor>;

/** JSON Schema (draft 2020-12 subset) of a command's parameters: numbers with bounds, enums, booleans. */
export const ParamSchema = z.object({
  type: z.literal('object'),
  properties: z.record(
    z.string(),
    z.object({
      type: z.enum(['number', 'integer', 'boolean', 'string']),
      title: z.string().optional(),
      /** `title` in other languages, like a sensor's `labels`. */
      titles: LocalLabels.optional(),
      description: z.string().optional(),
      descriptions: LocalLabels.optional(),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      enum: z.array(z.union([z.string(), z.number()])).optional(),
      unit: z.string().optional(),
      default: z.unknown().optional(),
    }),
  ),
  required: z.array(z.string()).default([]),
  additionalProperties: z.literal(false).default(false),
});
export type ParamSchema = z.infer<typeof ParamSchema>;

export const ActuatorCommand = z.object({
  action: Id,
  label: z.string().max(200),
  labels: LocalLabels.optional(),
  params: ParamSchema,
  /** Sensor whose change confirms the command took effect, if any. */
  confirmedBy: z.string().optional(),
});
export type ActuatorCommand = z.infer<typeof ActuatorCommand>;

export const ActuatorKind = z.enum(['valve', 'pump', 'fan', 'light', 'heater', 'vent', 'other']);
export type ActuatorKind = z.infer<typeof ActuatorKind>;

export const Actuator = z.object({
  id: Id,
  kind: ActuatorKind,
  label: z.string().max(200),
  labels: LocalLabels.optional(),
  commands: z.array(ActuatorCommand),
  /** How long after it is sent a command may still start; later, it never runs (default by kind). */
  deliveryWindowS: z.number().int().min(1).max(3600).optional(),
});
export type Actuator = z.infer<typeof Actuator>;

/**
 * A command that starts late can be dangerous (the operator may have done something else meanwhile), so a
 * command must start within this window of being sent, or never. Water and heat act at once; lights and
 * vents tolerate a short wait.
 */
export const DEFAULT_DELIVERY_WINDOW_S: Readonly<Record<ActuatorKind, number>> = {
  valve: 60,
  pump: 60,
  heater: 60,
  fan: 120,
  vent: 120,
  light: 300,
  other: 60,
};

/** The delivery window of an actuator, in milliseconds. */
export function deliveryWindowMs(actuator: Pick<Actuator, 'kind' | 'deliveryWindowS'>): number {
  return (actuator.deliveryWindowS ?? DEFAULT_DELIVERY_WINDOW_S[actuator.kind]) * 1000;
}

export const Location = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type Location = z.infer<typeof Location>;

export const FarmInfo = z.object({
  apiVersion: z.literal(FARM_API_VERSION),
  farmId: Id,
  name: z.string().max(200),
  location: Location.nullable(),
  timeZone: z.string().max(64),
  sensors: z.array(Sensor),
  actuators: z.array(Actuator),
  gatewayVersion: z.string(),
  capabilities: z.array(z.string()),
});
export type FarmInfo = z.infer<typeof FarmInfo>;

export const Quality = z.enum(['ok', 'stale', 'fault']);
export type Quality = z.infer<typeof Quality>;

export const Reading = z.object({
  sensorId: Id,
  ts: z.number().int(),
  value: z.number().nullable(),
  quality: Quality,
});
export type Reading = z.infer<typeof Reading>;

export const CurrentData = z.object({
  farmId: Id,
  at: z.string(),
  readings: z.array(Reading),
});
export type CurrentData = z.infer<typeof CurrentData>;

export const HistoryQuery = z.object({
  sensor: Id,
  from: z.coerce.number().int(),
  to: z.coerce.number().int(),
  maxPoints: z.coerce.number().int().min(2).max(Limits.historyMaxPoints).optional(),
  /** Preferred downsampling when points must be dropped (min/max by default: keeps every spike). */
  method: z.enum(['lttb', 'minmax']).optional(),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const DownsampleMethod = z.enum(['raw', 'lttb', 'minmax', 'rollup-1m']);
export type DownsampleMethod = z.infer<typeof DownsampleMethod>;

export const HistoryResponse = z.object({
  farmId: Id,
  sensorId: Id,
  from: z.number().int(),
  to: z.number().int(),
  method: DownsampleMethod,
  /**
   * Where the points came from: raw readings, 1-minute rollups (older than raw retention, or many raw
   * rows), or 1-hour rollups (buckets of an hour or more, or ranges of months).
   */
  source: z.enum(['raw', 'rollup-1m', 'rollup-1h']).optional(),
  /** Typical spacing of the returned points. */
  resolutionMs: z.number().nonnegative(),
  /** Points in the source before downsampling. */
  sourcePoints: z.number().int().nonnegative(),
  /** [ts, value]; value null marks a gap (a fault or missing data). */
  points: z.array(z.tuple([z.number().int(), z.number().nullable()])),
});
export type HistoryResponse = z.infer<typeof HistoryResponse>;

/**
 * `interrupted`: the gateway stopped (crashed, was killed, or shut down) while the actuator was being
 * driven, so whether it acted is not known — someone has to check the device before retrying.
 */
export const CommandState = z.enum([
  'queued',
  'running',
  'succeeded',
  'failed',
  'interrupted',
  'expired',
  'rejected',
]);
export type CommandState = z.infer<typeof CommandState>;
/** The reason recorded for an interrupted command. */
export const INTERRUPTED_REASON = 'interrupted: the actuator may have acted — check it';
export const TERMINAL_COMMAND_STATES: readonly CommandState[] = [
  'succeeded',
  'failed',
  'interrupted',
  'expired',
  'rejected',
];

/** Whether a command's state is its last (the ledger's `sending` and `unknown` are not). */
export function isTerminal(state: string): boolean {
  return (TERMINAL_COMMAND_STATES as readonly string[]).includes(state);
}

/** One value of a command parameter, as the wire carries it (the actuator's schema narrows it). */
export const ParamValue = z.union([z.number(), z.string(), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValue>;

export const CommandRequest = z.object({
  id: Id,
  action: Id,
  target: Id,
  params: z.record(z.string(), ParamValue).default({}),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type CommandRequest = z.infer<typeof CommandRequest>;
export type CommandRequestInput = z.input<typeof CommandRequest>;

export const CommandTransition = z.object({
  state: CommandState,
  at: z.string(),
  reason: z.string().optional(),
});

export const CommandRecord = z.object({
  id: Id,
  action: Id,
  target: Id,
  params: z.record(z.string(), ParamValue),
  expiresAt: z.string(),
  state: CommandState,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Who asked, as the tailnet said (login or node name). */
  requestedBy: z.string(),
  history: z.array(CommandTransition),
  reason: z.string().optional(),
  /** The reading that confirms the effect, where one exists. */
  confirmation: Reading.nullable(),
});
export type CommandRecord = z.infer<typeof CommandRecord>;

export const CommandList = z.object({
  commands: z.array(CommandRecord),
  /** Pass as `since` to continue. */
  next: z.string().nullable(),
});
export type CommandList = z.infer<typeof CommandList>;

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  farmId: Id,
  version: z.string(),
  uptimeS: z.number().nonnegative(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});
export type Health = z.infer<typeof Health>;

/** Live stream (WebSocket on FARM_STREAM_PATH, `?since=<seq>` to resume). */
export const StreamMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), farmId: Id, seq: z.number().int(), oldestSeq: z.number().int() }),
  z.object({ type: z.literal('readings'), seq: z.number().int(), readings: z.array(Reading) }),
  z.object({ type: z.literal('command'), seq: z.number().int(), command: CommandRecord }),
  /** The replay buffer no longer reaches back to `fromSeq`: backfill [fromTs, toTs] through history. */
  z.object({
    type: z.literal('gap'),
    fromSeq: z.number().int(),
    toSeq: z.number().int(),
    fromTs: z.number().int(),
    toTs: z.number().int(),
  }),
]);
export type StreamMessage = z.infer<typeof StreamMessage>;
