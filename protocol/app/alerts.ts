/** Alert rules, the alerts they raise, and the notices shown for them. */
import { z } from 'zod';
import { LocalLabels, SensorKind } from '../farm-api.ts';

export const AlertSeverity = z.enum(['info', 'warning', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

export const HealthLayerName = z.enum(['tailnet', 'gateway', 'data']);
export type HealthLayerName = z.infer<typeof HealthLayerName>;

const AlertSeconds = z
  .number()
  .int()
  .min(0)
  .max(30 * 86_400);
const AlertSubjectId = z.string().min(1).max(100);

/** What a rule watches. Durations in seconds; `hysteresis` is how far back a value must come to clear. */
export const AlertCondition = z.discriminatedUnion('kind', [
  /** Above and/or below a fixed level for `forS`; clears at above − hysteresis / below + hysteresis. */
  z.object({
    kind: z.literal('threshold'),
    sensorKind: SensorKind.nullable(),
    above: z.number().nullable(),
    below: z.number().nullable(),
    hysteresis: z.number().min(0),
    forS: AlertSeconds,
  }),
  /** Further than `delta` from a setpoint (a fixed number or another sensor's latest value). */
  z.object({
    kind: z.literal('setpoint'),
    sensorKind: SensorKind.nullable(),
    setpoint: z.number().nullable(),
    setpointSensorId: AlertSubjectId.nullable(),
    delta: z.number().positive(),
    direction: z.enum(['above', 'below', 'both']),
    hysteresis: z.number().min(0),
    forS: AlertSeconds,
  }),
  /** Outside [min, max]; null limits come from the sensor's expectedRange (FarmInfo), null hysteresis = 2 % of the span. */
  z.object({
    kind: z.literal('range'),
    min: z.number().nullable(),
    max: z.number().nullable(),
    hysteresis: z.number().min(0).nullable(),
    forS: AlertSeconds,
  }),
  /** One health layer down (data: stale) for longer than `forS`. */
  z.object({ kind: z.literal('offline'), layer: HealthLayerName, forS: AlertSeconds }),
  /** No reading from a sensor for `forS` (at least three of its reporting intervals). */
  z.object({ kind: z.literal('stale'), forS: AlertSeconds }),
  /** A command ended in one of `states`; `unknown` counts once it has stayed unknown for `unknownForS`. */
  z.object({
    kind: z.literal('command'),
    states: z
      .array(z.enum(['failed', 'rejected', 'expired', 'unknown']))
      .min(1)
      .max(4),
    unknownForS: AlertSeconds,
  }),
  /** The farm node's tailnet key expires within `withinDays`. */
  z.object({ kind: z.literal('keyExpiry'), withinDays: z.number().int().min(1).max(365) }),
]);
export type AlertCondition = z.infer<typeof AlertCondition>;
export type AlertKind = AlertCondition['kind'];
export const AlertKind = z.enum([
  'threshold',
  'setpoint',
  'range',
  'offline',
  'stale',
  'command',
  'keyExpiry',
]);

/** Whom to tell: nobody (the Alerts view only), when it fires, or when it fires and when it clears. */
export const AlertNotify = z.enum(['none', 'fire', 'fire-and-resolve']);
export type AlertNotify = z.infer<typeof AlertNotify>;

const alertRuleFields = {
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean(),
  severity: AlertSeverity,
  /** Scope: null = all farms. */
  farmId: z.string().min(1).max(100).nullable(),
  /** Scope: one sensor of `farmId` (for command rules: one actuator). */
  sensorId: AlertSubjectId.nullable(),
  condition: AlertCondition,
  notify: AlertNotify,
  /** JSON POST target; a tailnet address or MagicDNS name over http (the tailnet encrypts). */
  webhookUrl: z.string().trim().max(500).nullable(),
};

export const AlertRule = z.object({
  id: z.string(),
  ...alertRuleFields,
  /** Shipped default: may be edited or disabled, not deleted. */
  builtin: z.boolean(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type AlertRule = z.infer<typeof AlertRule>;

/** Create (no id) or replace (id) a rule. */
export const AlertRuleInput = z.object({ id: z.string().min(1).max(100).optional(), ...alertRuleFields });
export type AlertRuleInput = z.infer<typeof AlertRuleInput>;

export const AlertState = z.enum(['firing', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof AlertState>;

/** Structured facts so the renderer can word an alert in its own language. */
export const AlertFacts = z.object({
  value: z.number().nullable().optional(),
  /** The level that was crossed (threshold, range, setpoint ± delta). */
  limit: z.number().optional(),
  /** The level the value must return to before the alert clears. */
  clear: z.number().optional(),
  direction: z.enum(['above', 'below']).optional(),
  unit: z.string().optional(),
  sensorLabel: z.string().optional(),
  /** The sensor's label in other languages, from the farm's layout. */
  sensorLabels: LocalLabels.optional(),
  layer: HealthLayerName.optional(),
  layerDetail: z.string().optional(),
  commandId: z.string().optional(),
  action: z.string().optional(),
  target: z.string().optional(),
  commandState: z.string().optional(),
  reason: z.string().optional(),
  keyExpiry: z.string().optional(),
  forS: z.number().optional(),
  /** Last reading of a stale sensor (epoch ms), null when never seen. */
  lastTs: z.number().nullable().optional(),
});
export type AlertFacts = z.infer<typeof AlertFacts>;

/** Why an alert closed: it cleared by itself, someone acted, or its rule changed. */
export const AlertResolution = z.enum([
  'cleared',
  'reporting-again',
  'back-online',
  'command-succeeded',
  'command-reported',
  'key-renewed',
  'key-expiry-off',
  'acknowledged',
  'rule-deleted',
  'rule-disabled',
  'rule-not-applicable',
  'farm-removed',
]);
export type AlertResolution = z.infer<typeof AlertResolution>;

export const Alert = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  kind: AlertKind,
  severity: AlertSeverity,
  farmId: z.string(),
  farmName: z.string(),
  sensorId: z.string().nullable(),
  /** What the episode is about: sensor id, health layer, command id or `key`. */
  subject: z.string(),
  state: AlertState,
  /** One line in English (notifications, webhooks); the UI words it from `kind` and `facts`. */
  title: z.string(),
  facts: AlertFacts,
  /** Worst value seen during the episode (sensor rules). */
  peak: z.number().nullable(),
  /** When the condition began (the start of the chart band). */
  startedAt: z.string(),
  firedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  note: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  /** `system` when it cleared by itself, otherwise who closed it. */
  resolvedBy: z.string().nullable(),
  resolution: AlertResolution.nullable(),
});
export type Alert = z.infer<typeof Alert>;

export const AlertFilter = z.object({
  state: z.array(AlertState).max(3).optional(),
  farmId: z.string().max(100).optional(),
  sensorId: z.string().max(100).optional(),
  severity: z.array(AlertSeverity).max(3).optional(),
  /** Episodes overlapping [from, to] (epoch ms). */
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type AlertFilter = z.input<typeof AlertFilter>;

export const AlertCounts = z.object({ firing: z.number().int(), acknowledged: z.number().int() });
export type AlertCounts = z.infer<typeof AlertCounts>;

/** A notification as shown to people: one per alert, or one summary for a storm. */
export const AlertNotice = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  severity: AlertSeverity,
  type: z.enum(['fired', 'resolved', 'summary']),
  alertIds: z.array(z.string()),
  at: z.string(),
});
export type AlertNotice = z.infer<typeof AlertNotice>;
