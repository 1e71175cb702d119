/**
 * The gateway's Prometheus series, in one place (docs/monitoring.md says what each means). Counters are
 * bumped where things happen (ingest, command transitions, heartbeats, who-is); gauges are read when
 * scraped from the sources `bind` is given, so a scrape costs a few small queries and nothing between.
 */
import { statSync, statfsSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { CommandState, type Sensor } from '../protocol/farm-api.ts';
import {
  Counter,
  Gauge,
  Histogram,
  type ProgramMetrics,
  WRITE_BUCKETS,
  createProgramMetrics,
} from '../kit/metrics.ts';

/** Why a reading was refused, as a bounded label (the log line keeps the full sentence). */
export const REJECT_REASONS = ['unknown_sensor', 'future', 'too_old', 'not_finite'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface GatewaySources {
  db: DatabaseSync;
  /** The SQLite file (absent for an in-memory database). */
  dbFile: string | null;
  sensors: () => readonly Sensor[];
  latestTs: (sensorId: string) => number | undefined;
  now: () => number;
  streamClients: () => number;
  storageFull: () => boolean;
}

export interface GatewayMetrics extends ProgramMetrics {
  readingsIngested: Counter;
  readingsDuplicate: Counter;
  readingsRejected: Counter<'reason'>;
  commandTransitions: Counter<'state'>;
  heartbeats: Counter<'result'>;
  localApiErrors: Counter<'op'>;
  sqliteWrite: Histogram;
  /** Give the scrape-time gauges their sources (once the store and the stream exist). */
  bind(sources: GatewaySources): void;
}

const fileSize = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0; // no -wal file right after a checkpoint
  }
};

export function createGatewayMetrics(farm: { farmId: string; version: string }): GatewayMetrics {
  const base = createProgramMetrics();
  const registers = [base.registry];
  let src: GatewaySources | undefined;

  new Gauge({
    name: 'agromesh_gateway_info',
    help: 'Always 1; labels say which farm and gateway version this is.',
    labelNames: ['farm_id', 'version'] as const,
    registers,
  }).set({ farm_id: farm.farmId, version: farm.version }, 1);

  new Gauge({
    name: 'agromesh_gateway_sensor_last_reading_age_seconds',
    help: 'Seconds since the newest stored reading of each sensor (freshness); absent until a sensor has reported.',
    labelNames: ['sensor'] as const,
    registers,
    collect() {
      this.reset();
      if (!src) return;
      const now = src.now();
      for (const s of src.sensors()) {
        const ts = src.latestTs(s.id);
        if (ts !== undefined) this.set({ sensor: s.id }, Math.max(0, (now - ts) / 1000));
      }
    },
  });
  new Gauge({
    name: 'agromesh_gateway_sensor_interval_seconds',
    help: 'Each sensor’s declared reporting interval (for staleness alerts: age > 3 × interval).',
    labelNames: ['sensor'] as const,
    registers,
    collect() {
      this.reset();
      for (const s of src?.sensors() ?? []) this.set({ sensor: s.id }, s.intervalMs / 1000);
    },
  });
  new Gauge({
    name: 'agromesh_gateway_commands',
    help: 'Commands stored on this farm, by state (the command log, all time).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      if (!src) return;
      const rows = src.db.prepare('SELECT state, count(*) AS n FROM commands GROUP BY state').all() as {
        state: string;
        n: number;
      }[];
      for (const state of CommandState.options) this.set({ state }, 0);
      for (const r of rows) this.set({ state: r.state }, Number(r.n));
    },
  });
  new Gauge({
    name: 'agromesh_gateway_stream_clients',
    help: 'Live-stream (WebSocket) clients connected now.',
    registers,
    collect() {
      this.set(src?.streamClients() ?? 0);
    },
  });
  new Gauge({
    name: 'agromesh_gateway_sqlite_bytes',
    help: 'Size of the SQLite database on disk (main file and write-ahead log).',
    registers,
    collect() {
      if (!src) return;
      if (src.dbFile) this.set(fileSize(src.dbFile) + fileSize(`${src.dbFile}-wal`));
      else {
        const page = src.db.prepare('PRAGMA page_size').get() as { page_size: number };
        const count = src.db.prepare('PRAGMA page_count').get() as { page_count: number };
        this.set(Number(page.page_size) * Number(count.page_count));
      }
    },
  });
  new Gauge({
    name: 'agromesh_gateway_disk_free_bytes',
    help: 'Free space (for unprivileged users) on the file system holding the database.',
    registers,
    collect() {
      if (!src?.dbFile) return;
      try {
        const fs = statfsSync(src.dbFile);
        this.set(Number(fs.bavail) * Number(fs.bsize));
      } catch {
        // the data directory vanished; the next write will say so
      }
    },
  });
  new Gauge({
    name: 'agromesh_gateway_storage_full',
    help: '1 while the last write was refused for lack of space (readings and commands are refused).',
    registers,
    collect() {
      this.set(src?.storageFull() ? 1 : 0);
    },
  });

  const metrics: GatewayMetrics = {
    ...base,
    readingsIngested: new Counter({
      name: 'agromesh_gateway_readings_ingested_total',
      help: 'Readings stored (simulator, sensor command, local push, backfill included).',
      registers,
    }),
    readingsDuplicate: new Counter({
      name: 'agromesh_gateway_readings_duplicate_total',
      help: 'Readings already stored (same sensor and time), ignored.',
      registers,
    }),
    readingsRejected: new Counter({
      name: 'agromesh_gateway_readings_rejected_total',
      help: 'Readings refused, by reason: unknown_sensor, future, too_old, not_finite.',
      labelNames: ['reason'] as const,
      registers,
    }),
    commandTransitions: new Counter({
      name: 'agromesh_gateway_command_transitions_total',
      help: 'Command state changes since start, by the state entered (queued, running, succeeded, ...).',
      labelNames: ['state'] as const,
      registers,
    }),
    heartbeats: new Counter({
      name: 'agromesh_gateway_heartbeats_total',
      help: 'Heartbeats to the discovery registry, by result (ok, failed).',
      labelNames: ['result'] as const,
      registers,
    }),
    localApiErrors: new Counter({
      name: 'agromesh_gateway_localapi_errors_total',
      help: 'Calls to the local tailscaled (LocalAPI) that failed, by operation (whois, status).',
      labelNames: ['op'] as const,
      registers,
    }),
    sqliteWrite: new Histogram({
      name: 'agromesh_gateway_sqlite_write_seconds',
      help: 'Duration of SQLite write transactions (readings, commands, metadata, retention).',
      buckets: WRITE_BUCKETS,
      registers,
    }),
    bind(sources) {
      src = sources;
    },
  };
  // Every label value present from the first scrape, so rate() and alerts see 0 rather than nothing.
  for (const reason of REJECT_REASONS) metrics.readingsRejected.inc({ reason }, 0);
  for (const state of CommandState.options) metrics.commandTransitions.inc({ state }, 0);
  for (const result of ['ok', 'failed']) metrics.heartbeats.inc({ result }, 0);
  for (const op of ['whois', 'status']) metrics.localApiErrors.inc({ op }, 0);
  return metrics;
}
