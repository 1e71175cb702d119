/**
 * main.ts wired against an Electron stand-in: start-up failure shows a dialog and quits; a started shell
 * installs a menu without DevTools in production, keeps a tray whose count follows firing alerts,
 * notifications that navigate when clicked, and keeps running with its window closed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type EventName, type Settings } from '../../protocol/app/index.ts';
import { CoreEvents } from '../../main/core/events.ts';
import { flattenMenu } from '../../main/electron/menu.ts';
import { createStandInState, createStoreStandIn } from './electron-stand-in.ts';
import { alert, notice } from './alert-fixtures.ts';

const h = vi.hoisted(() => {
  const state: {
    electron: unknown;
    store: unknown;
    createAppCore: (...args: unknown[]) => Promise<unknown>;
  } = {
    electron: undefined,
    store: undefined,
    createAppCore: () => Promise.reject(new Error('not set')),
  };
  return state;
});
// Mocked modules outlive vi.resetModules, so each export reads the current test's stand-in.
vi.mock('electron', () =>
  Object.fromEntries(
    [
      'app',
      'BrowserWindow',
      'Tray',
      'Notification',
      'dialog',
      'shell',
      'Menu',
      'nativeImage',
      'screen',
      'ipcMain',
      'safeStorage',
      'protocol',
    ].map((key) => {
      const current = () => (h.electron as Record<string, object>)[key]!;
      return [
        key,
        new Proxy(function () {}, {
          get: (_t, p) => Reflect.get(current(), p),
          construct: (_t, args) => Reflect.construct(current() as new () => object, args) as object,
        }),
      ];
    }),
  ),
);
vi.mock('electron-store', () => ({
  default: class {
    constructor(o: unknown) {
      return new (h.store as new (o: unknown) => object)(o);
    }
  },
}));
vi.mock('../../main/core/app-core.ts', () => ({ createAppCore: (...a: unknown[]) => h.createAppCore(...a) }));

let dir: string;
let stand: ReturnType<typeof createStandInState>;
let events: CoreEvents;
let coreOptions: Record<string, unknown> = {};
const dispose = vi.fn(() => Promise.resolve());

function fakeCore() {
  events = new CoreEvents();
  return {
    events,
    ready: Promise.resolve(),
    dispose,
    handlers: {
      listAlerts: () =>
        Promise.resolve({ alerts: [alert('open-1', 'farm-3')], counts: { firing: 1, acknowledged: 0 } }),
    },
  };
}

async function launch() {
  vi.resetModules();
  await import('../../main/electron/main.ts');
}

const emit = (name: EventName, payload: unknown) => events.emit(name, payload as never);
/** The core sends the whole settings object on every change. */
const settingsChanged = (patch: Partial<Settings>) => emit('settingsChanged', { ...DEFAULT_SETTINGS, ...patch });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agromesh-shell-'));
  stand = createStandInState(dir);
  h.electron = stand.module;
  h.store = createStoreStandIn().Store;
  dispose.mockClear();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('start-up failure', () => {
  it('shows what failed, what to try and where the log is, then quits instead of hanging', async () => {
    h.createAppCore = () =>
      Promise.reject(new Error('connect ENOENT /var/run/tailscale/tailscaled.sock (tailscale LocalAPI)'));
    await launch();
    await vi.waitFor(() => expect(stand.state.app.exit).toHaveBeenCalledWith(1));
    const [title, content] = stand.state.dialog.showErrorBox.mock.calls[0] as [string, string];
    expect(title).toBe('Agromesh could not start');
    expect(content).toContain('tailscaled.sock');
    expect(content).toMatch(/Tailscale is installed and running/);
    expect(content).toContain(join(dir, 'logs'));
    expect(stand.state.windows).toHaveLength(0);
    // The failure is in the log file too, for support.
    expect(readFileSync(join(dir, 'logs', 'agromesh.log'), 'utf8')).toContain('start-up failed');
  });
});

