/**
 * The registry keeps people's region, crop and owner: a file from before them opens with its records
 * whole and the three empty; people set and clear them; heartbeats never touch them; over 100 characters
 * is refused at the boundary.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FarmMetadataUpdate } from '../../protocol/discovery-api.ts';
import { openRegistryStore } from '../../registry/store.ts';
import { tempDir } from '../tailnet/helpers.ts';

const cleanups: Array<() => unknown> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});
const person = { label: 'sam@example.com', nodeName: 'support-desk', tags: [] };
const farm = { label: 'kuban-south', nodeName: 'kuban-south', tags: ['tag:farm'] };

describe('registry region / crop / owner', () => {
  it('opens a file written before them, records whole, the three empty', () => {
    const tmp = tempDir('agromesh-registry-fields-');
    cleanups.push(tmp.cleanup);
    const file = join(tmp.dir, 'registry.sqlite');
    const old = new DatabaseSync(file);
    old.exec(`
      CREATE TABLE component_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL);
      INSERT INTO component_versions VALUES ('registry', 1);
      CREATE TABLE farms (
        address TEXT PRIMARY KEY, farm_id TEXT NOT NULL DEFAULT '', name TEXT NOT NULL DEFAULT '',
        display_name TEXT, location TEXT, location_override TEXT, time_zone TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '[]', node_name TEXT NOT NULL DEFAULT '',
        gateway_version TEXT NOT NULL DEFAULT '', api_port INTEGER NOT NULL DEFAULT 8080,
        last_heartbeat_at INTEGER, status TEXT NOT NULL DEFAULT 'offline', version INTEGER NOT NULL,
        updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);
      INSERT INTO farms (address, display_name, notes, version, updated_at, updated_by)
        VALUES ('100.64.0.7', 'Kuban South', 'gate 4512', 3, 0, 'sam@example.com');
    `);
    old.close();
    const store = openRegistryStore({ file });
    cleanups.push(() => store.close());
    expect(store.get('100.64.0.7')).toMatchObject({
      displayName: 'Kuban South',
      notes: 'gate 4512',
      version: 3,
      region: '',
      crop: '',
      owner: '',
    });

    const set = store.updateMetadata('100.64.0.7', { region: 'South', crop: 'Winter wheat' }, person);
    expect(set).toMatchObject({ region: 'South', crop: 'Winter wheat', owner: '', version: 4 });
    store.heartbeat(
      '100.64.0.7',
      {
        farmId: 'kuban-south',
        name: 'Gateway name',
        location: null,
        timeZone: 'Europe/Moscow',
        gatewayVersion: '1.0.0',
        apiPort: 8080,
        sensors: 1,
        actuators: 0,
        capabilities: [],
      },
      farm,
    );
    const cleared = store.updateMetadata('100.64.0.7', { crop: '' }, person);
    expect(cleared).toMatchObject({ region: 'South', crop: '', farmId: 'kuban-south' });
    expect(store.updateMetadata('100.64.0.7', { region: 'South' }, person).version).toBe(cleared.version);
  });

  it('the update schema bounds each to 100 characters', () => {
    expect(FarmMetadataUpdate.safeParse({ region: 'r'.repeat(100) }).success).toBe(true);
    expect(FarmMetadataUpdate.safeParse({ owner: 'o'.repeat(101) }).success).toBe(false);
  });
});
