/**
 * FarmConnections: the app core's service for farm gateways. One link per farm (HTTP pool + live stream),
 * a hub with the live state of all farms pushed in coalesced batches, a SQLite cache of recent history, and
 * the command ledger. Everything it opens is closed by dispose().
 */
import type { DatabaseSync } from 'node:sqlite';
import { AgromeshError } from '../../../protocol/errors.ts';
import { deliveryWindowMs, type FarmInfo, type HistoryResponse, Limits } from '../../../protocol/farm-api.ts';
import { commandNames, type LedgerCommand } from '../../../protocol/app/index.ts';
import type { Logger } from '../../../kit/log.ts';
import { createReadingCache, type ReadingCache } from './cache.ts';
import { checkCommand } from './check-command.ts';
import { startCheckpointer } from './checkpointer.ts';
import type { TailnetDialer } from './dialer.ts';
import { createHub, type Hub } from './hub.ts';
import { createCommandLedger } from './ledger.ts';
import type { CommandQuery, CommandRequest } from './ledger-store.ts';
import { createFarmLink, type FarmLink, type LinkTuning } from './link.ts';
import { migrateFarmsSchema, openFarmsDatabase } from './schema.ts';
import {
  type BackoffPolicy,
  type Clock,
  type FarmEndpoint,
  type FarmHealthSink,
  type FarmLive,
  type LinkStateEvent,
  type LiveBatch,
  type ReadingsBatch,
  systemClock,
} from './types.ts';

export interface FarmConnectionsTuning extends LinkTuning {
  /** Hub batch interval (100 ms → at most 10 pushes a second). */
  batchIntervalMs: number;
  /** Deadline of one command POST/GET; past it the command becomes `unknown`. */
  commandTimeoutMs: number;
  /** Expiry given to commands sent without one. */
  commandTtlMs: number;
  commandRetry: BackoffPolicy;
  commandPollMs: number;
  /** Deadline for an online history answer before falling back to the cache. */
  historyTimeoutMs: number;
  cacheRetentionMs: number;
  cacheFlushMs: number;
}

/** Farm links: waits of up to a minute, spread over the whole window (full jitter). */
const defaultBackoff: BackoffPolicy = { baseMs: 1_000, factor: 1.6, capMs: 60_000, minUptimeMs: 5_000 };

export const defaultTuning: FarmConnectionsTuning = {
  heartbeatMs: 20_000,
  handshakeTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  backoff: defaultBackoff,
  random: Math.random,
  backfillChunkPoints: 5_000,
  infoRefreshMs: 10 * 60_000,
  batchIntervalMs: 100,
  commandTimeoutMs: 10_000,
  commandTtlMs: 10 * 60_000,
  commandRetry: { baseMs: 500, factor: 2, capMs: 30_000, minUptimeMs: 0 },
  commandPollMs: 2_000,
  historyTimeoutMs: 5_000,
  cacheRetentionMs: 24 * 3600_000,
  cacheFlushMs: 250,
};

export interface FarmConnectionsOptions {
  /** Directory for `farms.sqlite` (ignored when `db` is given). */
  dataDir?: string;
  /** A database to share; the farms tables are added to it. Not closed by dispose(). */
  db?: DatabaseSync;
  dialer: TailnetDialer;
  healthSink?: FarmHealthSink;
  log: Logger;
  clock?: Clock;
  tuning?: Partial<FarmConnectionsTuning>;
}

export interface HistoryInput {
  farmId: string;
  sensorIds: string[];
  from: number;
  to: number;
  maxPoints: number;
}

export interface SendInput extends CommandRequest {
  expiresInMs?: number;
}

export interface FarmConnectionsEvents {
  /** New readings (live and backfilled, each exactly once), coalesced. */
  readings: ReadingsBatch;
  /** Farms whose live state changed, coalesced. */
  live: LiveBatch;
  command: LedgerCommand;
  linkState: LinkStateEvent;
}

export interface FarmConnections {
  connect(farm: FarmEndpoint): Promise<void>;
  disconnect(farmId: string): Promise<void>;
  endpoints(): FarmEndpoint[];
  latest(farmId: string): FarmLive | undefined;
  all(): FarmLive[];
  info(farmId: string): FarmInfo | null;
  history(input: HistoryInput): Promise<{ series: HistoryResponse[]; fromCache: boolean }>;
  sendCommand(input: SendInput): Promise<LedgerCommand>;
  getCommand(id: string): LedgerCommand;
  listCommands(filter: CommandQuery): LedgerCommand[];
  exportCsv(filter: CommandQuery): { filename: string; csv: string };
  on<K extends keyof FarmConnectionsEvents>(
    event: K,
    listener: (payload: FarmConnectionsEvents[K]) => void,
  ): () => void;
  /** Resolves when backfills and command resolvers have settled (tests, benchmarks, shutdown). */
  idle(farmId?: string): Promise<void>;
  dispose(): Promise<void>;
}

