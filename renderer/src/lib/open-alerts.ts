/** Open alerts (firing, or acknowledged but not yet clear) grouped by farm, for the views that show them. */
import type { Alert, AlertSeverity } from '../../../protocol/app/index.ts';

export interface FarmAlerts {
  count: number;
  worst: AlertSeverity;
  /** The worst open alert, for a one-line reason. */
  top: Alert;
  bySensor: ReadonlyMap<string, AlertSeverity>;
}

export const ALERT_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
export function worseSeverity(a: AlertSeverity | undefined, b: AlertSeverity): AlertSeverity {
  return a === undefined || ALERT_RANK[b] > ALERT_RANK[a] ? b : a;
}

/** Open alerts grouped by farm (pure, for tests). */
export function groupOpenAlerts(alerts: readonly Alert[]): Map<string, FarmAlerts> {
  const out = new Map<string, FarmAlerts>();
  for (const a of alerts) {
    if (a.state === 'resolved') continue;
    const cur = out.get(a.farmId);
    const bySensor = new Map(cur?.bySensor ?? []);
    if (a.sensorId) bySensor.set(a.sensorId, worseSeverity(bySensor.get(a.sensorId), a.severity));
    const worse = !cur || ALERT_RANK[a.severity] > ALERT_RANK[cur.worst];
    out.set(a.farmId, {
      count: (cur?.count ?? 0) + 1,
      worst: worse ? a.severity : cur.worst,
      top: worse ? a : cur.top,
      bySensor,
    });
  }
  return out;
}
