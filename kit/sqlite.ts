/**
 * SQLite through Node's built-in `node:sqlite` (no native module to rebuild for Electron).
 * Write-ahead log, synchronous=NORMAL inside WAL (durable across process crashes), busy timeout,
 * and one migration scheme for every store (`migrate`): numbered migrations per component, tracked in
 * `component_versions`, each applied in its own transaction, so several stores can share one file.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AgromeshError } from '../protocol/errors.ts';

export type Migration = (db: DatabaseSync) => void;

export interface OpenOptions {
  /** `:memory:` for throwaway stores. */
  file: string;
  /** The file's own store (see `migrate`); default `main`. */
  component?: string;
  migrations: readonly Migration[];
  /** FULL makes every commit survive power loss, not only a killed process. */
  synchronous?: 'NORMAL' | 'FULL';
}

/**
 * True for SQLite's "database or disk is full" and the I/O errors a full disk causes (a write past the
 * end of the disk or of a file-size limit, a shared-memory file that cannot grow): SQLITE_FULL (13) and
 * SQLITE_IOERR (10) with their extended codes.
 */
export function isStorageFull(err: unknown): boolean {
  if (err instanceof AgromeshError) return err.code === 'STORAGE_FULL';
  const e = err as { errcode?: unknown; message?: unknown };
  if (typeof e?.errcode === 'number' && [10, 13].includes(e.errcode & 0xff)) return true;
  return typeof e?.message === 'string' && /database or disk is full|disk I\/O error/.test(e.message);
}

/** The stable STORAGE_FULL error for a write SQLite refused for lack of space (507). */
export function storageFullError(err: unknown, what = 'the database'): AgromeshError {
  if (err instanceof AgromeshError && err.code === 'STORAGE_FULL') return err;
  return new AgromeshError(
    'STORAGE_FULL',
    `The disk holding ${what} is full (or failing): nothing new can be stored until space is freed; what is already stored can still be read.`,
    { cause: err },
  );
}

/** Run a write; a full disk becomes STORAGE_FULL, anything else is rethrown as it is. */
export function storageWrite<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw isStorageFull(err) ? storageFullError(err) : err;
  }
}

/** One plain sentence, with the path and what to do, for a database that cannot be opened. */
function openProblem(file: string, err: unknown): AgromeshError {
  const message = (err as Error)?.message ?? String(err);
  if (isStorageFull(err)) {
    return new AgromeshError(
      'STORAGE_FULL',
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
  // Command history and settings are nobody else's business: folders 0700, database files 0600 (SQLite
  // gives its -wal and -shm files the database file's mode).
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
  let db: DatabaseSync | undefined;
  try {
    if (options.file !== ':memory:') {
      closeSync(openSync(options.file, 'a', 0o600));
      chmodSync(options.file, 0o600); // a file from an older version may be 0644
    }
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
  if (options.migrations.length > 0)
    migrate(db, {
      component: options.component ?? 'main',
      migrations: options.migrations,
      file: options.file,
      // Files from before component_versions kept their store's version in user_version; it is still
      // written, so an older Agromesh reading this file sees the version it knows.
      legacyVersion: () => (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version,
      mirrorToUserVersion: true,
    });
  return db;
}

export interface MigrateOptions {
  /** The store these migrations belong to (`gateway`, `registry`, `farms`, `alerts`…). */
  component: string;
  migrations: readonly Migration[];
  /** For messages. */
  file?: string;
  /** Where a file from before `component_versions` kept this store's version (read once, on upgrade). */
  legacyVersion?: () => number;
  mirrorToUserVersion?: boolean;
}

/**
 * The one migration scheme: `migrations[v]` takes `component` from version v to v + 1, each in its own
 * transaction with the new version, so a crash leaves a whole step or none. A version newer than this
 * program knows is refused with what to do.
 */
export function migrate(db: DatabaseSync, o: MigrateOptions): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS component_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)',
  );
  const row = db.prepare('SELECT version FROM component_versions WHERE component = ?').get(o.component) as
    { version: number } | undefined;
  const from = row?.version ?? o.legacyVersion?.() ?? 0;
  if (from > o.migrations.length) {
    throw new AgromeshError(
      'UNAVAILABLE',
      `The database ${o.file ?? `(${o.component})`} was written by a newer version of Agromesh (schema ${from}, this one knows up to ${o.migrations.length}): run the newer version, or move the file aside to start empty.`,
    );
  }
  const record = db.prepare(
    'INSERT INTO component_versions (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version',
  );
  if (!row && from > 0) record.run(o.component, from); // adopt a legacy version as is
  for (let v = from; v < o.migrations.length; v++) {
    transaction(db, () => {
      o.migrations[v]!(db);
      record.run(o.component, v + 1);
      if (o.mirrorToUserVersion) db.exec(`PRAGMA user_version = ${v + 1}`);
    });
  }
}

/**
 * Run `fn` in one transaction: all of it is written, or none. A full disk is reported as STORAGE_FULL;
 * SQLite may already have rolled the transaction back then, so a failing ROLLBACK does not hide it.
 */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  storageWrite(() => db.exec('BEGIN IMMEDIATE'));
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    try {
      if (db.isTransaction) db.exec('ROLLBACK');
    } catch {
      // SQLite rolled back by itself (it does after SQLITE_FULL and some I/O errors)
    }
    throw isStorageFull(err) ? storageFullError(err) : err;
  }
}
