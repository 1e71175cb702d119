/**
 * Which farms (and sensors) have an alert that is still open — firing, or acknowledged but not yet clear —
 * so the map marker, the farm list, the farm header and the reading cards can show it where people look.
 */
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { Alert, AlertSeverity } from '../../../protocol/app/index.ts';
import { useAlertList } from '../views/alerts/useAlerts.ts';

export interface FarmAlerts {
  count: number;
  worst: AlertSeverity;
  /** The worst open alert, for a one-line reason. */
  top: Alert;
  bySensor: ReadonlyMap<string, AlertSeverity>;
}

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
const OPEN = { state: ['firing', 'acknowledged'] as Alert['state'][], limit: 1000 };

const Ctx = createContext<ReadonlyMap<string, FarmAlerts>>(new Map());

export function worseSeverity(a: AlertSeverity | undefined, b: AlertSeverity): AlertSeverity {
  return a === undefined || RANK[b] > RANK[a] ? b : a;
}

/** Open alerts grouped by farm (pure, for tests). */
export function groupOpenAlerts(alerts: readonly Alert[]): Map<string, FarmAlerts> {
  const out = new Map<string, FarmAlerts>();
  for (const a of alerts) {
    if (a.state === 'resolved') continue;
    const cur = out.get(a.farmId);
    const bySensor = new Map(cur?.bySensor ?? []);
    if (a.sensorId) bySensor.set(a.sensorId, worseSeverity(bySensor.get(a.sensorId), a.severity));
    const worse = !cur || RANK[a.severity] > RANK[cur.worst];
    out.set(a.farmId, {
      count: (cur?.count ?? 0) + 1,
      worst: worse ? a.severity : cur.worst,
      top: worse ? a : cur.top,
      bySensor,
    });
  }
  return out;
}

export function FiringAlertsProvider({ children }: { children: ReactNode }) {
  const { alerts } = useAlertList(OPEN);
  const byFarm = useMemo(() => groupOpenAlerts(alerts), [alerts]);
  return <Ctx.Provider value={byFarm}>{children}</Ctx.Provider>;
}

export const useOpenAlertsByFarm = (): ReadonlyMap<string, FarmAlerts> => useContext(Ctx);
export const useFarmAlerts = (farmId: string): FarmAlerts | undefined => useContext(Ctx).get(farmId);
