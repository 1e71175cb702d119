/** The shell: theme, language, who-am-I, navigation and the current view. */
import Box from '@mui/material/Box';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import Toolbar from '@mui/material/Toolbar';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { type AppInfo, DEFAULT_SETTINGS, type Me, type Settings } from '../../protocol/app/index.ts';
import { AppContext, type AppContextValue, useApp } from './app/context.tsx';
import type { BridgeStore } from './app/bridge-store.ts';
import { FarmsProvider } from './app/farms-store.tsx';
import { makeTheme } from './app/theme.ts';
import { LateOutcomeNotices } from './components/LateOutcomeNotices.tsx';
import { NavMenu } from './components/NavMenu.tsx';
import { ReconnectBanner } from './components/ReconnectBanner.tsx';
import { ErrorState } from './components/StateViews.tsx';
import { TopBar } from './components/TopBar.tsx';
import { useHashRoute } from './hooks/useHashRoute.ts';
import { usePhone } from './hooks/usePhone.ts';
import { useTilePolicyReload } from './hooks/useTilePolicyReload.ts';
import { resolveLanguage, translate, type MessageKey, type Vars } from './lib/i18n.ts';
import { navSection, type Route } from './lib/route.ts';
import { resolveThemeMode } from './lib/theme-mode.ts';
import { AlertsView } from './views/alerts/AlertsView.tsx';
import { CommandsView } from './views/CommandsView.tsx';
import { DevicesView } from './views/DevicesView.tsx';
import { FarmDetailView } from './views/FarmDetailView.tsx';
import { FarmsView } from './views/FarmsView.tsx';
import { MapView } from './views/MapView.tsx';
import { NotFoundView } from './views/NotFoundView.tsx';
import { SettingsView } from './views/SettingsView.tsx';
import { FiringAlertsProvider } from './app/firing-alerts.tsx';

export function App({ store }: { store: BridgeStore }) {
  const { api } = store;
  const bridge = useSyncExternalStore(store.subscribe, store.getState);
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS);
  const [me, setMe] = useState<Me | null>(null);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [bootError, setBootError] = useState<unknown>(undefined);
  const [round, setRound] = useState(0);

  useEffect(() => api.on('settingsChanged', setSettings), [api]);
  useEffect(() => {
    let live = true;
    Promise.all([api.getSettings(), api.getMe(), api.getAppInfo()]).then(
      ([s, m, i]) => {
        if (!live) return;
        setSettings(s);
        setMe(m);
        setInfo(i);
        setBootError(undefined);
      },
      (err: unknown) => live && setBootError(err),
    );
    return () => {
      live = false;
    };
  }, [api, round]);

  useTilePolicyReload(settings.map.tileUrl, info !== null);

  // Reload who-am-I and settings after a reconnect: the core may have restarted.
  const wasClosed = useRef(false);
  useEffect(() => {
    if (bridge === 'closed') wasClosed.current = true;
    if (bridge === 'open' && wasClosed.current) {
      wasClosed.current = false;
      setRound((r) => r + 1);
    }
  }, [bridge]);

  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true });
  const mode = resolveThemeMode(settings.theme, prefersDark);
  const lang = resolveLanguage(settings.language, navigator.language);
  const theme = useMemo(() => makeTheme(mode, lang), [mode, lang]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.documentElement.dataset.theme = mode;
  }, [lang, mode]);

  const updateSettings = useCallback(
    async (patch: Partial<Settings>) => {
      const saved = await api.updateSettings(patch);
      setSettings(saved);
      return saved;
    },
    [api],
  );

  const value = useMemo<AppContextValue>(
    () => ({
      api,
      bridge,
      settings,
      updateSettings,
      me,
      info,
      lang,
      t: (key: MessageKey, vars?: Vars) => translate(lang, key, vars),
    }),
    [api, bridge, settings, updateSettings, me, info, lang],
  );

  return (
    <AppContext.Provider value={value}>
      <ThemeProvider theme={theme}>
        <CssBaseline />
        <FarmsProvider>
          <FiringAlertsProvider>
            <Shell bootError={bootError} onRetry={() => setRound((r) => r + 1)} />
          </FiringAlertsProvider>
        </FarmsProvider>
      </ThemeProvider>
    </AppContext.Provider>
  );
}

function Shell({ bootError, onRetry }: { bootError: unknown; onRetry: () => void }) {
  const route = useHashRoute();
  const main = useRef<HTMLElement>(null);
  const { t } = useApp();
  const phone = usePhone();
  const [menuOpen, setMenuOpen] = useState(false);

  // Move focus to the new view's heading so keyboard and screen-reader users land on it.
  const routeKey = route.view === 'farm' ? `farm/${route.farmId}` : route.view;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = main.current?.querySelector<HTMLElement>('[data-view-heading]');
    (heading ?? main.current)?.focus();
  }, [routeKey]);

  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <Box
        component="a"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
        sx={{
          position: 'absolute',
          left: -9999,
          zIndex: 2000,
          '&:focus': { left: 8, top: 8, p: 1, bgcolor: 'background.paper' },
        }}
      >
        {t('skipToContent')}
      </Box>
      <TopBar phone={phone} menuOpen={menuOpen} onOpenMenu={() => setMenuOpen(true)} />
      <NavMenu
        current={navSection(route)}
        phone={phone}
        open={phone && menuOpen}
        onClose={() => setMenuOpen(false)}
      />
      <Box
        component="main"
        id="main"
        ref={main}
        tabIndex={-1}
        sx={{ flex: 1, minWidth: 0, outline: 'none', display: 'flex', flexDirection: 'column' }}
      >
        <Toolbar variant="dense" />
        <ReconnectBanner />
        <LateOutcomeNotices />
        <Box sx={{ p: { xs: 1.5, sm: 2 }, flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
          {bootError !== undefined && <ErrorState error={bootError} onRetry={onRetry} />}
          <View route={route} />
        </Box>
      </Box>
    </Box>
  );
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'map':
      return <MapView />;
    case 'farms':
      return <FarmsView />;
    case 'farm':
      return <FarmDetailView key={route.farmId} farmId={route.farmId} />;
    case 'devices':
      return <DevicesView />;
    case 'commands':
      return <CommandsView />;
    case 'alerts':
      return <AlertsView key={route.farmId ?? ''} {...(route.farmId ? { farmId: route.farmId } : {})} />;
    case 'settings':
      return <SettingsView />;
    case 'notFound':
      return <NotFoundView />;
  }
}
