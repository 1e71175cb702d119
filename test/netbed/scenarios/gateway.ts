/**
 * Farm gateways inside a farm namespace (run by the ns-agent). Several gateways may share one process;
 * a gateway that a test kills runs in an agent of its own. The optional logging driver appends every
 * actuation start to `<dataDir>/executions.log` (fsync'd) so "ran at most once" survives a crash.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createLogger } from '../../../kit/log.ts';
import type { ActuatorDriver } from '../../../gateway/commands/driver.ts';
import { type GatewayHandle, startGateway } from '../../../gateway/gateway.ts';

const gateways = new Map<string, GatewayHandle>();

export interface FarmStart {
  farmId: string;
  host: string;
  port?: number;
  dataDir: string;
  localApiSocket: string;
  discoveryUrl?: string | null;
  seed?: number;
  speed?: number;
  backfillHours?: number;
  heartbeatIntervalMs?: number;
  tickMs?: number;
  /** Replace the simulator's actuators by a logging driver that takes this long per command. */
  actuatorDelayMs?: number;
  streamBufferSize?: number;
  identityCacheMs?: number;
  location?: { lat: number; lon: number };
}

function loggingDriver(dataDir: string, delayMs: number): ActuatorDriver {
  return {
    async execute(r, signal) {
      appendFileSync(join(dataDir, 'executions.log'), `${r.id} start\n`, { flush: true });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delayMs);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });
      appendFileSync(join(dataDir, 'executions.log'), `${r.id} end\n`, { flush: true });
      return { outcome: 'succeeded' };
    },
  };
}

export async function startFarm(
  key: string,
  o: FarmStart,
): Promise<{ url: string; farmId: string; port: number }> {
  mkdirSync(o.dataDir, { recursive: true });
  const g = await startGateway({
    dataDir: o.dataDir,
    farmId: o.farmId,
    farmName: o.farmId,
    listen: { host: o.host, port: o.port ?? 8080 },
    simulate: { seed: o.seed ?? 1, speed: o.speed ?? 1, backfillHours: o.backfillHours ?? 0 },
    localApiSocket: o.localApiSocket,
    discoveryUrl: o.discoveryUrl ?? null,
    discoverRegistry: false,
    ...(o.heartbeatIntervalMs ? { heartbeatIntervalMs: o.heartbeatIntervalMs } : {}),
    ...(o.tickMs ? { tickMs: o.tickMs } : {}),
    ...(o.streamBufferSize ? { streamBufferSize: o.streamBufferSize } : {}),
    ...(o.identityCacheMs !== undefined ? { identityCacheMs: o.identityCacheMs } : {}),
    ...(o.location ? { location: o.location } : {}),
    ...(o.actuatorDelayMs !== undefined
      ? { actuatorDriver: loggingDriver(o.dataDir, o.actuatorDelayMs) }
      : {}),
    log: createLogger(`gw:${o.farmId}`, { level: 'error' }),
  });
  gateways.set(key, g);
  return { url: g.url, farmId: g.farmId, port: g.port };
}

export async function stopFarm(key: string): Promise<void> {
  const g = gateways.get(key);
  gateways.delete(key);
  await g?.dispose();
}

export async function stopAll(): Promise<void> {
  await Promise.all([...gateways.keys()].map(stopFarm));
}

/** Command ids whose actuation started / ended, in order, from the crash-proof log. */
export function executions(dataDir: string): { started: string[]; ended: string[] } {
  const file = join(dataDir, 'executions.log');
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  return {
    started: lines.filter((l) => l.endsWith(' start')).map((l) => l.split(' ')[0]!),
    ended: lines.filter((l) => l.endsWith(' end')).map((l) => l.split(' ')[0]!),
  };
}

/** Every stored reading key of a farm (read-only second connection; WAL allows it while the gateway runs). */
export function storedReadings(dataDir: string, from: number, to: number): string[] {
  const db = new DatabaseSync(join(dataDir, 'gateway.sqlite'), { readOnly: true });
  try {
    const rows = db
      .prepare('SELECT sensor_id, ts FROM readings WHERE ts >= ? AND ts <= ? ORDER BY ts, sensor_id')
      .all(from, to) as {
      sensor_id: string;
      ts: number;
    }[];
    return rows.map((r) => `${r.sensor_id}@${r.ts}`);
  } finally {
    db.close();
  }
}

/** SQLite's own verdict on the file: "ok" or the first problems. */
export function integrityCheck(dataDir: string, file = 'gateway.sqlite'): string {
  const db = new DatabaseSync(join(dataDir, file), { readOnly: true });
  try {
    const rows = db.prepare('PRAGMA integrity_check').all() as Record<string, string>[];
    return rows.map((r) => Object.values(r)[0]).join('; ');
  } finally {
    db.close();
  }
}

/** Feed readings through the gateway's ingest as fast as allowed for `ms` (a busy writer to crash). */
export async function writeFlood(key: string, ms: number): Promise<number> {
  const g = gateways.get(key);
  if (!g) throw new Error(`no gateway ${key}`);
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) {
    const ts = Date.now() - 60_000 + (n % 50_000);
    g.ingest([{ sensorId: 'soil-1', ts, value: 20 + (n % 10), quality: 'ok' }]);
    n += 1;
    if (n % 200 === 0) await new Promise((r) => setImmediate(r));
  }
  return n;
}

export function rss(): number {
  return process.memoryUsage().rss;
}
