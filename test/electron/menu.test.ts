/** The application menu per platform, mode and language (pure template; no Electron needed). */
import { describe, expect, it, vi } from 'vitest';
import {
  buildMenuTemplate,
  flattenMenu,
  type MenuActions,
  shortcutLines,
  type ShellView,
} from '../../main/electron/menu.ts';

const actions = () =>
  ({
    navigate: vi.fn<(view: ShellView) => void>(),
    openDocs: vi.fn<() => void>(),
    openLogFolder: vi.fn<() => void>(),
    showShortcuts: vi.fn<() => void>(),
    quit: vi.fn<() => void>(),
  }) satisfies MenuActions;
const roles = (items: ReturnType<typeof buildMenuTemplate>) =>
  flattenMenu(items)
    .map((i) => i.role)
    .filter(Boolean);
const click = (items: ReturnType<typeof buildMenuTemplate>, id: string) => {
  const item = flattenMenu(items).find((i) => i.id === id);
  expect(item, id).toBeDefined();
  (item!.click as () => void)();
};

describe('application menu', () => {
  it.each(['darwin', 'win32', 'linux'] as const)(
    'has Edit, View, Window and Help on %s, with the standard edit roles',
    (platform) => {
      const menu = buildMenuTemplate(platform, false, 'en', actions());
      const labels = menu.map((m) => m.label);
      expect(labels).toEqual(expect.arrayContaining(['Edit', 'View', 'Window', 'Help']));
      expect(roles(menu)).toEqual(
        expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']),
      );
      expect(menu.find((m) => m.label === 'Window')?.role).toBe('windowMenu');
    },
  );

  it('puts the app menu first on macOS (about, hide, quit) and a File menu elsewhere', () => {
    const mac = buildMenuTemplate('darwin', false, 'en', actions());
    expect(mac[0]!.label).toBe('Agromesh');
    expect(roles([mac[0]!])).toEqual(expect.arrayContaining(['about', 'hide', 'hideOthers', 'services']));
    const win = buildMenuTemplate('win32', false, 'en', actions());
    expect(win[0]!.label).toBe('File');
    expect(flattenMenu([win[0]!]).map((i) => i.id)).toEqual(expect.arrayContaining(['go-settings', 'quit']));
  });

  it('offers Developer Tools only in development builds', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      expect(roles(buildMenuTemplate(platform, false, 'en', actions()))).not.toContain('toggleDevTools');
      expect(roles(buildMenuTemplate(platform, false, 'en', actions()))).not.toContain('forceReload');
      expect(roles(buildMenuTemplate(platform, true, 'en', actions()))).toContain('toggleDevTools');
    }
  });

  it("navigates the renderer to the app's views with one shortcut each", () => {
    const a = actions();
    const menu = buildMenuTemplate('linux', false, 'en', a);
    const views = flattenMenu(menu).filter((i) => i.id?.startsWith('go-'));
    expect(views.map((v) => [v.id, v.accelerator])).toEqual(
      expect.arrayContaining([
        ['go-map', 'CmdOrCtrl+1'],
        ['go-farms', 'CmdOrCtrl+2'],
        ['go-alerts', 'CmdOrCtrl+3'],
        ['go-commands', 'CmdOrCtrl+4'],
        ['go-devices', 'CmdOrCtrl+5'],
        ['go-settings', 'CmdOrCtrl+,'],
      ]),
    );
    const accelerators = flattenMenu(menu)
      .map((i) => i.accelerator)
      .filter(Boolean);
    expect(new Set(accelerators).size).toBe(accelerators.length);
    click(menu, 'go-alerts');
    expect(a.navigate).toHaveBeenCalledWith('alerts');
  });

  it('has Help with the documentation, the shortcuts and the log folder', () => {
    const a = actions();
    const menu = buildMenuTemplate('win32', false, 'en', a);
    click(menu, 'docs');
    click(menu, 'open-log-folder');
    click(menu, 'shortcuts');
    click(menu, 'quit');
    expect(a.openDocs).toHaveBeenCalledOnce();
    expect(a.openLogFolder).toHaveBeenCalledOnce();
    expect(a.showShortcuts).toHaveBeenCalledOnce();
    expect(a.quit).toHaveBeenCalledOnce();
  });

  it("speaks the app's language", () => {
    const menu = buildMenuTemplate('linux', false, 'ru', actions());
    expect(menu.map((m) => m.label)).toEqual(['Файл', 'Правка', 'Вид', 'Окно', 'Справка']);
    expect(flattenMenu(menu).find((i) => i.id === 'open-log-folder')?.label).toBe('Открыть папку журналов');
    expect(shortcutLines('darwin', 'en')).toContain('Cmd+3  Alerts');
    expect(shortcutLines('linux', 'ru')).toContain('Ctrl+,  Настройки');
  });
});
