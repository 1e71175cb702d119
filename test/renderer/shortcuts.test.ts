/** The shortcuts Settings lists are the ones the desktop menu defines. */
import { describe, expect, it } from 'vitest';
import { VIEW_SHORTCUTS } from '../../main/electron/menu.ts';
import { DESKTOP_SHORTCUTS, shortcutKeys } from '../../renderer/src/lib/shortcuts.ts';

describe('desktop shortcuts', () => {
  it('match the application menu, view for view', () => {
    expect(DESKTOP_SHORTCUTS.map((s) => [s.view, `CmdOrCtrl+${s.key}`])).toEqual(
      VIEW_SHORTCUTS.map((s) => [s.view, s.accelerator]),
    );
  });

  it('say Cmd on macOS and Ctrl elsewhere', () => {
    expect(shortcutKeys('darwin', '3')).toBe('Cmd+3');
    expect(shortcutKeys('win32', ',')).toBe('Ctrl+,');
  });
});
