/**
 * Tables of the farm-connections module (reading cache, farm state, command ledger).
 * Versioned as the `farms` component (kit/sqlite.ts `migrate`), so the file can be shared with other
 * core services that run their own migrations.
 */
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { migrate, openDatabase } from '../../../kit/sqlite.ts';

const COMPONENT = 'farms';

const migrations: ReadonlyArray<(db: DatabaseSync) => void> = [
  (db) => {
    db.exec(`
      CREATE TABLE farm_state (
        farm_id TEXT PRIMARY KEY,
        info_json TEXT,
        info_at INTEGER,
        last_seq INTEGER
      );
      -- Readings in blocks: one row holds up to a few hundred readings of one sensor (packed ts, value,
      -- quality), so a thousand farms streaming cost a few thousand row writes a second, not ten thousand.
      CREATE TABLE reading_blocks (
        farm_id TEXT NOT NULL,
        sensor_id TEXT NOT NULL,
        first_ts INTEGER NOT NULL,
        last_ts INTEGER NOT NULL,
        n INTEGER NOT NULL,
        data BLOB NOT NULL
      );
      CREATE UNIQUE INDEX reading_blocks_by_series ON reading_blocks (farm_id, sensor_id, first_ts);
      CREATE INDEX reading_blocks_by_end ON reading_blocks (last_ts);
      CREATE TABLE commands (
        id TEXT PRIMARY KEY,
        farm_id TEXT NOT NULL,
        farm_name TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        params_json TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT,
        gateway_json TEXT
      );
      CREATE INDEX commands_by_farm ON commands (farm_id, created_ms);
      CREATE INDEX commands_by_person ON commands (requested_by, created_ms);
      CREATE INDEX commands_by_time ON commands (created_ms);
      CREATE INDEX commands_by_state ON commands (state);
      CREATE TABLE command_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        command_id TEXT NOT NULL REFERENCES commands (id),
        state TEXT NOT NULL,
        at TEXT NOT NULL,
        reason TEXT
      );
      CREATE INDEX command_events_by_command ON command_events (command_id, seq);
    `);
  },
];

/** Bring the farms tables of `db` up to date (idempotent; safe on a database shared with other services). */
export function migrateFarmsSchema(db: DatabaseSync): void {
  migrate(db, { component: COMPONENT, migrations });
}

/**
 * Open (or create) `<dataDir>/farms.sqlite`. WAL + synchronous NORMAL: every commit survives a killed
 * process; pass `FULL` to also survive power loss at the cost of an fsync per ledger transition.
 */
export function openFarmsDatabase(dataDir: string, synchronous: 'NORMAL' | 'FULL' = 'NORMAL'): DatabaseSync {
  const db = openDatabase({ file: join(dataDir, 'farms.sqlite'), migrations: [], synchronous });
  migrateFarmsSchema(db);
  return db;
}
