/**
 * SQLite through Node's built-in `node:sqlite` (no native module to rebuild for Electron).
 * Write-ahead log, synchronous=NORMAL inside WAL (durable across process crashes), busy timeout,
 * and numbered migrations tracked in `user_version`, each applied in its own transaction.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export type Migration = (db: DatabaseSync) => void;

export interface OpenOptions {
  /** `:memory:` for throwaway stores. */
  file: string;
  migrations: readonly Migration[];
  /** FULL makes every commit survive power loss, not only a killed process. */
  synchronous?: 'NORMAL' | 'FULL';
}

export function openDatabase(options: OpenOptions): DatabaseSync {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const db = new DatabaseSync(options.file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = ON');
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  for (let v = row.user_version; v < options.migrations.length; v++) {
    transaction(db, () => {
      options.migrations[v]!(db);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    });
  }
  return db;
}

/** Run `fn` in one transaction: all of it is written, or none. */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
