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
import { CommandState, FarmInfo, HistoryResponse, Location, Reading } from '../protocol/farm-api.ts';
import { Role } from '../protocol/identity.ts';

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
  canCommand: z.boolean(),
  canEditTags: z.boolean(),
  canOnboard: z.boolean(),
  canEditFarmMetadata: z.boolean(),
  /** Why the tailnet gave these rights, in words, for the UI to explain hidden controls. */
  explanation: z.string(),
});
export type Me = z.infer<typeof Me>;

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
    apiUrl: z.url().max(500).optional(),
    tailnetName: z.string().max(200).optional(),
    headscaleUrl: z.url().max(500).optional(),
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
    z.object({ deviceId: z.string().min(1).max(100), tags: z.array(z.string().regex(/^tag:[a-z0-9-]+$/i)).max(50) }),
    TailnetDevice,
  ),
  createFarmAuthKey: op(
    z.object({
      farmName: z.string().min(1).max(63).regex(/^[a-z0-9-]+$/i, 'letters, digits and dashes'),
      expiryHours: z.number().int().min(1).max(24 * 90).default(24),
    }),
    z.object({ key: z.string(), expiresAt: z.string(), installCommand: z.string() }),
  ),
  openExternal: op(z.object({ url: z.url().max(2000) }), z.void()),
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
