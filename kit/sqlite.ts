/**
 * SQLite through Node's built-in `node:sqlite` (no native module to rebuild for Electron).
 * Write-ahead log, synchronous=NORMAL inside WAL (durable across process crashes), busy timeout,
 * and numbered migrations tracked in `user_version`, each applied in its own transaction.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AgromeshError } from '../protocol/errors.ts';

export type Migration = (db: DatabaseSync) => void;

export interface OpenOptions {
  /** `:memory:` for throwaway stores. */
  file: string;
  migrations: readonly Migration[];
  /** FULL makes every commit survive power loss, not only a killed process. */
  synchronous?: 'NORMAL' | 'FULL';
}

/** True for SQLite's "database or disk is full" and the I/O errors a full disk causes. */
export function isStorageFull(err: unknown): boolean {
  const e = err as { errcode?: number; message?: string };
  // SQLITE_FULL = 13; SQLITE_IOERR (10) with its extended codes is what a full disk gives on open.
  return (
    e?.errcode === 13 ||
    (typeof e?.message === 'string' && /database or disk is full|disk I\/O error/.test(e.message))
  );
}

/** One plain sentence, with the path and what to do, for a database that cannot be opened. */
function openProblem(file: string, err: unknown): AgromeshError {
  const message = (err as Error)?.message ?? String(err);
  if (isStorageFull(err)) {
    return new AgromeshError(
      'UNAVAILABLE',
      `The disk holding ${file} is full (or failing): free some space there, then start again.`,
      { cause: err },
    );
  }
  if (/not a database|malformed|corrupt/i.test(message)) {
    return new AgromeshError(
      'UNAVAILABLE',
      `The database ${file} is damaged (${message}): move it aside to start empty, or restore it from a backup.`,
      { cause: err },
    );
  }
  return new AgromeshError('UNAVAILABLE', `Could not open the database ${file}: ${message}.`, { cause: err });
}

export function openDatabase(options: OpenOptions): DatabaseSync {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(options.file);
    return prepare(db, options);
  } catch (err) {
    try {
      db?.close();
    } catch {
      // already closed or never opened
    }
    throw err instanceof AgromeshError ? err : openProblem(options.file, err);
  }
}

function prepare(db: DatabaseSync, options: OpenOptions): DatabaseSync {
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = ON');
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  if (row.user_version > options.migrations.length) {
    throw new AgromeshError(
      'UNAVAILABLE',
      `The database ${options.file} was written by a newer version of Agromesh (schema ${row.user_version}, this one knows up to ${options.migrations.length}): run the newer version, or move the file aside to start empty.`,
    );
  }
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
