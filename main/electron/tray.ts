/**
 * Presence with the window closed: the tray icon on Windows and Linux, the dock badge on macOS. Both show
 * the number of firing alerts; the tray's tooltip also names the worst farm. The texts, menu and icon are
 * pure (tests pin them); Electron's Tray is passed in as a factory.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { AlertCounts, EventPayload, OverallHealth } from '../../protocol/app/index.ts';
import type { Lang } from '../../protocol/i18n.ts';
import { shellT } from './shell-text.ts';

export interface TrayActions {
  openWindow(): void;
  openAlerts(): void;
  quit(): void;
}

export function trayMenuTemplate(lang: Lang, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { id: 'open', label: shellT(lang, 'openWindow'), click: () => actions.openWindow() },
    { id: 'alerts', label: shellT(lang, 'alerts'), click: () => actions.openAlerts() },
    { type: 'separator' },
    { id: 'quit', label: shellT(lang, 'quit'), click: () => actions.quit() },
  ];
}

const RANK: Record<OverallHealth, number> = { ok: 0, stale: 1, degraded: 2, offline: 3 };
const HEALTH_RU: Record<OverallHealth, string> = {
  ok: 'в норме',
  stale: 'устаревшие данные',
  degraded: 'с перебоями',
  offline: 'не в сети',
};

export interface WorstFarm {
  name: string;
  health: OverallHealth;
}

/** Farms' health as farmsChanged reports it, for the tooltip's "worst farm". */
export function createFarmHealthBook() {
  const farms = new Map<string, WorstFarm>();
  return {
    update(payload: EventPayload<'farmsChanged'>): void {
      for (const id of payload.removed) farms.delete(id);
      for (const f of payload.changed) farms.set(f.farmId, { name: f.displayName, health: f.health.overall });
    },
    worst(): WorstFarm | undefined {
      let worst: WorstFarm | undefined;
      for (const f of farms.values())
        if (f.health !== 'ok' && (!worst || RANK[f.health] > RANK[worst.health])) worst = f;
      return worst;
    },
  };
}

export function trayTooltip(counts: AlertCounts, worst: WorstFarm | undefined, lang: Lang): string {
  const head =
    counts.firing > 0 ? shellT(lang, 'trayFiring', { n: counts.firing }) : shellT(lang, 'trayNone');
  if (!worst) return head;
  const health = lang === 'ru' ? HEALTH_RU[worst.health] : worst.health;
  return `${head}; ${shellT(lang, 'trayWorst', { farm: worst.name, health })}`;
}

/** The dock badge (macOS): the firing count, or nothing. */
export function badgeText(counts: AlertCounts): string {
  return counts.firing > 0 ? (counts.firing > 99 ? '99+' : String(counts.firing)) : '';
}

export type TrayColour = 'ok' | 'warn' | 'alert';
const COLOURS: Record<TrayColour, [number, number, number]> = {
  ok: [0x2e, 0x7d, 0x32],
  warn: [0xf9, 0xa8, 0x25],
  alert: [0xd3, 0x2f, 0x2f],
};

export function trayColour(counts: AlertCounts, worst: WorstFarm | undefined): TrayColour {
  if (counts.firing > 0) return 'alert';
  return worst ? 'warn' : 'ok';
}

/** A 16×16 filled disc in BGRA (nativeImage.createFromBitmap), so no icon file has to ship. */
export function trayBitmap(colour: TrayColour, size = 16): Buffer {
  const [r, g, b] = COLOURS[colour];
  const out = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const alpha = Math.round(255 * Math.max(0, Math.min(1, size / 2 - 0.5 - d + 0.5)));
      out.set([b, g, r, alpha], (y * size + x) * 4);
    }
  }
  return out;
}

/** The parts of Electron's Tray this needs. */
export interface TrayLike {
  setToolTip(text: string): void;
  setImage(image: unknown): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface PresenceDeps {
  platform: NodeJS.Platform;
  lang: () => Lang;
  actions: TrayActions;
  createTray: (image: unknown) => TrayLike;
  image: (colour: TrayColour) => unknown;
  menu: (template: MenuItemConstructorOptions[]) => unknown;
  setBadge: (text: string) => void;
  onError?: (err: unknown) => void;
}

/** The tray (Windows/Linux) or dock badge (macOS), kept in step with the alert counts and farm health. */
export function createPresence(deps: PresenceDeps) {
  const book = createFarmHealthBook();
  let counts: AlertCounts = { firing: 0, acknowledged: 0 };
  let tray: TrayLike | undefined;
  try {
    tray = deps.platform === 'darwin' ? undefined : deps.createTray(deps.image('ok'));
  } catch (err) {
    // No tray is no reason not to start: the app then quits with its window, as without the setting.
    deps.onError?.(err);
  }
  let colour: TrayColour = 'ok';
  const render = () => {
    const worst = book.worst();
    deps.setBadge(badgeText(counts));
    if (!tray) return;
    tray.setToolTip(trayTooltip(counts, worst, deps.lang()));
    const next = trayColour(counts, worst);
    if (next !== colour) tray.setImage(deps.image((colour = next)));
  };
  const relabel = () => tray?.setContextMenu(deps.menu(trayMenuTemplate(deps.lang(), deps.actions)));
  tray?.on('click', () => deps.actions.openWindow());
  relabel();
  render();
  return {
    hasTray: tray !== undefined,
    onAlertsChanged(payload: EventPayload<'alertsChanged'>): void {
      counts = payload.counts;
      render();
    },
    onFarmsChanged(payload: EventPayload<'farmsChanged'>): void {
      book.update(payload);
      render();
    },
    setCounts(next: AlertCounts): void {
      counts = next;
      render();
    },
    /** The language changed. */
    relabel(): void {
      relabel();
      render();
    },
    dispose(): void {
      tray?.destroy();
    },
  };
}
