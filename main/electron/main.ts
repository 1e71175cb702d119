/**
 * The Electron shell: single-instance lock, one hardened window, the IPC bridge, settings and secrets,
 * the application menu, tray/dock presence, notifications that lead somewhere and a rotating log file.
 * Everything else is the Node core (createAppCore), shared with the browser host and the CLI.
 */
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  nativeImage,
  Notification,
  protocol,
  screen,
  shell,
  Tray,
  type MenuItemConstructorOptions,
} from 'electron';
import Store from 'electron-store';
import { z } from 'zod';
import type { EventPayload, Settings } from '../../protocol/app/index.ts';
import { createLogger, type Logger } from '../../kit/log.ts';
import { createRotatingFile, teeWriter, type RotatingFile } from '../../kit/log-file.ts';
import { createAppCore, type AppCore } from '../core/app-core.ts';
import { parseStoredSettings, type SettingsStore } from '../core/settings/settings-store.ts';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, APP_URL, createAppProtocolHandler } from './app-protocol.ts';
import { registerIpc } from './ipc.ts';
import { buildMenuTemplate, routeOf, shortcutLines, type ShellView } from './menu.ts';
import { createAlertNotifications } from './notifications.ts';
import { createSafeStorageSecretStore } from './secrets.ts';
import { resolveLanguage } from '../../protocol/i18n.ts';
import { shellT } from './shell-text.ts';
import { describeStartupFailure } from './startup-failure.ts';
import { createPresence, trayBitmap } from './tray.ts';
import { decideWindowOpen, focusExisting, isAppUrl, mainWindowOptions } from './window-options.ts';
import { clampWindowBounds, readWindowState, saveWindowState, type StateStore } from './window-state.ts';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '..', '..', 'renderer');
const preloadPath = join(here, '..', '..', 'preload', 'preload.cjs');
const appUrl = APP_URL;
// Before `ready`, as Electron requires: the scheme's privileges are fixed for the session.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
const APP_ID = 'dev.agromesh.controlroom';
/** Help → Documentation (docs/desktop.md in the repository). */
export const DOCS_URL = 'https://agromesh.dev/docs/desktop';

/** Set by `agromesh demo` only: the simulated tailnet's LocalAPI socket and this seat's address. */
const SimulatedTailnet = z.object({
  localApiSocket: z.string().min(1),
  selfAddress: z.string().min(1),
  api: z.object({ url: z.url(), apiKey: z.string().min(1) }).optional(),
});
/**
 * The demo's simulated tailnet (loopback dialing, any LocalAPI socket). Refused by an installed app, so an
 * environment variable cannot turn a production control room into one that dials loopback.
 */
function simulatedTailnet(env: NodeJS.ProcessEnv, packaged: boolean, log: Logger) {
  const raw = env.AGROMESH_SIMULATED_TAILNET;
  if (!raw) return {};
  if (packaged) {
    log.warn('AGROMESH_SIMULATED_TAILNET is ignored by an installed app (it is for the demo)');
    return {};
  }
  return { simulatedTailnet: SimulatedTailnet.parse(JSON.parse(raw)) };
}

function electronSettingsStore(): SettingsStore {
  const store = new Store<{ settings: unknown }>({ name: 'settings' });
  return {
    read: () => parseStoredSettings(store.get('settings')),
    write: (s) => store.set('settings', s),
  };
}

async function openExternal(url: string): Promise<void> {
  await shell.openExternal(url, { activate: true });
}

/** Structured lines to stderr and to a rotating file in the app's log folder (secrets redacted). */
function openLog(logDir: string): { log: Logger; file: RotatingFile | undefined } {
  const stderr = (line: string) => void process.stderr.write(line + '\n');
  let file: RotatingFile | undefined;
  try {
    file = createRotatingFile(logDir, 'agromesh');
  } catch (err) {
    stderr(`cannot open the log file in ${logDir}: ${String(err)}`);
  }
  return { log: createLogger('electron', { write: file ? teeWriter(stderr, file.write) : stderr }), file };
}

function runtimeVersions(): Record<string, string> {
  const v: Partial<Record<string, string>> = process.versions;
  const out: Record<string, string> = {};
  for (const k of ['electron', 'chrome', 'node']) if (v[k]) out[k] = v[k];
  return out;
}

function notificationsSupported(): boolean {
  try {
    return Notification.isSupported();
  } catch {
    return false;
  }
}

