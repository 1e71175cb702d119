/** Holds the one API instance and its connection state for useSyncExternalStore. */
import { type BridgeState, resolveApi } from '../api/bridge.ts';
import type { AgromeshApi } from '../../../protocol/app/index.ts';

export interface BridgeStore {
  api: AgromeshApi;
  getState: () => BridgeState;
  subscribe: (listener: () => void) => () => void;
}

export function createBridgeStore(): BridgeStore {
  let state: BridgeState = 'connecting';
  const listeners = new Set<() => void>();
  const api = resolveApi((s) => {
    state = s;
    for (const l of listeners) l();
  });
  return {
    api,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
