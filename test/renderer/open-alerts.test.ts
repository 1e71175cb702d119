import { describe, expect, it } from 'vitest';
import type { Alert } from '../../protocol/app/index.ts';
import { groupOpenAlerts } from '../../renderer/src/lib/open-alerts.ts';
import { clusterPoints } from '../../renderer/src/lib/cluster.ts';
import { rangeSide } from '../../renderer/src/lib/expected-range.ts';

const alert = (over: Partial<Alert>): Alert =>
  ({
    id: `a-${Math.random()}`,
    farmId: 'north',
    sensorId: 'soil-1',
    severity: 'warning',
    state: 'firing',
    ...over,
  }) as Alert;

describe('open alerts where people look', () => {
  it('groups open alerts by farm with the worst severity and each sensor, ignoring resolved ones', () => {
    const byFarm = groupOpenAlerts([
      alert({ severity: 'warning' }),
      alert({ severity: 'critical', sensorId: 'tank-1', id: 'worst' }),
      alert({ state: 'acknowledged', sensorId: 'soil-1' }),
      alert({ farmId: 'south', state: 'resolved', severity: 'critical' }),
    ]);
    expect([...byFarm.keys()]).toEqual(['north']);
    const north = byFarm.get('north')!;
    expect(north).toMatchObject({ count: 3, worst: 'critical' });
    expect(north.top.id).toBe('worst');
    expect(Object.fromEntries(north.bySensor)).toEqual({ 'soil-1': 'warning', 'tank-1': 'critical' });
  });

  it('marks a map cluster with the worst alert of its members and draws it on top', () => {
    const p = { x: 0.5, y: 0.5 };
    const clusters = clusterPoints(
      [
        { id: 'a', p, health: 'ok', alert: 'warning' },
        { id: 'b', p, health: 'ok', alert: 'critical' },
        { id: 'c', p, health: 'ok' },
        { id: 'far', p: { x: 0.1, y: 0.1 }, health: 'offline' },
      ],
      1024,
    );
    const group = clusters.find((c) => c.ids.length === 3)!;
    expect(group).toMatchObject({ alert: 'critical', alerting: 2 });
    expect(clusters.at(-1)).toBe(group); // above the offline farm
    expect(clusters.find((c) => c.ids[0] === 'far')!.alert).toBeUndefined();
  });

  it('says which side of the expected range a reading is on (the bounds are inside)', () => {
    const range = { min: 20, max: 45 };
    expect(rangeSide(1.9, range)).toBe('below');
    expect(rangeSide(45.1, range)).toBe('above');
    expect([rangeSide(20, range), rangeSide(45, range), rangeSide(30, range)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(rangeSide(null, range)).toBeUndefined();
    expect(rangeSide(1.9, undefined)).toBeUndefined();
  });
});