describe('a started shell', () => {
  beforeEach(async () => {
    h.createAppCore = (options) => {
      coreOptions = options as Record<string, unknown>;
      return Promise.resolve(fakeCore());
    };
    await launch();
    await vi.waitFor(() =>
      expect([stand.state.windows.length, stand.state.dialog.showErrorBox.mock.calls]).toEqual([1, []]),
    );
  });

  it('starts the core with the data folder, a file log and whether notifications are supported', () => {
    expect(coreOptions).toMatchObject({
      host: 'electron',
      dataDir: join(dir, 'userData'),
      desktopNotifications: true,
    });
    (coreOptions.log as { info(m: string): void }).info('hello from the core');
    expect(readFileSync(join(dir, 'logs', 'agromesh.log'), 'utf8')).toContain('hello from the core');
  });

  it('installs the application menu without Developer Tools when packaged', () => {
    const menu = stand.state.menus.at(-1) as Parameters<typeof flattenMenu>[0];
    const items = flattenMenu(menu);
    expect(items.map((i) => i.role)).toContain('copy');
    expect(items.map((i) => i.role)).not.toContain('toggleDevTools');
    expect(items.map((i) => i.id)).toContain('go-alerts');
  });

  it('navigates the window from the menu and opens the log folder', () => {
    const items = flattenMenu(stand.state.menus.at(-1) as Parameters<typeof flattenMenu>[0]);
    (items.find((i) => i.id === 'go-alerts')!.click as () => void)();
    expect(stand.state.windows[0]!.webContents.loadURL).toHaveBeenLastCalledWith(
      expect.stringMatching(/renderer\/index\.html#\/alerts$/),
    );
    (items.find((i) => i.id === 'open-log-folder')!.click as () => void)();
    expect(stand.state.shell.openPath).toHaveBeenCalledWith(join(dir, 'logs'));
  });

  it('shows the firing count in the tray and follows it', async () => {
    const tray = stand.state.trays[0]!;
    await vi.waitFor(() => expect(tray.tooltip).toBe('Agromesh — 1 alerts firing'));
    emit('alertsChanged', { changed: [], counts: { firing: 3, acknowledged: 0 }, notices: [] });
    expect(tray.tooltip).toBe('Agromesh — 3 alerts firing');
    emit('alertsChanged', { changed: [], counts: { firing: 0, acknowledged: 1 }, notices: [] });
    expect(tray.tooltip).toBe('Agromesh — no alerts firing');
  });

  it('shows a notification that replaces its repeat and, clicked, opens the farm', () => {
    emit('alertsChanged', {
      changed: [alert('a1', 'farm-7')],
      counts: { firing: 1, acknowledged: 0 },
      notices: [notice(['a1'])],
    });
    emit('alertsChanged', { changed: [], counts: { firing: 1, acknowledged: 0 }, notices: [notice(['a1'])] });
    const [first, second] = stand.state.notifications;
    expect(first!.closed).toBe(true);
    expect(second!.shown).toBe(true);
    expect(second!.options.title).toBe('North: soil moisture below 20 %');
    const win = stand.state.windows[0]!;
    second!.emit('click');
    expect(win.focus).toHaveBeenCalled();
    expect(win.webContents.loadURL).toHaveBeenLastCalledWith(expect.stringMatching(/#\/farms\/farm-7$/));
  });

  it('leads a notice about an alert open before the start to its farm', async () => {
    await vi.waitFor(() => expect(stand.state.trays[0]!.tooltip).toMatch(/1 alerts firing/));
    emit('alertsChanged', {
      changed: [],
      counts: { firing: 0, acknowledged: 0 },
      notices: [notice(['open-1'], { type: 'resolved', severity: 'info' })],
    });
    stand.state.notifications.at(-1)!.emit('click');
    expect(stand.state.windows[0]!.webContents.loadURL).toHaveBeenLastCalledWith(
      expect.stringMatching(/#\/farms\/farm-3$/),
    );
  });

  it('keeps running in the tray with the window closed, and reopens it at the alert clicked', () => {
    const win = stand.state.windows[0]!;
    win.userClose();
    expect(stand.state.app.quit).not.toHaveBeenCalled();
    // Window state was saved on close.
    emit('alertsChanged', {
      changed: [alert('a2', 'farm-9')],
      counts: { firing: 1, acknowledged: 0 },
      notices: [notice(['a2'])],
    });
    stand.state.notifications.at(-1)!.emit('click');
    expect(stand.state.windows).toHaveLength(2);
    expect(stand.state.windows[1]!.webContents.loadURL).toHaveBeenCalledWith(
      expect.stringMatching(/#\/farms\/farm-9$/),
    );
    expect(stand.state.windows[1]!.options).toMatchObject({ x: 10, y: 20, width: 1200, height: 800 });
  });

  it('serves the renderer from app:// with a policy that names only the configured tile origin', async () => {
    expect(stand.state.protocol.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true } },
    ]);
    const win = stand.state.windows[0]!;
    expect(win.webContents.loadURL).toHaveBeenCalledWith('app://renderer/index.html');
    const serve = stand.state.protocol.handlers.get('app')!;
    const csp = async () =>
      (await serve(new Request('app://renderer/index.html'))).headers.get('content-security-policy');
    const page = await serve(new Request('app://renderer/index.html'));
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('<div id="root">');
    expect(await csp()).toContain("img-src 'self' data:;");

    // The policy follows the settings (the page reloads itself when its tile origin changes).
    settingsChanged({ map: { tileUrl: 'https://tiles.example.org/{z}/{x}/{y}.png' } });
    expect(await csp()).toContain("img-src 'self' data: https://tiles.example.org;");

    for (const url of ['app://renderer/%2e%2e/package.json', 'app://elsewhere/index.html', 'app://renderer/x.js'])
      expect((await serve(new Request(url))).status, url).toBe(404);
    expect((await serve(new Request('app://renderer/index.html', { method: 'POST' }))).status).toBe(405);
  });

  it('opens a new window on a second launch after the window was closed (no destroyed-window throw)', () => {
    stand.state.windows[0]!.userClose();
    expect(() => stand.state.app.emit('second-instance')).not.toThrow();
    expect(stand.state.windows).toHaveLength(2);
  });

  it('follows the language setting in the menu and tray', () => {
    settingsChanged({ language: 'ru', keepRunningInTray: true });
    const menu = stand.state.menus.at(-1) as { label?: string }[];
    expect(menu.map((m) => m.label)).toContain('Справка');
    expect(stand.state.trays[0]!.tooltip).toMatch(/^Agromesh — /);
    expect(
      flattenMenu((stand.state.trays[0]!.menu as { template: [] }).template).map((i) => i.label),
    ).toContain('Выйти из Agromesh');
  });

  it('quits with the window closed when keeping running in the tray is off', () => {
    settingsChanged({ language: 'en', keepRunningInTray: false });
    stand.state.windows[0]!.userClose();
    expect(stand.state.app.quit).toHaveBeenCalled();
  });

  it('disposes the core once on quit, then quits', async () => {
    const event = { preventDefault: vi.fn() };
    stand.state.app.emit('will-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(stand.state.app.quit).toHaveBeenCalled());
    expect(dispose).toHaveBeenCalledOnce();
    expect(stand.state.trays[0]!.destroyed).toBe(true);
  });
});

describe('on Windows', () => {
  const platform = process.platform;
  beforeEach(async () => {
    Object.defineProperty(process, 'platform', { value: 'win32' });
    h.createAppCore = () => Promise.resolve(fakeCore());
    await launch();
    await vi.waitFor(() => expect(stand.state.windows).toHaveLength(1));
  });
  afterEach(() => Object.defineProperty(process, 'platform', { value: platform }));

  it('registers the AppUserModelID notifications need, keeps a tray, and follows start at login', () => {
    expect(stand.state.app.setAppUserModelId).toHaveBeenCalledWith('dev.agromesh.controlroom');
    expect(stand.state.trays).toHaveLength(1);
    expect(stand.state.app.setLoginItemSettings).not.toHaveBeenCalled();
    settingsChanged({ language: 'en', keepRunningInTray: true, openAtLogin: true });
    expect(stand.state.app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true });
  });
});

describe('an installed app', () => {
  it("ignores the demo's simulated-tailnet switch, and says so in its log", async () => {
    process.env.AGROMESH_SIMULATED_TAILNET = JSON.stringify({
      localApiSocket: '/tmp/x.sock',
      selfAddress: '127.0.0.1',
    });
    try {
      h.createAppCore = (options) => {
        coreOptions = options as Record<string, unknown>;
        return Promise.resolve(fakeCore());
      };
      await launch();
      await vi.waitFor(() => expect(stand.state.windows).toHaveLength(1));
      expect(coreOptions).not.toHaveProperty('simulatedTailnet');
      expect(readFileSync(join(dir, 'logs', 'agromesh.log'), 'utf8')).toContain(
        'AGROMESH_SIMULATED_TAILNET is ignored by an installed app',
      );
    } finally {
      delete process.env.AGROMESH_SIMULATED_TAILNET;
    }
  });
});
