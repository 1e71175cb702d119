/**
 * The gateway's one SQLite file (WAL): raw readings, 1-minute rollups, commands and a little metadata.
 * Every acknowledged write is committed before the reply goes out, so a killed process loses nothing it
 * said yes to (WAL + synchronous=NORMAL survives a process crash; commands are committed with FULL so they
 * survive power loss too).
 */
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { type Migration, openDatabase, transaction } from '../../kit/sqlite.ts';

const migrations: Migration[] = [
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
];

export function openGatewayDatabase(dataDir: string | null): DatabaseSync {
  return openDatabase({ file: dataDir === null ? ':memory:' : join(dataDir, 'gateway.sqlite'), migrations });
}

export function getMeta(db: DatabaseSync, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: DatabaseSync, key: string, value: string): void {
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

/** Run `fn` in a transaction committed with synchronous=FULL (for writes that must survive power loss). */
export function durably<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('PRAGMA synchronous = FULL');
  try {
    return transaction(db, fn);
  } finally {
    db.exec('PRAGMA synchronous = NORMAL');
  }
}