function primaryFirstWorkAreas() {
  const primary = screen.getPrimaryDisplay();
  return [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
}

/** Start at login where Electron supports it (Windows, macOS); Linux desktops use an autostart entry. */
function applyLoginItem(settings: Settings, log: Logger): void {
  if (process.platform !== 'win32' && process.platform !== 'darwin') return;
  if (app.getLoginItemSettings().openAtLogin === settings.openAtLogin) return;
  try {
    app.setLoginItemSettings({ openAtLogin: settings.openAtLogin });
  } catch (err) {
    log.warn('could not change start at login', { err });
  }
}

function runShell(core: AppCore, settings: SettingsStore, log: Logger, logDir: string): () => void {
  // Kept in step by settingsChanged (the core writes the store, then tells).
  let current = settings.read();
  const lang = () => resolveLanguage(current.language, app.getLocale());
  const bridge = registerIpc(core, appUrl, log);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir, () => current.map.tileUrl));
  const windowStore = new Store<{ window: unknown }>({ name: 'window-state' }) as unknown as StateStore;
  let win: BrowserWindow | undefined;

  const createWindow = (route = ''): BrowserWindow => {
    const options = mainWindowOptions(preloadPath);
    const saved = readWindowState(windowStore);
    const bounds = clampWindowBounds(saved, primaryFirstWorkAreas(), {
      width: options.width!,
      height: options.height!,
      minWidth: options.minWidth!,
      minHeight: options.minHeight!,
    });
    const w = new BrowserWindow({ ...options, ...bounds });
    bridge.trust(w.webContents);
    w.webContents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      if (decision.openExternally) void openExternal(decision.openExternally);
      return { action: 'deny' };
    });
    w.webContents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, appUrl)) event.preventDefault();
    });
    w.webContents.on('will-attach-webview', (event) => event.preventDefault());
    w.webContents.session.setPermissionRequestHandler((_wc, permission, callback) =>
      callback(permission === 'notifications'),
    );
    w.once('ready-to-show', () => {
      if (saved?.maximized) w.maximize();
      w.show();
    });
    w.on('close', () => saveWindowState(windowStore, w));
    void w.loadURL(appUrl + route);
    return w;
  };

  /** Brings the window forward (a new one when it was closed), at `route` when given. */
  const showAt = (route?: string) => {
    if (!focusExisting(win)) {
      win = createWindow(route);
      return;
    }
    win!.show();
    // Same page, another fragment: a same-document navigation the renderer's hash router follows.
    if (route) win!.webContents.loadURL(appUrl + route).catch(() => {});
  };

  const installMenu = () => {
    const template = buildMenuTemplate(process.platform, !app.isPackaged, lang(), {
      navigate: (view: ShellView) => showAt(routeOf(view)),
      openDocs: () => void openExternal(DOCS_URL),
      openLogFolder: () => void shell.openPath(logDir),
      showShortcuts: () =>
        void dialog.showMessageBox({
          type: 'info',
          title: shellT(lang(), 'keyboardShortcuts'),
          message: shellT(lang(), 'keyboardShortcuts'),
          detail: shortcutLines(process.platform, lang()).join('\n'),
        }),
      quit: () => app.quit(),
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  const presence = createPresence({
    platform: process.platform,
    lang,
    actions: {
      openWindow: () => showAt(),
      openAlerts: () => showAt(routeOf('alerts')),
      quit: () => app.quit(),
    },
    createTray: (image) => new Tray(image as Electron.NativeImage),
    image: (colour) => nativeImage.createFromBitmap(trayBitmap(colour), { width: 16, height: 16 }),
    menu: (template: MenuItemConstructorOptions[]) => Menu.buildFromTemplate(template),
    setBadge: (text) => (process.platform === 'darwin' ? app.dock?.setBadge(text) : undefined),
    onError: (err) => log.warn('no tray icon on this desktop; closing the window will quit', { err }),
  });

  const notices = createAlertNotifications({
    api: {
      isSupported: notificationsSupported,
      create: (o) => {
        const n = new Notification(o);
        return {
          show: () => n.show(),
          close: () => n.close(),
          on: (event, listener) => (event === 'click' ? n.on('click', listener) : n.on('close', listener)),
        };
      },
    },
    lang,
    open: (route) => showAt(route),
    log: log.child('notifications'),
  });
  if (!notices.supported) log.warn('this system shows no desktop notifications; alerts show in the app only');

  const unsubscribe = core.events.subscribe((event, payload) => {
    if (event === 'alertsChanged') {
      const p = payload as EventPayload<'alertsChanged'>;
      notices.onAlertsChanged(p);
      presence.onAlertsChanged(p);
    } else if (event === 'farmsChanged') {
      presence.onFarmsChanged(payload as EventPayload<'farmsChanged'>);
    } else if (event === 'settingsChanged') {
      const before = current;
      current = payload as Settings;
      if (current.language !== before.language) {
        installMenu();
        presence.relabel();
      }
      if (current.openAtLogin !== before.openAtLogin) applyLoginItem(current, log);
    }
  });
  void core.handlers
    .listAlerts({ state: ['firing', 'acknowledged'], limit: 1000 })
    .then((r) => {
      notices.remember(r.alerts);
      presence.setCounts(r.counts);
    })
    .catch((err: unknown) => log.warn('could not read the alert counts', { err }));

  installMenu();
  applyLoginItem(current, log);
  win = createWindow();

  app.on('second-instance', () => showAt());
  app.on('activate', () => showAt());
  app.on('window-all-closed', () => {
    // Monitoring goes on with the window closed: in the tray when the setting says so, in the dock on macOS.
    const keep = process.platform === 'darwin' || (presence.hasTray && current.keepRunningInTray);
    if (!keep) app.quit();
  });
  return () => {
    unsubscribe();
    protocol.unhandle(APP_SCHEME);
    notices.dispose();
    presence.dispose();
    bridge.dispose();
  };
}

function failStartup(err: unknown, log: Logger, where: { dataDir: string; logDir: string }): void {
  log.error('start-up failed', { err });
  let language: Settings['language'] = 'system';
  try {
    language = electronSettingsStore().read().language;
  } catch {
    // The settings may be what failed; the OS language will do.
  }
  const failure = describeStartupFailure(err, where, resolveLanguage(language, app.getLocale()));
  dialog.showErrorBox(failure.title, failure.content);
  app.exit(1);
}

export async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // Windows shows notifications only for the AppUserModelID the installer registered (electron-builder's appId).
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  await app.whenReady();
  const logDir = app.getPath('logs');
  const dataDir = app.getPath('userData');
  const { log, file } = openLog(logDir);
  log.info('starting', { version: app.getVersion(), platform: process.platform, packaged: app.isPackaged });
  let core: AppCore;
  let settings: SettingsStore;
  try {
    settings = electronSettingsStore();
    core = await createAppCore({
      host: 'electron',
      version: app.getVersion(),
      locale: app.getLocale(),
      platform: process.platform,
      dataDir,
      settings,
      secrets: createSafeStorageSecretStore(join(dataDir, 'secrets.json')),
      log,
      openExternal,
      desktopNotifications: notificationsSupported(),
      versions: runtimeVersions(),
      ...simulatedTailnet(process.env, app.isPackaged, log),
      ...gatewayPackages(),
    });
  } catch (err) {
    failStartup(err, log, { dataDir, logDir });
    file?.close();
    return;
  }
  let stopShell: () => void;
  try {
    stopShell = runShell(core, settings, log, logDir);
  } catch (err) {
    failStartup(err, log, { dataDir, logDir });
    await core.dispose().catch(() => {});
    file?.close();
    return;
  }
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    disposed = true;
    stopShell();
    void core
      .dispose()
      .catch((err: unknown) => log.error('shutdown failed', { err }))
      .finally(() => {
        file?.close();
        app.quit();
      });
  });
}

void start().catch((err: unknown) => {
  // Anything before the core (the lock, app readiness, the log folder): still a message, never a hang.
  const failure = describeStartupFailure(err, { dataDir: '?', logDir: '?' }, 'en');
  process.stderr.write(`${failure.content}\n`);
  dialog.showErrorBox(failure.title, failure.content);
  app.exit(1);
});

/** The gateway .deb files shipped with the app (electron-builder extraResources), for onboarding. */
function gatewayPackages(): { gatewayPackagesDir?: string } {
  // `process.resourcesPath` is Electron's (typed as always set; absent under a plain Node stand-in).
  const resources = process.resourcesPath as string | undefined;
  const dir = app.isPackaged
    ? resources && join(resources, 'gateway-packages')
    : join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist-gateway');
  return dir && existsSync(dir) ? { gatewayPackagesDir: dir } : {};
}
