/**
 * The one typed contract between the renderer and the main process.
 *
 * Every operation is a request → result pair with a zod schema for each side; every push event has a
 * schema for its payload. Main registers one handler per operation from this list (Electron IPC and the
 * browser host's WebSocket bridge alike), the preload builds one function per operation, and the renderer
 * imports the types. Adding an operation here is the only way to widen the surface.
 */
import { z } from 'zod';
import { TailnetDevice } from '../device.ts';
import { HistoryResponse, Location } from '../farm-api.ts';
import { AppInfo, Diagnostics, Me, SecretsStatus, Settings } from './settings.ts';
import { FarmDetail, FarmSummary } from './farms.ts';
import { CommandFilter, LedgerCommand, ParamInputValue } from './commands.ts';
import { Alert, AlertCounts, AlertFilter, AlertNotice, AlertRule, AlertRuleInput } from './alerts.ts';
import { FleetHygiene } from './hygiene.ts';
import { FarmLink, FarmLinkInput } from './link.ts';
import { FarmPolicyAttributes } from './farm-policy.ts';
import { FARM_POLICY_TEXT_MAX } from '../discovery-api.ts';

// ---- operations -------------------------------------------------------------------------------------

function op<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

const FarmRef = z.object({ farmId: z.string().min(1).max(100) });

export const operations = {
  getAppInfo: op(z.void(), AppInfo),
  /** For support: versions, backend, tailnet state and recent problems, never secrets. */
  getDiagnostics: op(z.void(), Diagnostics),
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
      /** '' clears; written to the farm's device as posture attributes where the backend has them. */
      region: z.string().max(FARM_POLICY_TEXT_MAX).optional(),
      crop: z.string().max(FARM_POLICY_TEXT_MAX).optional(),
      owner: z.string().max(FARM_POLICY_TEXT_MAX).optional(),
    }),
    FarmSummary,
  ),
  /** The region/crop/owner posture attributes the farm's device carries now, against the registry's. */
  getFarmPolicyAttributes: op(FarmRef, FarmPolicyAttributes),
  getHistory: op(
    FarmRef.extend({
      sensorIds: z.array(z.string().min(1).max(100)).min(1).max(12),
      from: z.number().int(),
      to: z.number().int(),
      maxPoints: z.number().int().min(2).max(5000),
    }),
    z.object({ series: z.array(HistoryResponse), fromCache: z.boolean() }),
  ),
  /** How this control room reached the farm over [from, to]: sampled path, round trips, reconnects. */
  getFarmLink: op(FarmLinkInput, FarmLink),
  sendCommand: op(
    FarmRef.extend({
      action: z.string().min(1).max(100),
      target: z.string().min(1).max(100),
      params: z.record(z.string().max(100), ParamInputValue),
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
  /** Tags the tailnet policy defines (its `tagOwners`); empty when this backend cannot read the policy. */
  listPolicyTags: op(z.void(), z.object({ tags: z.array(z.string()), known: z.boolean() })),
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
    z.object({
      key: z.string(),
      expiresAt: z.string(),
      installCommand: z.string(),
      /** `control-room`: the command installs the gateway package this control room serves. */
      packageSource: z.enum(['control-room', 'preinstalled']),
    }),
  ),
  /** Support: the fleet-hygiene radar (expiring keys, old gateways, untagged gateways, silent nodes). */
  getFleetHygiene: op(z.void(), FleetHygiene),
  /** Support: revoke an onboarding (auth) key; Tailscale API v2 and Headscale only. */
  revokeAuthKey: op(z.object({ keyId: z.string().min(1).max(100) }), z.void()),
  /** Support: stop a node's key from expiring; Tailscale API v2 only. */
  disableKeyExpiry: op(z.object({ deviceId: z.string().min(1).max(100) }), TailnetDevice),
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
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } };

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
