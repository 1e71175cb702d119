/**
 * The control room's own Prometheus series, served with the embedded registry's on this desktop's
 * tailnet address (same `/metrics`, same who-is rule): farms by health, readings received from them,
 * command updates by state and firing alerts. Sources are read at scrape time, so nothing is kept twice.
 */
import { Counter, Gauge, type Registry } from '../../kit/metrics.ts';
import { OverallHealth, type FarmSummary } from '../../protocol/app/farms.ts';
import type { AlertCounts } from '../../protocol/app/alerts.ts';

export interface ControlRoomSources {
  farms: () => readonly Pick<FarmSummary, 'health'>[];
  alerts: () => AlertCounts;
}

export interface ControlRoomMetrics {
  readingsReceived: Counter;
  commandUpdates: Counter<'state'>;
}

export function registerControlRoomMetrics(
  registry: Registry,
  sources: () => ControlRoomSources | undefined,
): ControlRoomMetrics {
  const registers = [registry];
  new Gauge({
    name: 'agromesh_controlroom_farms',
    help: 'Farms this control room knows, by overall health (ok, degraded, stale, offline).',
    labelNames: ['health'] as const,
    registers,
    collect() {
      const farms = sources()?.farms() ?? [];
      for (const h of OverallHealth.options)
        this.set({ health: h }, farms.filter((f) => f.health.overall === h).length);
    },
  });
  new Gauge({
    name: 'agromesh_controlroom_alerts',
    help: 'Alerts in this control room, by state (firing, acknowledged).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const c = sources()?.alerts() ?? { firing: 0, acknowledged: 0 };
      this.set({ state: 'firing' }, c.firing);
      this.set({ state: 'acknowledged' }, c.acknowledged);
    },
  });
  const readingsReceived = new Counter({
    name: 'agromesh_controlroom_readings_received_total',
    help: 'Readings received from farm streams.',
    registers,
  });
  const commandUpdates = new Counter({
    name: 'agromesh_controlroom_command_updates_total',
    help: 'Command updates the ledger received, by the state they reported.',
    labelNames: ['state'] as const,
    registers,
  });
  return { readingsReceived, commandUpdates };
}
