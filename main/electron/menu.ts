/**
 * The application menu as data: the same template on every platform, with the macOS app menu and roles
 * where they belong. Pure (no Electron at runtime), so tests pin it per platform, mode and language.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { Lang } from '../../protocol/i18n.ts';
import { shellT } from './shell-text.ts';

/** The renderer's top views, reached by hash route (renderer/src/lib/route.ts). */
export type ShellView = 'map' | 'farms' | 'alerts' | 'commands' | 'devices' | 'settings';

export interface MenuActions {
  navigate(view: ShellView): void;
  openDocs(): void;
  openLogFolder(): void;
  showShortcuts(): void;
  /** Quits for real (the tray may otherwise keep the app running with its window closed). */
  quit(): void;
}

/** Views with their shortcuts; Settings uses the platform's usual Ctrl/Cmd+Comma. */
export const VIEW_SHORTCUTS: readonly { view: ShellView; accelerator: string }[] = [
  { view: 'map', accelerator: 'CmdOrCtrl+1' },
  { view: 'farms', accelerator: 'CmdOrCtrl+2' },
  { view: 'alerts', accelerator: 'CmdOrCtrl+3' },
  { view: 'commands', accelerator: 'CmdOrCtrl+4' },
  { view: 'devices', accelerator: 'CmdOrCtrl+5' },
  { view: 'settings', accelerator: 'CmdOrCtrl+,' },
];

export function routeOf(view: ShellView): string {
  return `#/${view}`;
}

export function buildMenuTemplate(
  platform: NodeJS.Platform,
  isDev: boolean,
  lang: Lang,
  actions: MenuActions,
): MenuItemConstructorOptions[] {
  const t = (key: Parameters<typeof shellT>[1]) => shellT(lang, key);
  const mac = platform === 'darwin';
  const go = (view: ShellView, accelerator: string): MenuItemConstructorOptions => ({
    id: `go-${view}`,
    label: t(view),
    accelerator,
    click: () => actions.navigate(view),
  });
  const items = VIEW_SHORTCUTS.map((s) => go(s.view, s.accelerator));
  const settings = items.find((i) => i.id === 'go-settings')!;
  const views = items.filter((i) => i !== settings);
  const quit: MenuItemConstructorOptions = {
    id: 'quit',
    label: t('quit'),
    accelerator: mac ? 'Cmd+Q' : 'Ctrl+Q',
    click: () => actions.quit(),
  };

  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: 'Agromesh',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        settings,
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        quit,
      ],
    });
  } else {
    template.push({ label: t('file'), submenu: [settings, { type: 'separator' }, quit] });
  }
  template.push({
    label: t('edit'),
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  });
  template.push({
    label: t('view'),
    submenu: [
      ...views,
      { type: 'separator' },
      { role: 'reload' },
      ...(isDev ? [{ role: 'forceReload' } as const, { role: 'toggleDevTools' } as const] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  template.push({
    label: t('window'),
    role: 'windowMenu',
    submenu: mac
      ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  });
  template.push({
    label: t('help'),
    role: 'help',
    submenu: [
      { id: 'docs', label: t('documentation'), click: () => actions.openDocs() },
      { id: 'shortcuts', label: t('keyboardShortcuts'), click: () => actions.showShortcuts() },
      { type: 'separator' },
      { id: 'open-log-folder', label: t('openLogFolder'), click: () => actions.openLogFolder() },
    ],
  });
  return template;
}

/** The shortcuts as lines for the Help → Keyboard Shortcuts box (Cmd on macOS, Ctrl elsewhere). */
export function shortcutLines(platform: NodeJS.Platform, lang: Lang): string[] {
  const mod = platform === 'darwin' ? 'Cmd' : 'Ctrl';
  return VIEW_SHORTCUTS.map(
    (s) => `${s.accelerator.replace('CmdOrCtrl', mod)}  ${shellT(lang, s.view).replace(/…$/, '')}`,
  );
}

/** Every item of a template, depth first (tests and the packaging check look for roles and ids). */
export function flattenMenu(items: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flattenMenu(item.submenu) : [])]);
}
