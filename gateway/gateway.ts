/**
 * startGateway: the farm-side program as a library. Opens the store, brings up the farm (simulated or
 * real hardware), serves Farm API v1 and the live stream on one port, heartbeats to the registry and
 * prunes old data. `dispose()` stops everything it started, in reverse order.
 */
import { hostname as osHostname } from 'node:os';
import type { Server } from 'node:http';
import type { DatabaseSync } from 'node:sqlite';
import {
  FARM_API_VERSION,
  FARM_HTTP_PORT,
  type FarmInfo,
  type Health,
  type Location,
} from '../protocol/farm-api.ts';
import { REGISTRY_HTTP_PORT, type Heartbeat, chooseRegistry } from '../protocol/discovery-api.ts';
import { REGISTRY_TAG } from '../protocol/device.ts';
import { AgromeshError } from '../protocol/errors.ts';
import {
  ipVersion,
  isLoopbackAddress,
  isTailnetAddress,
  isTailnetIPv4,
} from '../protocol/tailnet-address.ts';
import { DisposableStack } from '../kit/disposable.ts';
import { isStorageFull } from '../kit/sqlite.ts';
import { closeServer, createJsonServer, listen } from '../kit/http/json.ts';
import { type HostGuard, LOOPBACK_NAMES, refusal } from '../kit/http/host-guard.ts';
import { type Logger, createLogger } from '../kit/log.ts';
import type { LocalApiClient } from '../kit/tailscale/localapi.ts';
import { type IdentityResolver, createAuthorizer, insecureLoopbackResolver } from './auth.ts';
import { type Clock, systemClock } from './clock.ts';
import type { ActuatorDriver } from './commands/driver.ts';
import { createCommandService } from './commands/service.ts';
import { type PushServer, startPushServer } from './hardware/push-server.ts';
import { type SensorCommand, startSensorCommand } from './hardware/sensor-command.ts';
import { createApiHandler, routeName } from './http/api.ts';
import { type Ingest, type IngestResult, createIngest } from './ingest.ts';
import { type FarmLayout, publicActuators } from './layout.ts';
import { createCommandStore } from './store/commands.ts';
import {
  getMeta,
  onStorageChange,
  onWriteTimed,
  openGatewayDatabase,
  setMeta,
  storageStatus,
} from './store/db.ts';
import { createGatewayMetrics } from './metrics.ts';
import { observeHttp } from '../kit/metrics.ts';
import { join } from 'node:path';
import { type Retention, createReadingStore, defaultRetention } from './store/readings.ts';
import { createStreamHub } from './stream/hub.ts';
import { attachStreamServer } from './stream/ws-server.ts';
import { startHeartbeat, type HeartbeatLoop } from './tailnet/heartbeat.ts';
import { bootstrapTailnet } from './tailnet/bootstrap.ts';
import { scheduleRetention } from './store/retention-schedule.ts';
import { setUpFarm } from './farm-setup.ts';
import type { FarmSimulator } from './simulator/farm-sim.ts';
import { backfillSimulated } from './simulator/backfill.ts';
import { AGROMESH_VERSION as GATEWAY_VERSION } from '../kit/version.ts';
import type { Reading } from '../protocol/farm-api.ts';

export interface SimulateOptions {
  seed: number;
  /** Farm time runs this many times faster than real time (readings keep real timestamps). */
  speed?: number;
  /** Fill this many hours of history at start so charts have data at once. */
  backfillHours?: number;
  /** The same in ms (wins over backfillHours): `--backfill DURATION`. */
  backfillMs?: number;
  /** Let zone 1 dry out of its expected range, starting this long after start (alert demos). */
  driftOutOfRangeAfterMs?: number | null;
  /** Daily irrigation/refill schedule (default on). */
  schedule?: boolean;
}

