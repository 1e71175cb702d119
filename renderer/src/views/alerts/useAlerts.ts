/**
 * Alert lists and counts kept live: loaded through `listAlerts`, refreshed (coalesced) when the core pushes
 * `alertsChanged`, and reloaded after the bridge reconnects (events may have been missed meanwhile).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Alert, AlertCounts, AlertFilter } from '../../../../preload/contract.ts';
import { useApp } from '../../app/context.tsx';

/** Pushes arriving in a burst (a storm) cause one reload, not one per alert. */
const RELOAD_COALESCE_MS = 250;

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
  const { api, bridge } = useApp();
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [counts, setCounts] = useState<AlertCounts>({ firing: 0, acknowledged: 0 });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [round, setRound] = useState(0);
  // The filter is rebuilt on every render; its JSON is the stable identity the effect depends on.
  const key = JSON.stringify(filter);

  useEffect(() => {
    const current = JSON.parse(key) as AlertFilter | null;
    if (current === null) return;
    let live = true;
    setLoading(true);
    api.listAlerts(current).then(
      (res) => {
        if (!live) return;
        setAlerts(res.alerts);
        setCounts(res.counts);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, key, round]);

  const reload = useCallback(() => setRound((r) => r + 1), []);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = api.on('alertsChanged', (e) => {
      setCounts(e.counts);
      if (e.changed.length === 0 || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        reload();
      }, RELOAD_COALESCE_MS);
    });
    return () => {
      off();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, reload]);

  useReloadAfterReconnect(bridge, reload);

  const replace = useCallback(
    (a: Alert) => setAlerts((list) => list.map((x) => (x.id === a.id ? a : x))),
    [],
  );
  return { alerts, counts, loading, error, reload, replace };
}

/** Firing/acknowledged counts for the shell's badge. */
export function useAlertCounts(): AlertCounts {
  const { api, bridge } = useApp();
  const [counts, setCounts] = useState<AlertCounts>({ firing: 0, acknowledged: 0 });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const off = api.on('alertsChanged', (e) => setCounts(e.counts));
    let live = true;
    api.listAlerts({ state: ['firing'], limit: 1 }).then(
      (res) => live && setCounts(res.counts),
      () => {},
    );
    return () => {
      live = false;
      off();
    };
  }, [api, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  useReloadAfterReconnect(bridge, reload);
  return counts;
}

function useReloadAfterReconnect(bridge: string, reload: () => void): void {
  const wasClosed = useRef(false);
  useEffect(() => {
    if (bridge === 'closed') wasClosed.current = true;
    if (bridge === 'open' && wasClosed.current) {
      wasClosed.current = false;
      reload();
    }
  }, [bridge, reload]);
}
