/** Opening a database refuses what it cannot trust, in one plain sentence with the path and what to do. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../kit/sqlite.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agromesh-sqlite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const migrations = [(db: DatabaseSync) => db.exec('CREATE TABLE t (x INTEGER)')];

describe('openDatabase', () => {
  it('refuses a schema newer than this program knows (user_version 99)', () => {
    const file = join(dir, 'new.db');
    const db = new DatabaseSync(file);
    db.exec('PRAGMA user_version = 99');
    db.close();
    expect(() => openDatabase({ file, migrations })).toThrow(
      `The database ${file} was written by a newer version of Agromesh (schema 99, this one knows up to 1): run the newer version, or move the file aside to start empty.`,
    );
  });

  it('says a damaged file is damaged, with its path and what to do, instead of a raw stack', () => {
    const file = join(dir, 'bad.db');
    writeFileSync(file, 'this is not a database at all, just text that fills the header page'.repeat(100));
    expect(() => openDatabase({ file, migrations })).toThrow(
      new RegExp(`^The database ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged .*move it aside`),
    );
  });

  it('opens and migrates a current one', () => {
    const db = openDatabase({ file: join(dir, 'ok.db'), migrations });
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: 1 });
    db.close();
  });
});
