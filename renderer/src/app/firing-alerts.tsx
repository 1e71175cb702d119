/**
 * Which farms (and sensors) have an alert that is still open — firing, or acknowledged but not yet clear —
 * so the map marker, the farm list, the farm header and the reading cards can show it where people look.
 */
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { Alert } from '../../../protocol/app/index.ts';
import { type FarmAlerts, groupOpenAlerts } from '../lib/open-alerts.ts';
import { useAlertList } from '../views/alerts/useAlerts.ts';

export type { FarmAlerts };

const OPEN = { state: ['firing', 'acknowledged'] as Alert['state'][], limit: 1000 };

const Ctx = createContext<ReadonlyMap<string, FarmAlerts>>(new Map());

export function FiringAlertsProvider({ children }: { children: ReactNode }) {
  const { alerts } = useAlertList(OPEN);
  const byFarm = useMemo(() => groupOpenAlerts(alerts), [alerts]);
  return <Ctx.Provider value={byFarm}>{children}</Ctx.Provider>;
}

export const useOpenAlertsByFarm = (): ReadonlyMap<string, FarmAlerts> => useContext(Ctx);
export const useFarmAlerts = (farmId: string): FarmAlerts | undefined => useContext(Ctx).get(farmId);
