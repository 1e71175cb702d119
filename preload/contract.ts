/**
 * The one typed contract between the renderer and the main process.
 *
 * Every operation is a request → result pair with a zod schema for each side; every push event has a
 * schema for its payload. Main registers one handler per operation from this list (Electron IPC and the
 * browser host's WebSocket bridge alike), the preload builds one function per operation, and the renderer
 * imports the types. Adding an operation here is the only way to widen the surface.
 */
import { z } from 'zod';
import { TailnetDevice } from '../protocol/device.ts';
import {
  CommandState,
  FarmInfo,
  HistoryResponse,
  Location,
  Reading,
  SensorKind,
} from '../protocol/farm-api.ts';
import { Role } from '../protocol/identity.ts';
import { controlPlaneUrlProblem } from '../protocol/tailnet-address.ts';

// ---- models ---------------------------------------------------------------------------------------

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'browser']),
  /** Which tailnet the core talks to; `simulated` only in the demo and tests. */
  tailnet: z.enum(['simulated', 'localapi', 'api-v2', 'headscale', 'none']),
  platform: z.string(),
  locale: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const Me = z.object({
  user: z.string(),
  displayName: z.string(),
  nodeName: z.string(),
  roles: z.array(Role),
  /** True when at least one farm may be commanded; per farm, ask `mayCommand(commandFarms, farmId)`. */
  canCommand: z.boolean(),
  /** Farms this person may command: `'*'` for all, else farm ids or hostnames (protocol/identity.ts). */
  commandFarms: z.union([z.literal('*'), z.array(z.string())]),
  canEditTags: z.boolean(),
  canOnboard: z.boolean(),
  canEditFarmMetadata: z.boolean(),
  /** Why the tailnet gave these rights, in words, for the UI to explain hidden controls. */
  explanation: z.string(),
});
export type Me = z.infer<typeof Me>;

/** A control-plane URL an API key may be sent to (https, or http on loopback only). */
const ControlPlaneUrl = z
  .url()
  .max(500)
  .superRefine((v, ctx) => {
    const problem = controlPlaneUrlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const Settings = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  language: z.enum(['system', 'en', 'ru']),
  units: z.enum(['metric', 'imperial']),
  /** A reading older than this is shown as stale (greyed, with its age). */
  staleAfterS: z.number().int().min(10).max(86_400),
  /** A farm unreachable for longer than this is shown as offline. */
  offlineAfterS: z.number().int().min(10).max(86_400),
  tailnet: z.object({
    backend: z.enum(['auto', 'localapi', 'api-v2', 'headscale']),
    localApiSocket: z.string().max(500).optional(),
    apiUrl: ControlPlaneUrl.optional(),
    tailnetName: z.string().max(200).optional(),
    headscaleUrl: ControlPlaneUrl.optional(),
  }),
  registry: z.object({
    /** Serve the discovery registry from this desktop (on its tailnet address). */
    embedded: z.boolean(),
    /** A registry to use instead of finding one tagged `tag:registry`. */
    url: z.url().max(500).optional(),
  }),
  map: z.object({
    /** Online tile source (`{z}/{x}/{y}`); the bundled basemap is used when absent or unreachable. */
    tileUrl: z.string().max(500).optional(),
  }),
});
export type Settings = z.infer<typeof Settings>;

/** What a new installation starts with; the renderer also shows these until the core's arrive. */
export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  language: 'system',
  units: 'metric',
  staleAfterS: 120,
  offlineAfterS: 300,
  tailnet: { backend: 'auto' },
  registry: { embedded: false },
  map: {},
};

export const SecretsStatus = z.object({
  keychainAvailable: z.boolean(),
  stored: z.array(z.enum(['tailscale-api-key', 'tailscale-oauth-secret', 'headscale-api-key'])),
});
export type SecretsStatus = z.infer<typeof SecretsStatus>;

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

export const LedgerState = z.union([CommandState, z.enum(['sending', 'unknown'])]);
export type LedgerState = z.infer<typeof LedgerState>;

export const LedgerCommand = z.object({
  id: z.string(),
  farmId: z.string(),
  farmName: z.string(),
  action: z.string(),
  target: z.string(),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  requestedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  state: LedgerState,
  reason: z.string().nullable(),
  history: z.array(z.object({ state: LedgerState, at: z.string(), reason: z.string().optional() })),
});
export type LedgerCommand = z.infer<typeof LedgerCommand>;

export const CommandFilter = z.object({
  farmId: z.string().max(100).optional(),
  requestedBy: z.string().max(200).optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});

export const ParamValue = z.union([z.number(), z.string().max(200), z.boolean()]);

// ---- alerts (models) ------------------------------------------------------------------------------

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

// ---- operations -------------------------------------------------------------------------------------

function op<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

const FarmRef = z.object({ farmId: z.string().min(1).max(100) });

