import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from '../../kit/sqlite.ts';
import { createFileSettingsStore } from '../../main/core/settings/settings-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

it('keeps databases, settings and their folders to this user (0600 files, 0700 folders)', () => {
  const root = mkdtempSync(join(tmpdir(), 'agromesh-modes-'));
  dirs.push(root);
  const db = openDatabase({ file: join(root, 'data', 'farms.sqlite'), migrations: [] });
  db.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1)');
  expect(mode(join(root, 'data'))).toBe('700');
  expect(mode(join(root, 'data', 'farms.sqlite'))).toBe('600');
  expect(mode(join(root, 'data', 'farms.sqlite-wal'))).toBe('600');
  db.close();

  const settings = createFileSettingsStore(join(root, 'config', 'settings.json'));
  settings.write({ ...settings.read(), theme: 'dark' });
  expect(mode(join(root, 'config'))).toBe('700');
  expect(mode(join(root, 'config', 'settings.json'))).toBe('600');
});
