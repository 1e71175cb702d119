import { describe, expect, it } from 'vitest';
import { FarmSummary } from '../../protocol/app/index.ts';
import { isTerminal } from '../../protocol/farm-api.ts';
import { mergeCommand } from '../../renderer/src/lib/commands.ts';
import { allTags, filterDevices, keyStatus, parseTags } from '../../renderer/src/lib/devices.ts';
import { filterFarms, keyFigures, sortFarms } from '../../renderer/src/lib/farm-table.ts';
import { applyFarmsChanged, farmsByName } from '../../renderer/src/lib/farms-merge.ts';
import { makeCommand, makeDevice, makeFarm, makeFarms, NOW } from './fixtures.ts';

describe('fixtures follow the contract', () => {
  it('parse with the zod schemas', () => {
    for (const f of makeFarms(20, { unlocatedEvery: 5 })) expect(FarmSummary.parse(f)).toEqual(f);
  });
});

describe('farm table', () => {
  const farms = makeFarms(12);
  it('filters by text (name, tag, address) and health', () => {
    expect(filterFarms(farms, { text: 'orchard', health: 'all' }).map((f) => f.displayName)).toEqual([
      'Orchard Hill',
    ]);
    expect(filterFarms(farms, { text: 'tag:north', health: 'all' })).toHaveLength(3);
    expect(filterFarms(farms, { text: '100.64.0.4', health: 'all' })).toHaveLength(1);
    expect(
      filterFarms(farms, { text: '', health: 'offline' }).every((f) => f.health.overall === 'offline'),
    ).toBe(true);
  });

  it('sorts by health, name and last reading (never-reported last when ascending)', () => {
    const byHealth = sortFarms(farms, 'health', 'desc');
    expect(byHealth[0]!.health.overall).toBe('offline');
    expect(sortFarms(farms, 'name', 'asc')[0]!.displayName).toBe('Farm 10');
    const silent = { ...makeFarm(99), lastReadingAt: null };
    expect(sortFarms([...farms, silent], 'lastReading', 'asc')[0]).toBe(silent);
  });

  it("shows key figures by kind (soil, air, water) with the sensors' labels and units", () => {
    expect(keyFigures(farms[0]!).map((k) => [k.reading.sensorId, k.label, k.unit])).toEqual([
      ['soil-moisture', 'Soil moisture', '%'],
      ['air-temp', 'Air temperature', '°C'],
      ['tank-level', 'Tank level', '%'],
    ]);
    // Before the gateway has answered, the summary has readings but no sensors: ids, in id order.
    expect(keyFigures({ ...farms[0]!, sensors: [] }).map((k) => [k.label, k.unit])).toEqual([
      ['air-temp', ''],
      ['soil-moisture', ''],
      ['tank-level', ''],
    ]);
    // One figure per kind first: a second soil sensor comes after air temperature.
    const two = {
      ...farms[0]!,
      sensors: [
        { id: 's1', label: 'Soil 1', unit: '%', kind: 'soil_moisture' as const },
        { id: 's2', label: 'Soil 2', unit: '%', kind: 'soil_moisture' as const },
        { id: 't', label: 'Air', unit: '°C', kind: 'air_temperature' as const },
      ],
      latest: ['s2', 's1', 't'].map((sensorId) => ({ sensorId, ts: NOW, value: 1, quality: 'ok' as const })),
    };
    expect(keyFigures(two, 2).map((k) => k.label)).toEqual(['Soil 1', 'Air']);
  });

  it('applies farmsChanged batches (change, add, remove) and keeps name order', () => {
    const map = new Map(farms.slice(0, 3).map((f) => [f.farmId, f]));
    const offline = { ...farms[0]!, health: { ...farms[0]!.health, overall: 'offline' as const } };
    const next = applyFarmsChanged(map, { changed: [offline, farms[5]!], removed: [farms[1]!.farmId] });
    expect([...next.keys()].sort()).toEqual([farms[0]!.farmId, farms[2]!.farmId, farms[5]!.farmId].sort());
    expect(next.get(farms[0]!.farmId)!.health.overall).toBe('offline');
    expect(map.size).toBe(3);
    expect(farmsByName(next).map((f) => f.displayName)).toEqual([
      'North Field',
      'Orchard Hill',
      'Vineyard East',
    ]);
  });
});

describe('devices', () => {
  it('warns about keys expiring within 14 days', () => {
    expect(keyStatus(makeDevice(1, { keyDays: 10 }), NOW).kind).toBe('soon');
    expect(keyStatus(makeDevice(1, { keyDays: 30 }), NOW).kind).toBe('ok');
    expect(keyStatus(makeDevice(1, { keyDays: -1 }), NOW).kind).toBe('expired');
    expect(keyStatus(makeDevice(1, { keyDays: null }), NOW).kind).toBe('disabled');
  });

  it('filters by tag, untagged and online', () => {
    const devices = [makeDevice(0), makeDevice(1), makeDevice(2), makeDevice(3, { tags: ['tag:registry'] })];
    const f = { tag: '', untagged: false, onlineOnly: false, text: '' };
    expect(filterDevices(devices, { ...f, untagged: true }).map((d) => d.name)).toEqual(['control-room']);
    expect(filterDevices(devices, { ...f, tag: 'tag:registry' }).map((d) => d.name)).toEqual(['farm-3']);
    expect(filterDevices(devices, { ...f, onlineOnly: true }).every((d) => d.online)).toBe(true);
    expect(allTags(devices)).toEqual(['tag:farm', 'tag:registry']);
  });

  it('parses tag input and reports invalid entries', () => {
    expect(parseTags('tag:farm, tag:north tag:farm')).toEqual({
      tags: ['tag:farm', 'tag:north'],
      invalid: [],
    });
    expect(parseTags('farm, tag:ok, tag:bad_one')).toEqual({
      tags: ['tag:ok'],
      invalid: ['farm', 'tag:bad_one'],
    });
  });
});

describe('command updates', () => {
  const farm = makeFarm(0);
  it('replaces by id unless older, adds new commands newest first', () => {
    const a = makeCommand(1, farm, 'running');
    const list = [a, makeCommand(2, farm)];
    const done = { ...a, state: 'succeeded' as const, updatedAt: new Date(NOW).toISOString() };
    expect(mergeCommand(list, done)[0]!.state).toBe('succeeded');
    expect(mergeCommand(mergeCommand(list, done), a)[0]!.state).toBe('succeeded');
    const fresh = makeCommand(0, farm, 'queued');
    expect(mergeCommand(list, fresh).map((c) => c.id)).toEqual(['cmd-0', 'cmd-1', 'cmd-2']);
    expect(mergeCommand(list, fresh, 2)).toHaveLength(2);
    expect(isTerminal('expired')).toBe(true);
    expect(isTerminal('unknown')).toBe(false);
  });
});
