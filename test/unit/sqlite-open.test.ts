/** Opening a database refuses what it cannot trust, in one plain sentence with the path and what to do. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../kit/sqlite.ts';

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

describe('one migration scheme for every store', () => {
  const two = [
    (db: DatabaseSync) => db.exec('CREATE TABLE t (x INTEGER)'),
    (db: DatabaseSync) => db.exec('ALTER TABLE t ADD COLUMN y INTEGER'),
  ];
  const versions = (db: DatabaseSync) =>
    db.prepare('SELECT component, version FROM component_versions ORDER BY component').all();

  it('upgrades a file from before component_versions from its user_version, once', () => {
    const file = join(dir, 'legacy.db');
    const old = new DatabaseSync(file);
    old.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7); PRAGMA user_version = 1');
    old.close();
    const db = openDatabase({ file, component: 'gateway', migrations: two });
    expect(db.prepare('SELECT x, y FROM t').all()).toEqual([{ x: 7, y: null }]); // only step 2 ran
    expect(versions(db)).toEqual([{ component: 'gateway', version: 2 }]);
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: 2 });
    db.close();
    expect(() => openDatabase({ file, component: 'gateway', migrations: two }).close()).not.toThrow();
  });

  it('keeps several stores in one file apart, and refuses a newer one by name', () => {
    const db = openDatabase({ file: ':memory:', component: 'main', migrations: two });
    migrate(db, { component: 'alerts', migrations: [(d) => d.exec('CREATE TABLE a (id TEXT)')] });
    expect(versions(db)).toEqual([
      { component: 'alerts', version: 1 },
      { component: 'main', version: 2 },
    ]);
    db.prepare("UPDATE component_versions SET version = 5 WHERE component = 'alerts'").run();
    expect(() => migrate(db, { component: 'alerts', migrations: [() => {}] })).toThrow(
      /newer version of Agromesh \(schema 5, this one knows up to 1\)/,
    );
    db.close();
  });
});
