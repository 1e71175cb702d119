/**
 * Alert lists and counts kept live: loaded through `listAlerts`, refreshed (coalesced) when the core pushes
 * `alertsChanged`, and reloaded after the bridge reconnects (events may have been missed meanwhile).
 */
import { useCallback } from 'react';
import type { Alert, AlertCounts, AlertFilter } from '../../../../protocol/app/index.ts';
import { useApp } from '../../app/context.tsx';
import { useLiveLoad } from '../../hooks/useLiveLoad.ts';

/** Pushes arriving in a burst (a storm) cause one reload, not one per alert. */
const RELOAD_COALESCE_MS = 250;
const NO_COUNTS: AlertCounts = { firing: 0, acknowledged: 0 };

export interface AlertListState {
  alerts: Alert[];
  counts: AlertCounts;
  loading: boolean;
  error: unknown;
  reload: () => void;
  /** Replace one alert locally after a mutation returned it. */
  replace: (alert: Alert) => void;
}

export function useAlertList(filter: AlertFilter | null): AlertListState {
  const { api } = useApp();
  const { data, setData, loading, error, reload } = useLiveLoad<{ alerts: Alert[]; counts: AlertCounts }>(
    { alerts: [], counts: NO_COUNTS },
    JSON.stringify(filter),
    filter === null ? null : () => api.listAlerts(filter),
    (set, again) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const off = api.on('alertsChanged', (e) => {
        set((cur) => ({ ...cur, counts: e.counts }));
        if (e.changed.length === 0 || timer !== undefined) return;
        timer = setTimeout(() => {
          timer = undefined;
          again();
        }, RELOAD_COALESCE_MS);
      });
      return () => {
        off();
        if (timer !== undefined) clearTimeout(timer);
      };
    },
  );
  const replace = useCallback(
    (a: Alert) => setData((cur) => ({ ...cur, alerts: cur.alerts.map((x) => (x.id === a.id ? a : x)) })),
    [setData],
  );
  return { alerts: data.alerts, counts: data.counts, loading, error, reload, replace };
}

/** Firing/acknowledged counts for the shell's badge. */
export function useAlertCounts(): AlertCounts {
  const { api } = useApp();
  const { data } = useLiveLoad<AlertCounts>(
    NO_COUNTS,
    'counts',
    () => api.listAlerts({ state: ['firing'], limit: 1 }).then((res) => res.counts),
    (set) => api.on('alertsChanged', (e) => set(e.counts)),
  );
  return data;
}