export interface GatewayOptions {
  /** null: an in-memory database (tests). */
  dataDir: string | null;
  farmId?: string;
  farmName?: string;
  location?: Location | null;
  timeZone?: string;
  /** Where the API listens. Default: this node's tailnet IPv4, port 8080. */
  listen?: { host?: string; port?: number };
  simulate?: SimulateOptions | null;
  /** Sensors and actuators of real hardware (ignored when simulating). */
  layout?: FarmLayout;
  /** Seconds a command may wait to start, for actuators without their own `deliveryWindowS`. */
  commandWindowS?: number;
  sensorCommand?: string;
  actuatorCommand?: string;
  actuatorTimeoutMs?: number;
  /** On shutdown, how long a running actuator handler has after SIGTERM before SIGKILL (default 2 s). */
  actuatorStopGraceMs?: number;
  /** Replaces the actuator driver (tests). */
  actuatorDriver?: ActuatorDriver;
  /** Local push endpoint for readings (loopback only); off when absent. */
  push?: { host?: string; port: number } | null;
  /** Who-is for a remote address; default: the LocalAPI at `localApiSocket`. */
  resolveIdentity?: IdentityResolver;
  localApiSocket?: string;
  /** Use this LocalAPI client instead of creating one (tests). */
  localApi?: LocalApiClient;
  insecureNoAuth?: boolean;
  operatorTags?: string[];
  /**
   * Further names this gateway answers to besides its listen address and its tailnet addresses and
   * MagicDNS name (e.g. the tailnet address of a simulated node listening on its loopback alias).
   */
  hostNames?: string[];
  /** How long a who-is answer is reused (default 5 s). */
  identityCacheMs?: number;
  /** Join the tailnet at start when not already up. */
  tailnet?: { authKey: string; hostname?: string; tailscaleBin?: string; loginServer?: string } | null;
  discoveryUrl?: string | null;
  /** Look for a `tag:registry` peer when no discovery URL is given (default true when a LocalAPI is used). */
  discoverRegistry?: boolean;
  heartbeatIntervalMs?: number;
  clock?: Clock;
  retention?: Retention;
  retentionIntervalMs?: number;
  /**
   * The clock is right even though it is far ahead of the stored data (the gateway was off that long):
   * let the next retention run go ahead instead of holding.
   */
  acceptClockJump?: boolean;
  streamBufferSize?: number;
  pingIntervalMs?: number;
  /** How often the simulator and the expiry sweep run (real ms). */
  tickMs?: number;
  log?: Logger;
  /** Test hook: called with the open database (e.g. to cap its size with PRAGMA max_page_count). */
  onDatabase?: (db: DatabaseSync) => void;
}

export interface GatewayHandle {
  farmId: string;
  address: string;
  port: number;
  url: string;
  pushPort: number | null;
  /** Feed readings as the hardware adapters do (tests, embedding). */
  ingest(readings: Reading[]): IngestResult;
  /** Run the simulator and the expiry sweep now instead of waiting for the timer. */
  tick(): void;
  /** Resolves when no command is queued or running. */
  commandsIdle(): Promise<void>;
  /** Run retention now. */
  prune(): Promise<number>;
  simulator: FarmSimulator | null;
  dispose(): Promise<void>;
}

/** A valid farm id as given, else a cleaned-up one ("North Field" → "north-field"). */
function farmIdFrom(text: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(text)) return text;
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9._:-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  return /^[a-z0-9]/.test(s) ? s : `farm-${s}`.slice(0, 100);
}

/** A tailnet hostname: one lowercase DNS label. */
/**
 * Bind outgoing heartbeats to our listen address when that makes the registry's who-is see this node:
 * a tailnet address always; a loopback alias (the simulated tailnet) only towards loopback.
 */
function sourceAddressFor(listenHost: string, url: URL): string | undefined {
  const target = url.hostname.replace(/^\[|\]$/g, '');
  if (isTailnetAddress(listenHost)) return listenHost;
  if (isLoopbackAddress(listenHost) && ipVersion(target) !== 0 && isLoopbackAddress(target))
    return listenHost;
  return undefined;
}

/** How much simulated past a fresh simulated gateway starts with (its sensors report at most once a minute). */
const SIM_WARMUP_MS = 15 * 60_000;

export async function startGateway(options: GatewayOptions): Promise<GatewayHandle> {
  const log = options.log ?? createLogger('gateway');
  const clock = options.clock ?? systemClock;
  const retention = options.retention ?? defaultRetention;
  const stack = new DisposableStack();
  try {
    return await start(options, log, clock, retention, stack);
  } catch (err) {
    await stack.dispose().catch(() => {});
    if (isStorageFull(err) && !(err instanceof AgromeshError && err.code === 'STORAGE_FULL')) {
      // A write at start (farm id, recovering commands) hit a full disk: one plain sentence, no stack.
      throw new AgromeshError(
        'STORAGE_FULL',
        `The disk holding ${options.dataDir ?? 'the database'} is full (or failing): free some space there, then start again.`,
        { cause: err },
      );
    }
    throw err;
  }
}

