import { describe, expect, it } from 'vitest';
import type { Alert } from '../../protocol/app/index.ts';
import { groupOpenAlerts } from '../../renderer/src/lib/open-alerts.ts';
import { clusterPoints } from '../../renderer/src/lib/cluster.ts';

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
});
