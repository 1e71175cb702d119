/**
 * Load something from the core and keep it current: the loader runs whenever `key` changes or `reload()` is
 * called, and again after the bridge reconnects (push events may have been missed meanwhile). `subscribe`
 * runs before the first load, so nothing pushed in between is lost; it may update the data in place.
 */
import { type Dispatch, type SetStateAction, useCallback, useEffect, useRef, useState } from 'react';
import { useApp } from '../app/context.tsx';

export interface LiveLoad<T> {
  data: T;
  setData: Dispatch<SetStateAction<T>>;
  loading: boolean;
  error: unknown;
  reload: () => void;
}

export function useLiveLoad<T>(
  initial: T,
  key: string,
  load: (() => Promise<T>) | null,
  subscribe?: (setData: Dispatch<SetStateAction<T>>, reload: () => void) => () => void,
): LiveLoad<T> {
  const { bridge } = useApp();
  const [data, setData] = useState<T>(initial);
  const [loading, setLoading] = useState(load !== null);
  const [error, setError] = useState<unknown>(undefined);
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  // The callbacks are rebuilt on every render; `key` is their identity.
  const latest = useRef({ load, subscribe });
  latest.current = { load, subscribe };

  useEffect(() => {
    const off = latest.current.subscribe?.(setData, reload);
    return () => off?.();
  }, [key, reload]);

  useEffect(() => {
    const run = latest.current.load;
    if (run === null) return;
    let live = true;
    setLoading(true);
    run().then(
      (value) => {
        if (!live) return;
        setData(value);
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
  }, [key, round]);

  const wasClosed = useRef(false);
  useEffect(() => {
    if (bridge === 'closed') wasClosed.current = true;
    if (bridge === 'open' && wasClosed.current) {
      wasClosed.current = false;
      reload();
    }
  }, [bridge, reload]);

  return { data, setData, loading, error, reload };
}
