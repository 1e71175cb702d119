/** The farm list, loaded once and kept live from `farmsChanged`; shared by the map, table and alerts. */
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { FarmSummary } from '../../../preload/contract.ts';
import { applyFarmsChanged, farmsByName } from '../lib/farms-merge.ts';
import { useApp } from './context.tsx';

export interface FarmsState {
  farms: FarmSummary[];
  byId: ReadonlyMap<string, FarmSummary>;
  loading: boolean;
  error: unknown;
  reload: () => void;
}

const FarmsContext = createContext<FarmsState | null>(null);

export function FarmsProvider({ children }: { children: ReactNode }) {
  const { api, bridge } = useApp();
  const [byId, setById] = useState<ReadonlyMap<string, FarmSummary>>(new Map());
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [round, setRound] = useState(0);

  useEffect(() => {
    // Subscribe first so no batch slips between the list and the subscription.
    const off = api.on('farmsChanged', (batch) => setById((cur) => applyFarmsChanged(cur, batch)));
    let live = true;
    setLoading(true);
    api.listFarms().then(
      (list) => {
        if (!live) return;
        setById(new Map(list.map((f) => [f.farmId, f])));
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
      off();
    };
  }, [api, round]);

  // After a reconnect the push events may have been missed: reload the list.
  const wasClosed = useRef(false);
  useEffect(() => {
    if (bridge === 'closed') wasClosed.current = true;
    if (bridge === 'open' && wasClosed.current) {
      wasClosed.current = false;
      setRound((r) => r + 1);
    }
  }, [bridge]);

  const reload = useCallback(() => setRound((r) => r + 1), []);
  const value = useMemo<FarmsState>(
    () => ({ farms: farmsByName(byId), byId, loading, error, reload }),
    [byId, loading, error, reload],
  );
  return <FarmsContext.Provider value={value}>{children}</FarmsContext.Provider>;
}

export function useFarms(): FarmsState {
  const value = useContext(FarmsContext);
  if (!value) throw new Error('useFarms outside <FarmsProvider>');
  return value;
}
