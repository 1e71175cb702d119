/**
 * The Electron shell: single-instance lock, one hardened window, the IPC bridge, settings and secrets.
 * Everything else is the Node core (createAppCore), shared with the browser host and the CLI.
 */
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, Notification, shell } from 'electron';
import Store from 'electron-store';
import { z } from 'zod';
import { createLogger } from '../../kit/log.ts';
import { createCallbackNotifier } from '../core/alerts/notifier.ts';
import { createAppCore, type AppCore } from '../core/app-core.ts';
import { parseStoredSettings, type SettingsStore } from '../core/settings/settings-store.ts';
import { registerIpc } from './ipc.ts';
import { createSafeStorageSecretStore } from './secrets.ts';
import { decideWindowOpen, focusExisting, isAppUrl, mainWindowOptions } from './window-options.ts';

const here = dirname(fileURLToPath(import.meta.url));
const rendererIndex = join(here, '..', '..', 'renderer', 'index.html');
const preloadPath = join(here, '..', '..', 'preload', 'preload.cjs');
const appUrl = pathToFileURL(rendererIndex).href;
const log = createLogger('electron');

/** Set by `agromesh demo` only: the simulated tailnet's LocalAPI socket and this seat's address. */
const SimulatedTailnet = z.object({
  localApiSocket: z.string().min(1),
  selfAddress: z.string().min(1),
  api: z.object({ url: z.url(), apiKey: z.string().min(1) }).optional(),
});
const simulatedTailnet = process.env.AGROMESH_SIMULATED_TAILNET
  ? SimulatedTailnet.parse(JSON.parse(process.env.AGROMESH_SIMULATED_TAILNET))
  : undefined;

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

function createWindow(bridge: ReturnType<typeof registerIpc>): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(preloadPath));
  bridge.trust(win.webContents);
  win.webContents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternally) void openExternal(decision.openExternally);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.session.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(permission === 'notifications'),
  );
  win.once('ready-to-show', () => win.show());
  void win.loadURL(appUrl);
  return win;
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const core: AppCore = await createAppCore({
    host: 'electron',
    version: app.getVersion(),
    locale: app.getLocale(),
    platform: process.platform,
    dataDir: app.getPath('userData'),
    settings: electronSettingsStore(),
    secrets: createSafeStorageSecretStore(join(app.getPath('userData'), 'secrets.json')),
    log,
    openExternal,
    notifier: createCallbackNotifier((n) => {
      new Notification({ title: n.title, body: n.body, urgency: n.urgent ? 'critical' : 'normal' }).show();
    }, log),
    ...(simulatedTailnet ? { simulatedTailnet } : {}),
  });
  const bridge = registerIpc(core, appUrl, log);
  let win = createWindow(bridge);

  app.on('second-instance', () => {
    // On macOS the window may be closed (destroyed) while the app lives on: open a new one then.
    if (!focusExisting(win)) win = createWindow(bridge);
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow(bridge);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    disposed = true;
    bridge.dispose();
    void core.dispose().finally(() => app.quit());
  });
}

void start();
