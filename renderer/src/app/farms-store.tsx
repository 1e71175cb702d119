/** The farm list, loaded once and kept live from `farmsChanged`; shared by the map, table and alerts. */
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { FarmSummary } from '../../../protocol/app/index.ts';
import { applyFarmsChanged, farmsByName } from '../lib/farms-merge.ts';
import { localizeSummary } from '../lib/local-labels.ts';
import { useLiveLoad } from '../hooks/useLiveLoad.ts';
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
  const { api, lang } = useApp();
  const {
    data: raw,
    loading,
    error,
    reload,
  } = useLiveLoad<ReadonlyMap<string, FarmSummary>>(
    new Map(),
    'farms',
    () => api.listFarms().then((list) => new Map(list.map((f) => [f.farmId, f]))),
    (set) => api.on('farmsChanged', (batch) => set((cur) => applyFarmsChanged(cur, batch))),
  );
  // Sensor labels in the UI's language (a layout may carry them per language).
  const byId = useMemo<ReadonlyMap<string, FarmSummary>>(
    () => new Map([...raw].map(([id, f]) => [id, localizeSummary(lang, f)])),
    [raw, lang],
  );
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