const FARM_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** Errors that mean "the farm cannot answer now": serve the cache instead. */
const OFFLINE_CODES = new Set([
  'FARM_UNREACHABLE',
  'TIMEOUT',
  'FARM_BAD_RESPONSE',
  'DESTINATION_NOT_ALLOWED',
]);

export function createFarmConnections(options: FarmConnectionsOptions): FarmConnections {
  if (!options.db && !options.dataDir)
    throw new AgromeshError('INTERNAL', 'createFarmConnections needs dataDir or db.');
  const tuning: FarmConnectionsTuning = { ...defaultTuning, ...options.tuning };
  const clock = options.clock ?? systemClock;
  const log = options.log;
  const ownDb = !options.db;
  const db = options.db ?? openFarmsDatabase(options.dataDir!);
  if (!ownDb) migrateFarmsSchema(db);
  // Our own file: checkpoint the WAL off the main thread (a shared database keeps its owner's settings).
  const checkpointer = ownDb ? startCheckpointer(db, log.child('checkpoint')) : undefined;

  const cache: ReadingCache = createReadingCache({
    db,
    clock,
    log: log.child('cache'),
    retentionMs: tuning.cacheRetentionMs,
    flushMs: tuning.cacheFlushMs,
  });
  const hub: Hub = createHub({
    intervalMs: tuning.batchIntervalMs,
    log: log.child('hub'),
    ...(options.healthSink ? { healthSink: options.healthSink } : {}),
  });
  const links = new Map<string, FarmLink>();
  const linkListeners = new Set<(e: LinkStateEvent) => void>();
  const commandListeners = new Set<(c: LedgerCommand) => void>();
  let disposed = false;

  const ledger = createCommandLedger({
    db,
    clock,
    log: log.child('ledger'),
    client: (farmId) => links.get(farmId)?.client,
    isLive: (farmId) => links.get(farmId)?.state === 'live',
    requestTimeoutMs: tuning.commandTimeoutMs,
    ttlMs: tuning.commandTtlMs,
    retry: tuning.commandRetry,
    pollMs: tuning.commandPollMs,
    random: tuning.random,
  });
  const infoOf = (farmId: string) => links.get(farmId)?.info() ?? cache.loadInfo(farmId)?.info ?? null;
  /** Ledger commands with the names people use, from each farm's layout (looked up once per farm). */
  const named = (commands: LedgerCommand[]): LedgerCommand[] => {
    const infos = new Map<string, FarmInfo | null>();
    return commands.map((c) => {
      if (!infos.has(c.farmId)) infos.set(c.farmId, infoOf(c.farmId));
      const names = commandNames(infos.get(c.farmId), c.target, c.action);
      return names ? { ...c, names } : c;
    });
  };
  ledger.onChange((c) => {
    const [withNames] = named([c]);
    for (const l of commandListeners) l(withNames!);
  });

  const emitLink = (e: LinkStateEvent) => {
    if (e.state === 'live') ledger.wake(e.farmId);
    for (const l of linkListeners) {
      try {
        l(e);
      } catch (err) {
        log.error('linkState listener failed', { err });
      }
    }
  };

  const checkOpen = () => {
    if (disposed) throw new AgromeshError('UNAVAILABLE', 'Farm connections are shut down.');
  };

  const disconnect = async (farmId: string) => {
    const link = links.get(farmId);
    if (!link) return;
    links.delete(farmId);
    await link.stop();
    hub.remove(farmId);
    emitLink({ farmId, state: 'closed', since: clock.now(), detail: 'disconnected', attempt: 0 });
  };

  const fromCache = (input: HistoryInput) => ({
    series: input.sensorIds.map((s) => cache.query(input.farmId, s, input.from, input.to, input.maxPoints)),
    fromCache: true,
  });

  return {
    async connect(farm) {
      checkOpen();
      if (!FARM_ID.test(farm.farmId) || farm.farmId.length > Limits.idLength) {
        throw new AgromeshError('VALIDATION', `Invalid farm id "${farm.farmId.slice(0, 100)}".`);
      }
      options.dialer.check(farm.address, farm.port); // DESTINATION_NOT_ALLOWED before anything opens
      const existing = links.get(farm.farmId);
      if (existing) {
        if (existing.endpoint.address === farm.address && existing.endpoint.port === farm.port) return;
        await disconnect(farm.farmId);
      }
      const link = createFarmLink({
        endpoint: { ...farm },
        dialer: options.dialer,
        log: log.child(`farm:${farm.farmId}`),
        clock,
        cache,
        hub,
        healthSink: options.healthSink,
        tuning,
        onCommandRecord: (farmId, record) => ledger.onGatewayRecord(farmId, record),
        onLinkState: emitLink,
      });
      links.set(farm.farmId, link);
      link.start();
      ledger.wake(farm.farmId);
    },
    disconnect,
    endpoints: () => [...links.values()].map((l) => ({ ...l.endpoint })),
    latest: (farmId) => hub.get(farmId),
    all: () => hub.all(),
    info: infoOf,

    async history(input) {
      checkOpen();
      if (input.from > input.to) throw new AgromeshError('VALIDATION', '`from` must not be after `to`.');
      if (input.to - input.from > Limits.historyMaxRangeMs) {
        throw new AgromeshError('VALIDATION', 'The time range is longer than allowed.');
      }
      if (input.sensorIds.length === 0 || input.sensorIds.length > 12) {
        throw new AgromeshError('VALIDATION', 'Ask for 1 to 12 sensors at a time.');
      }
      const link = links.get(input.farmId);
      if (!link || link.state !== 'live') return fromCache(input);
      try {
        const series = await Promise.all(
          input.sensorIds.map((sensor) =>
            link.client.history(
              {
                sensor,
                from: input.from,
                to: input.to,
                maxPoints: Math.min(input.maxPoints, Limits.historyMaxPoints),
              },
              tuning.historyTimeoutMs,
            ),
          ),
        );
        return { series, fromCache: false };
      } catch (err) {
        const status =
          err instanceof AgromeshError ? (err.details as { status?: number } | undefined)?.status : undefined;
        if (
          err instanceof AgromeshError &&
          (OFFLINE_CODES.has(err.code) || (status !== undefined && status >= 500))
        ) {
          log.info('history from cache: the farm did not answer', { farmId: input.farmId, code: err.code });
          return fromCache(input);
        }
        throw err;
      }
    },

    async sendCommand(input) {
      checkOpen();
      const link = links.get(input.farmId);
      if (!link) throw new AgromeshError('NOT_FOUND', `Farm ${input.farmId} is not connected.`);
      const info = link.info();
      if (info) checkCommand(info, input.target, input.action, input.params);
      const actuator = info?.actuators.find((a) => a.id === input.target);
      const sent = await ledger.send({
        ...input,
        farmName: info?.name ?? input.farmId,
        ...(actuator && input.expiresInMs === undefined ? { expiresInMs: deliveryWindowMs(actuator) } : {}),
      });
      return named([sent])[0]!;
    },
    getCommand(id) {
      const c = ledger.get(id);
      if (!c) throw new AgromeshError('NOT_FOUND', `No command ${id} in the ledger.`);
      return named([c])[0]!;
    },
    listCommands: (filter) => named(ledger.list(filter)),
    exportCsv: (filter) => ledger.exportCsv(filter),

    on(event, listener) {
      switch (event) {
        case 'readings':
          return hub.onReadings(listener as (b: ReadingsBatch) => void);
        case 'live':
          return hub.onLive(listener as (b: LiveBatch) => void);
        case 'command': {
          const l = listener as (c: LedgerCommand) => void;
          commandListeners.add(l);
          return () => commandListeners.delete(l);
        }
        case 'linkState': {
          const l = listener as (e: LinkStateEvent) => void;
          linkListeners.add(l);
          return () => linkListeners.delete(l);
        }
        default:
          throw new AgromeshError('BAD_REQUEST', `Unknown event ${String(event)}.`);
      }
    },

    async idle(farmId) {
      const targets =
        farmId === undefined ? [...links.values()] : [links.get(farmId)].filter((l) => l !== undefined);
      await Promise.all(targets.map((l) => l.idle()));
      cache.flush();
      hub.flush();
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      ledger.stop();
      await Promise.allSettled([...links.values()].map((l) => l.stop()));
      links.clear();
      await ledger.dispose();
      hub.dispose();
      cache.dispose();
      linkListeners.clear();
      commandListeners.clear();
      await checkpointer?.dispose();
      if (ownDb) db.close();
    },
  };
}
