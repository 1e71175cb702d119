/**
 * A thin stand-in for the parts of Electron the shell's main.ts uses, recording what it is asked to do.
 * Tests mock 'electron' with `electronStandIn(state)` and drive the app through `state`.
 */
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => void;

class Emitter {
  listeners = new Map<string, Listener[]>();
  on(event: string, l: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
    return this;
  }
  once(event: string, l: Listener) {
    return this.on(event, l);
  }
  emit(event: string, ...args: unknown[]) {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }
}

export function createStandInState(logsDir: string) {
  let nextId = 1;
  const state = {
    app: Object.assign(new Emitter(), {
      isPackaged: true,
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      getPath: (name: string) => `${logsDir}/${name}`,
      getVersion: () => '1.2.3',
      getLocale: () => 'en-US',
      quit: vi.fn(),
      exit: vi.fn(),
      dock: undefined,
      loginItem: { openAtLogin: false },
      getLoginItemSettings: () => state.app.loginItem,
      setLoginItemSettings: vi.fn((s: { openAtLogin: boolean }) => void (state.app.loginItem = s)),
      setAppUserModelId: vi.fn(),
    }),
    windows: [] as StandInWindow[],
    trays: [] as StandInTray[],
    notifications: [] as StandInNotification[],
    menus: [] as unknown[][],
    dialog: { showErrorBox: vi.fn(), showMessageBox: vi.fn(() => Promise.resolve({ response: 0 })) },
    shell: { openExternal: vi.fn(() => Promise.resolve()), openPath: vi.fn(() => Promise.resolve('')) },
    notificationsSupported: true,
    protocol: {
      privileged: [] as unknown[],
      handlers: new Map<string, (request: Request) => Promise<Response>>(),
    },
  };

  class StandInWindow extends Emitter {
    options: Record<string, unknown>;
    destroyed = false;
    webContents = Object.assign(new Emitter(), {
      id: nextId++,
      isDestroyed: () => this.destroyed,
      send: vi.fn(),
      setWindowOpenHandler: vi.fn(),
      session: { setPermissionRequestHandler: vi.fn() },
      loadURL: vi.fn((_url: string) => Promise.resolve()),
    });
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      state.windows.push(this);
    }
    static getAllWindows = () => state.windows.filter((w) => !w.destroyed);
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    maximize = vi.fn();
    isDestroyed = () => this.destroyed;
    isMinimized = () => {
      if (this.destroyed) throw new TypeError('Object has been destroyed');
      return false;
    };
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 10, y: 20, width: 1200, height: 800 });
    loadURL = (url: string) => this.webContents.loadURL(url);
    /** The user closes the window: 'close', then it is destroyed. */
    userClose() {
      this.emit('close');
      this.destroyed = true;
      this.webContents.emit('destroyed');
      if (StandInWindow.getAllWindows().length === 0) state.app.emit('window-all-closed');
    }
  }

  class StandInTray extends Emitter {
    tooltip = '';
    image: unknown;
    menu: unknown;
    destroyed = false;
    constructor(image: unknown) {
      super();
      this.image = image;
      state.trays.push(this);
    }
    setToolTip(t: string) {
      this.tooltip = t;
    }
    setImage(i: unknown) {
      this.image = i;
    }
    setContextMenu(m: unknown) {
      this.menu = m;
    }
    destroy() {
      this.destroyed = true;
    }
  }

  class StandInNotification extends Emitter {
    static isSupported = () => state.notificationsSupported;
    options: { title: string; body: string };
    shown = false;
    closed = false;
    constructor(options: { title: string; body: string }) {
      super();
      this.options = options;
      state.notifications.push(this);
    }
    show() {
      this.shown = true;
    }
    close() {
      this.closed = true;
      this.emit('close');
    }
  }

  const module = {
    app: state.app,
    BrowserWindow: StandInWindow,
    Tray: StandInTray,
    Notification: StandInNotification,
    dialog: state.dialog,
    shell: state.shell,
    Menu: {
      buildFromTemplate: (template: unknown[]) => ({ template }),
      setApplicationMenu: (menu: { template: unknown[] }) => state.menus.push(menu.template),
    },
    nativeImage: { createFromBitmap: (buffer: Buffer) => ({ buffer }) },
    screen: {
      getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
      getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
    },
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => state.protocol.privileged.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        void state.protocol.handlers.set(scheme, handler),
      unhandle: (scheme: string) => void state.protocol.handlers.delete(scheme),
    },
    safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'unknown' },
  };
  return { state, module };
}

/** An electron-store stand-in: one in-memory object per store name. */
export function createStoreStandIn() {
  const stores = new Map<string, Map<string, unknown>>();
  class Store {
    #data: Map<string, unknown>;
    constructor(options: { name: string }) {
      this.#data = stores.get(options.name) ?? new Map<string, unknown>();
      stores.set(options.name, this.#data);
    }
    get(key: string) {
      return this.#data.get(key);
    }
    set(key: string, value: unknown) {
      this.#data.set(key, value);
    }
  }
  return { stores, Store };
}
