/**
 * startGateway: the farm-side program as a library. Opens the store, brings up the farm (simulated or
 * real hardware), serves Farm API v1 and the live stream on one port, heartbeats to the registry and
 * prunes old data. `dispose()` stops everything it started, in reverse order.
 */
import type { DatabaseSync } from 'node:sqlite';
import { FARM_HTTP_PORT, type Location, type Reading } from '../protocol/farm-api.ts';
import { AgromeshError } from '../protocol/errors.ts';
import { ipVersion } from '../protocol/tailnet-address.ts';
import { ResourceStack } from '../kit/resources.ts';
import { isStorageFull } from '../kit/sqlite.ts';
import { type Logger, createLogger } from '../kit/log.ts';
import type { LocalApiClient } from '../kit/tailscale/localapi.ts';
import type { IdentityResolver } from './auth.ts';
import { createCallerAuth, refuseInsecureOffLoopback } from './caller-auth.ts';
import { type Clock, systemClock } from './clock.ts';
import type { ActuatorDriver } from './commands/driver.ts';
import { farmIdentity, openFarmDatabase } from './farm-identity.ts';
import { wireFarmFlow } from './farm-flow.ts';
import { setUpFarm } from './farm-setup.ts';
import { startPushFeed, startSensorFeed } from './hardware/feeds.ts';
import { serveFarmApi } from './http/server.ts';
import type { IngestResult } from './ingest.ts';
import type { FarmLayout } from './layout.ts';
import { createGatewayMetrics } from './metrics.ts';
import { backfillSimulator, startTicker } from './ticker.ts';
import type { FarmSimulator } from './simulator/farm-sim.ts';
import { farmHealth } from './status/health.ts';
import { farmInfo } from './status/info.ts';
import { createCommandStore } from './store/commands.ts';
import { onWriteTimed } from './store/db.ts';
import { type Retention, createReadingStore, defaultRetention } from './store/readings.ts';
import { scheduleRetention } from './store/retention-schedule.ts';
import { bootstrapTailnet } from './tailnet/bootstrap.ts';
import type { HeartbeatLoop } from './tailnet/heartbeat.ts';
import { startRegistryHeartbeat } from './tailnet/registry-heartbeat.ts';
import { AGROMESH_VERSION as GATEWAY_VERSION } from '../kit/version.ts';

export { findRegistry } from './tailnet/registry-heartbeat.ts';

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

export async function startGateway(options: GatewayOptions): Promise<GatewayHandle> {
  const log = options.log ?? createLogger('gateway');
  const clock = options.clock ?? systemClock;
  const retention = options.retention ?? defaultRetention;
  const stack = new ResourceStack();
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

/** Wires the modules together, in the order they depend on each other; the stack undoes it in reverse. */
async function start(
  options: GatewayOptions,
  log: Logger,
  clock: Clock,
  retention: Retention,
  stack: ResourceStack,
): Promise<GatewayHandle> {
  refuseInsecureOffLoopback(options);
  const self = await bootstrapTailnet(
    {
      explicitHost: options.listen?.host,
      needLocalApi: !options.resolveIdentity && !options.insecureNoAuth,
      localApi: options.localApi,
      localApiSocket: options.localApiSocket,
      farmId: options.farmId,
      tailnet: options.tailnet,
    },
    log,
    stack,
  );
  const { localApi } = self;

  // Storage and farm identity.
  const db = openFarmDatabase(options, log, stack);
  const identity = farmIdentity(db, options);
  const { farmId } = identity;
  // From here on every line says which farm it is about (a fleet's logs end up in one place).
  log = log.with({ farmId });

  const metrics = createGatewayMetrics({ farmId, version: GATEWAY_VERSION });
  stack.defer(onWriteTimed(db, (seconds) => metrics.sqliteWrite.observe(seconds)));
  const readings = createReadingStore(db);
  const commandStore = createCommandStore(db);

  const farm = setUpFarm(options, { clock, readings, location: identity.location, log, stack });
  const { simulator, layout } = farm;
  const flow = { db, farmId, clock, layout, driver: farm.driver, readings, commandStore, retention, metrics };
  const { hub, commands, ingest } = wireFarmFlow(options, { ...flow, log, stack });

  // History first (quietly), then live.
  if (simulator) backfillSimulator(options, { simulator, readings, ingest, clock, retention, log });
  commands.recover();
  const tick = startTicker(options, { simulator, ingest, commands, clock, log, stack });
  const sensorCommand = startSensorFeed(options, { ingest, clock, log, stack });

  const auth = createCallerAuth(options, { self, farmId, metrics });
  // Started once the API listens (its body carries our port); health may be asked before that.
  let heartbeat: HeartbeatLoop | undefined = undefined;
  const info = farmInfo(identity, layout, simulator !== null);
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
  const health = farmHealth(options, {
    farmId,
    db,
    layout,
    ingest,
    clock,
    retentionRun,
    auth,
    sensorCommand,
    heartbeat: () => heartbeat,
  });

  const api = { info, health, auth, clock, readings, commands, commandStore, retention };
  const port = options.listen?.port ?? FARM_HTTP_PORT;
  const address = await serveFarmApi(options, { api, hub, self, port, db, layout, metrics, log, stack });
  const push = await startPushFeed(options, { ingest, clock, stack });
  heartbeat = startRegistryHeartbeat(options, {
    localApi,
    identity,
    layout,
    info,
    apiPort: address.port,
    listenHost: self.host,
    metrics,
    log,
    stack,
  });

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
