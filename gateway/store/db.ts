/**
 * The gateway's one SQLite file (WAL): raw readings, 1-minute and 1-hour rollups, commands and a little
 * metadata.
 * Every acknowledged write is committed before the reply goes out, so a killed process loses nothing it
 * said yes to (WAL + synchronous=NORMAL survives a process crash; commands are committed with FULL so they
 * survive power loss too).
 */
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import {
  type Migration,
  isStorageFull,
  openDatabase,
  storageFullError,
  transaction,
} from '../../kit/sqlite.ts';
import { addHourlyTier } from './rollups.ts';

/** Schema steps of the gateway's store (`migrate`): v1 the first schema, v2 the hourly rollups. */
export const gatewayMigrations: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE readings (
        sensor_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        value REAL,
        quality TEXT NOT NULL,
        PRIMARY KEY (sensor_id, ts)
      ) WITHOUT ROWID;
      CREATE TABLE rollups_1m (
        sensor_id TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        n INTEGER NOT NULL,
        faults INTEGER NOT NULL,
        sum REAL NOT NULL,
        min REAL,
        min_ts INTEGER,
        max REAL,
        max_ts INTEGER,
        PRIMARY KEY (sensor_id, bucket)
      ) WITHOUT ROWID;
      CREATE TABLE sensors_seen (sensor_id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE commands (
        id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        params TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        requested_by TEXT NOT NULL,
        history TEXT NOT NULL,
        reason TEXT,
        confirmation TEXT,
        rev INTEGER NOT NULL UNIQUE
      );
      CREATE INDEX commands_state ON commands (state);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE stream_marks (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL);
    `);
  },
  addHourlyTier,
];

export function openGatewayDatabase(dataDir: string | null): DatabaseSync {
  return openDatabase({
    file: dataDir === null ? ':memory:' : join(dataDir, 'gateway.sqlite'),
    component: 'gateway',
    migrations: gatewayMigrations,
  });
}

/**
 * Whether the last write to this database was refused for lack of space. Every gateway write goes
 * through `write`, so the state clears by itself with the first write that succeeds once space is back.
 */
interface StorageState {
  full: boolean;
  listeners: Set<(full: boolean, err?: Error) => void>;
  /** Told how long each write took, in seconds (the write-latency histogram). */
  timers: Set<(seconds: number) => void>;
}
const storage = new WeakMap<DatabaseSync, StorageState>();

function stateOf(db: DatabaseSync): StorageState {
  let s = storage.get(db);
  if (!s) storage.set(db, (s = { full: false, listeners: new Set(), timers: new Set() }));
  return s;
}

/** Run a write: a full disk becomes STORAGE_FULL (507) and marks the store full until a write succeeds. */
export function write<T>(db: DatabaseSync, fn: () => T): T {
  const s = stateOf(db);
  let result: T;
  const started = s.timers.size > 0 ? performance.now() : 0;
  try {
    result = fn();
    if (started > 0) for (const t of s.timers) t((performance.now() - started) / 1000);
  } catch (err) {
    if (!isStorageFull(err)) throw err;
    const e = storageFullError(err);
    if (!s.full) {
      s.full = true;
      for (const l of s.listeners) l(true, e);
    }
    throw e;
  }
  if (s.full) {
    s.full = false;
    for (const l of s.listeners) l(false);
  }
  return result;
}

/** Told when the store becomes full and when writes succeed again. */
export function onStorageChange(db: DatabaseSync, fn: (full: boolean, err?: Error) => void): () => void {
  const s = stateOf(db);
  s.listeners.add(fn);
  return () => s.listeners.delete(fn);
}

/** Told the duration of every write through `write` (seconds). */
export function onWriteTimed(db: DatabaseSync, fn: (seconds: number) => void): () => void {
  const s = stateOf(db);
  s.timers.add(fn);
  return () => s.timers.delete(fn);
}

export function storageStatus(db: DatabaseSync): { ok: boolean; detail?: string } {
  return stateOf(db).full
    ? {
        ok: false,
        detail: 'disk full: new readings and commands are refused until space is freed; reads still work',
      }
    : { ok: true };
}

export function getMeta(db: DatabaseSync, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: DatabaseSync, key: string, value: string): void {
  write(db, () =>
    db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value),
  );
}

/** Run `fn` in a transaction committed with synchronous=FULL (for writes that must survive power loss). */
export function durably<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('PRAGMA synchronous = FULL');
  try {
    return write(db, () => transaction(db, fn));
  } finally {
    db.exec('PRAGMA synchronous = NORMAL');
  }
}