export const operations = {
  getAppInfo: op(z.void(), AppInfo),
  getMe: op(z.void(), Me),
  getSettings: op(z.void(), Settings),
  updateSettings: op(Settings.partial(), Settings),
  getSecretsStatus: op(z.void(), SecretsStatus),
  storeSecret: op(
    z.object({ name: SecretsStatus.shape.stored.element, value: z.string().min(1).max(4096) }),
    SecretsStatus,
  ),
  deleteSecret: op(z.object({ name: SecretsStatus.shape.stored.element }), SecretsStatus),
  listFarms: op(z.void(), z.array(FarmSummary)),
  getFarm: op(FarmRef, FarmDetail),
  updateFarmMetadata: op(
    FarmRef.extend({
      displayName: z.string().min(1).max(200).optional(),
      notes: z.string().max(5000).optional(),
      location: Location.nullable().optional(),
    }),
    FarmSummary,
  ),
  getHistory: op(
    FarmRef.extend({
      sensorIds: z.array(z.string().min(1).max(100)).min(1).max(12),
      from: z.number().int(),
      to: z.number().int(),
      maxPoints: z.number().int().min(2).max(5000),
    }),
    z.object({ series: z.array(HistoryResponse), fromCache: z.boolean() }),
  ),
  sendCommand: op(
    FarmRef.extend({
      action: z.string().min(1).max(100),
      target: z.string().min(1).max(100),
      params: z.record(z.string().max(100), ParamValue),
    }),
    LedgerCommand,
  ),
  getCommand: op(z.object({ id: z.string().min(1).max(100) }), LedgerCommand),
  listCommands: op(CommandFilter, z.array(LedgerCommand)),
  exportCommandsCsv: op(CommandFilter, z.object({ filename: z.string(), csv: z.string() })),
  listDevices: op(
    z.object({ tag: z.string().max(100).optional(), untagged: z.boolean().optional() }),
    z.array(TailnetDevice),
  ),
  setDeviceTags: op(
    z.object({
      deviceId: z.string().min(1).max(100),
      tags: z.array(z.string().regex(/^tag:[a-z0-9-]+$/i)).max(50),
    }),
    TailnetDevice,
  ),
  createFarmAuthKey: op(
    z.object({
      farmName: z
        .string()
        .min(1)
        .max(63)
        .regex(/^[a-z0-9-]+$/i, 'letters, digits and dashes'),
      expiryHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 90)
        .default(24),
    }),
    z.object({ key: z.string(), expiresAt: z.string(), installCommand: z.string() }),
  ),
  openExternal: op(z.object({ url: z.url().max(2000) }), z.void()),
  listAlertRules: op(z.void(), z.array(AlertRule)),
  saveAlertRule: op(AlertRuleInput, AlertRule),
  deleteAlertRule: op(z.object({ id: z.string().min(1).max(100) }), z.void()),
  listAlerts: op(AlertFilter, z.object({ alerts: z.array(Alert), counts: AlertCounts })),
  acknowledgeAlert: op(
    z.object({ id: z.string().min(1).max(100), note: z.string().trim().max(1000) }),
    Alert,
  ),
  /** POSTs a sample payload to `url` (tailnet only) and reports the answer; failures are errors. */
  testWebhook: op(
    z.object({ url: z.string().trim().min(1).max(500) }),
    z.object({ status: z.number().int(), ms: z.number(), attempts: z.number().int() }),
  ),
} as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type OperationInput<K extends OperationName> = z.input<Operations[K]['input']>;
export type OperationOutput<K extends OperationName> = z.output<Operations[K]['output']>;

// ---- push events ----------------------------------------------------------------------------------

export const events = {
  /** Farms whose summary changed since the last batch (coalesced, at most ~10 batches a second). */
  farmsChanged: z.object({ changed: z.array(FarmSummary), removed: z.array(z.string()) }),
  commandChanged: LedgerCommand,
  devicesChanged: z.object({ at: z.string() }),
  settingsChanged: Settings,
  /** Alerts that changed, the current counts, and notifications to show (browser host: via the Notification API). */
  alertsChanged: z.object({ changed: z.array(Alert), counts: AlertCounts, notices: z.array(AlertNotice) }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.output<Events[K]>;

/** What the renderer sees: one function per operation, plus typed event subscription. */
export type AgromeshApi = {
  [K in OperationName]: OperationInput<K> extends undefined | void
    ? () => Promise<OperationOutput<K>>
    : (input: OperationInput<K>) => Promise<OperationOutput<K>>;
} & {
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void;
};

/**
 * One operation's answer as it crosses a transport (IPC or the browser host's bridge): the error is the
 * envelope's body (`code`, `message`, `details`), never flattened into a string.
 */
export type ResultEnvelope =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; details?: unknown } };

/** What the preload exposes as `window.agromesh`: each operation resolves with its envelope. */
export type ElectronBridge = {
  [K in OperationName]: (input?: unknown) => Promise<ResultEnvelope>;
} & {
  on: AgromeshApi['on'];
};

/** The handlers main implements, one per operation; `ctx` says who is calling. */
export type OperationHandlers = {
  [K in OperationName]: (input: z.output<Operations[K]['input']>) => Promise<OperationOutput<K>>;
};

export const IPC_PREFIX = 'agromesh:';
export const EVENT_PREFIX = 'agromesh-event:';

/** The result envelope on the wire (IPC and WebSocket): Electron's invoke keeps only an error's message. */
export const Envelope = z.union([
  z.object({ ok: z.literal(true), value: z.unknown().optional() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  }),
]);
export type Envelope = z.infer<typeof Envelope>;

export const operationNames = Object.keys(operations) as OperationName[];
export const eventNames = Object.keys(events) as EventName[];