async function start(
  options: GatewayOptions,
  log: Logger,
  clock: Clock,
  retention: Retention,
  stack: DisposableStack,
): Promise<GatewayHandle> {
  const explicitHost = options.listen?.host;
  const port = options.listen?.port ?? FARM_HTTP_PORT;
  if (options.insecureNoAuth && (explicitHost === undefined || !isLoopbackAddress(explicitHost))) {
    throw new AgromeshError(
      'VALIDATION',
      `--insecure-no-auth is allowed only on a loopback listen address (got ${explicitHost ?? 'the tailnet address'}); refusing to start.`,
    );
  }

  const self = await bootstrapTailnet(
    {
      explicitHost,
      needLocalApi: !options.resolveIdentity && !options.insecureNoAuth,
      localApi: options.localApi,
      localApiSocket: options.localApiSocket,
      farmId: options.farmId,
      tailnet: options.tailnet,
    },
    log,
    stack,
  );
  const { localApi, hostName, host } = self;
  const selfAddresses = self.addresses;
  const selfName = self.name;
  const selfDnsName = self.dnsName;

  // Storage and farm identity.
  const db = openGatewayDatabase(options.dataDir);
  stack.defer(() => db.close());
  options.onDatabase?.(db);
  stack.defer(
    onStorageChange(db, (full, err) => {
      if (full) log.warn('disk full: refusing new readings and commands, still serving reads', { err });
      else log.info('disk space is back: storing readings and commands again');
    }),
  );
  const farmId = farmIdFrom(options.farmId ?? getMeta(db, 'farm_id') ?? osHostname());
  setMeta(db, 'farm_id', farmId);
  // From here on every line says which farm it is about (a fleet's logs end up in one place).
  log = log.with({ farmId });
  const farmName = options.farmName ?? getMeta(db, 'farm_name') ?? farmId;
  setMeta(db, 'farm_name', farmName);
  const location = options.location === undefined ? null : options.location;
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';

  const metrics = createGatewayMetrics({ farmId, version: GATEWAY_VERSION });
  stack.defer(onWriteTimed(db, (seconds) => metrics.sqliteWrite.observe(seconds)));
  const readings = createReadingStore(db);
  const commandStore = createCommandStore(db);

  const { simulator, layout, driver } = setUpFarm(options, { clock, readings, location, log, stack });
  const sim = options.simulate ?? null;

  const hub = createStreamHub({
    db,
    farmId,
    clock,
    bufferSize: options.streamBufferSize ?? 10_000,
    log: log.child('stream'),
  });
  const commands = createCommandService({
    store: commandStore,
    layout,
    driver,
    clock,
    log: log.child('commands'),
    onChange: (record) => {
      metrics.commandTransitions.inc({ state: record.state });
      hub.publishCommand(record);
    },
  });
  stack.defer(() => commands.dispose());
  const ingest: Ingest = createIngest({
    store: readings,
    layout,
    clock,
    retention,
    log: log.child('ingest'),
    metrics,
    onAdded: (added, publish) => {
      if (publish) hub.publishReadings(added);
      commands.onReadings(added); // a reading may confirm a command
    },
  });

  // History first (quietly), then live.
  if (simulator) {
    // At least a short warm-up, so a fresh simulated farm has current readings and some history at once.
    const spanMs = Math.max(sim?.backfillMs ?? (sim?.backfillHours ?? 0) * 3_600_000, SIM_WARMUP_MS);
    const [now, rawRetentionMs] = [clock.now(), retention.rawMs];
    backfillSimulated({
      simulator,
      readings,
      ingest,
      now,
      spanMs,
      rawRetentionMs,
      log: log.child('simulator'),
    });
  }
  commands.recover();

  const tick = () => {
    if (simulator) ingest.ingest(simulator.advanceTo(clock.now()));
    commands.sweep();
  };
  const tickMs = options.tickMs ?? Math.min(1_000, Math.max(50, simulator?.stepMs ?? 1_000));
  const ticker = setInterval(() => {
    try {
      tick();
    } catch (err) {
      // A full disk is reported once, when it fills (onStorageChange), not at every tick.
      if (!isStorageFull(err)) log.error('tick failed', { err });
    }
  }, tickMs);
  stack.defer(() => clearInterval(ticker));

  let sensorCommand: SensorCommand | undefined;
  if (options.sensorCommand) {
    sensorCommand = startSensorCommand({
      command: options.sensorCommand,
      clock,
      log: log.child('sensor-command'),
      onReadings: (rs) => {
        let r: IngestResult;
        try {
          r = ingest.ingest(rs);
        } catch (err) {
          if (isStorageFull(err)) return; // reported once when the disk filled; not a bad line
          throw err;
        }
        if (r.rejected.length > 0)
          log.warn('sensor command readings refused', { first: r.rejected[0], count: r.rejected.length });
      },
    });
    const sc = sensorCommand;
    stack.defer(() => sc.dispose());
  }

  // Who may call.
  const resolveIdentity: IdentityResolver =
    options.resolveIdentity ??
    (options.insecureNoAuth
      ? insecureLoopbackResolver
      : (address) =>
          localApi!.whois(address).catch((err: unknown) => {
            metrics.localApiErrors.inc({ op: 'whois' });
            throw err;
          }));
  const auth = createAuthorizer({
    resolve: resolveIdentity,
    farmNames: () => [...new Set([farmId, hostName, ...(selfName ? [selfName] : [])])],
    operatorTags: options.operatorTags ?? [],
    ...(options.identityCacheMs !== undefined ? { cacheMs: options.identityCacheMs } : {}),
  });

  const startedAt = Date.now();
  let heartbeat: HeartbeatLoop | undefined;
  const info = (): FarmInfo => ({
    apiVersion: FARM_API_VERSION,
    farmId,
    name: farmName,
    location,
    timeZone,
    sensors: layout.sensors,
    actuators: publicActuators(layout),
    gatewayVersion: GATEWAY_VERSION,
    capabilities: [
      'history:raw',
      'history:minmax',
      'history:lttb',
      'history:rollup-1m',
      'commands',
      'commands:confirmation',
      'stream',
      'stream:resume',
      ...(simulator ? ['simulated'] : []),
    ],
  });
  const retentionRun = scheduleRetention({
    db,
    readings,
    retention,
    clock,
    acceptClockJump: options.acceptClockJump,
    intervalMs: options.retentionIntervalMs,
    log,
  });
  stack.defer(() => retentionRun.dispose());
  const health = (): Health => {
    const checks: Health['checks'] = {};
    try {
      db.prepare('SELECT 1').get();
      checks.database = { ok: true };
    } catch (err) {
      checks.database = { ok: false, detail: (err as Error).message };
    }
    checks.storage = storageStatus(db);
    const held = retentionRun.held();
    if (held) checks.retention = { ok: false, detail: `held: ${held}` };
    const minInterval = Math.min(...layout.sensors.map((s) => s.intervalMs));
    const last = ingest.lastIngestAt();
    if (layout.sensors.length > 0) {
      const age = last === undefined ? undefined : clock.now() - last;
      const limit = Math.max(60_000, 3 * minInterval);
      checks.ingest =
        age !== undefined && age <= limit
          ? { ok: true, detail: `last reading ${Math.round(age / 1000)} s ago` }
          : {
              ok: false,
              detail:
                age === undefined ? 'no readings since start' : `no readings for ${Math.round(age / 1000)} s`,
            };
    }
    checks.identity = options.insecureNoAuth
      ? { ok: true, detail: 'authentication disabled (loopback only)' }
      : auth.status();
    if (sensorCommand) checks.sensorCommand = sensorCommand.status();
    if (heartbeat) {
      const s = heartbeat.status();
      checks.registry = { ok: s.ok, ...(s.detail ? { detail: s.detail } : {}) };
    }
    const ok = Object.values(checks).every((c) => c.ok);
    return {
      status: ok ? 'ok' : 'degraded',
      farmId,
      version: GATEWAY_VERSION,
      uptimeS: Math.round((Date.now() - startedAt) / 1000),
      checks,
    };
  };

  // Farm API v1 + stream on one port, answering only to this node's own names (DNS rebinding) and
  // never to a web page (the control room's core sends no Origin).
  const listenHost = host;
  const hostGuard: HostGuard = {
    names: () => [
      listenHost,
      ...selfAddresses,
      ...(selfName ? [selfName] : []),
      ...(selfDnsName ? [selfDnsName] : []),
      ...(isLoopbackAddress(listenHost) ? LOOPBACK_NAMES : []),
      ...(options.hostNames ?? []),
    ],
  };
  const apiHandler = createApiHandler({
    info,
    health,
    auth,
    clock,
    readings,
    commands,
    commandStore,
    retention,
    metrics,
    log: log.child('http'),
  });
  const server: Server = createJsonServer(
    { maxHeaderSize: 16 * 1024, log: log.child('http') },
    async (req, res) => {
      observeHttp(metrics.http, req, res, () => routeName(req.url));
      const refused = refusal(req, hostGuard);
      if (refused) throw refused;
      await apiHandler(req, res);
    },
  );
  const stream = attachStreamServer({
    server,
    hub,
    authorize: (req) => {
      const refused = refusal(req, hostGuard);
      return refused ? Promise.reject(refused) : auth.identify(req);
    },
    log: log.child('stream'),
    ...(options.pingIntervalMs ? { pingIntervalMs: options.pingIntervalMs } : {}),
  });
  metrics.bind({
    db,
    dbFile: options.dataDir === null ? null : join(options.dataDir, 'gateway.sqlite'),
    sensors: () => layout.sensors,
    latestTs: (id) => readings.latest(id)?.ts,
    now: () => clock.now(),
    streamClients: () => stream.clientCount(),
    storageFull: () => !storageStatus(db).ok,
  });
  const address = await listen(server, port, host);
  stack.defer(() => closeServer(server));
  stack.defer(() => stream.dispose());

  let push: PushServer | null = null;
  if (options.push) {
    push = await startPushServer({
      host: options.push.host ?? '127.0.0.1',
      port: options.push.port,
      ingest,
      clock,
    });
    const p = push;
    stack.defer(() => p.dispose());
  }

  // Heartbeat to the registry: a configured URL, or a tailnet peer tagged tag:registry.
  const discoverRegistry = options.discoverRegistry ?? localApi !== undefined;
  if (options.discoveryUrl || (discoverRegistry && localApi)) {
    const api = localApi;
    const body = (): Heartbeat => ({
      farmId,
      name: farmName,
      location,
      timeZone,
      gatewayVersion: GATEWAY_VERSION,
      apiPort: address.port,
      sensors: layout.sensors.length,
      actuators: layout.actuators.length,
      capabilities: info().capabilities,
    });
    heartbeat = startHeartbeat({
      body,
      registryUrl: async () =>
        options.discoveryUrl ??
        (api
          ? findRegistry(api).catch((err: unknown) => {
              metrics.localApiErrors.inc({ op: 'status' });
              throw err;
            })
          : null),
      onResult: (ok) => metrics.heartbeats.inc({ result: ok ? 'ok' : 'failed' }),
      localAddress: (url) => sourceAddressFor(listenHost, url),
      ...(options.heartbeatIntervalMs ? { intervalMs: options.heartbeatIntervalMs } : {}),
      log: log.child('heartbeat'),
    });
    const hb = heartbeat;
    stack.defer(() => hb.dispose());
  }

  const urlHost = ipVersion(address.address) === 6 ? `[${address.address}]` : address.address;
  log.info('gateway started', {
    farmId,
    address: address.address,
    port: address.port,
    simulated: simulator !== null,
  });
  return {
    farmId,
    address: address.address,
    port: address.port,
    url: `http://${urlHost}:${address.port}`,
    pushPort: push?.port ?? null,
    ingest: (rs) => ingest.ingest(rs),
    tick,
    commandsIdle: () => commands.idle(),
    prune: () => retentionRun.prune(),
    simulator,
    dispose: () => stack.dispose(),
  };
}

/** The registry every node of this tailnet uses (protocol/discovery-api.ts chooseRegistry), on its port. */
export async function findRegistry(api: LocalApiClient): Promise<string | null> {
  const status = await api.status();
  const ip = chooseRegistry(
    Object.values(status.Peer)
      .filter((peer) => peer.Tags.includes(REGISTRY_TAG))
      .map((peer) => ({
        address: peer.TailscaleIPs.find(isTailnetIPv4) ?? peer.TailscaleIPs[0] ?? '',
        online: peer.Online,
      })),
  );
  return ip ? `http://${ipVersion(ip) === 6 ? `[${ip}]` : ip}:${REGISTRY_HTTP_PORT}` : null;
}
