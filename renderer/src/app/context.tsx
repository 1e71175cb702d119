/** What every view needs: the API, who I am, the settings, the language and a translate function. */
import { createContext, useContext } from 'react';
import type { BridgeState } from '../api/bridge.ts';
import type { AgromeshApi, AppInfo, Me, Settings } from '../../../protocol/app/index.ts';
import type { Lang, MessageKey, Vars } from '../lib/i18n.ts';

export interface AppContextValue {
  api: AgromeshApi;
  bridge: BridgeState;
  settings: Settings;
  /** Persist a settings change through the core; resolves with the saved settings. */
  updateSettings: (patch: Partial<Settings>) => Promise<Settings>;
  me: Me | null;
  info: AppInfo | null;
  lang: Lang;
  t: (key: MessageKey, vars?: Vars) => string;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside <AppContext>');
  return value;
}
