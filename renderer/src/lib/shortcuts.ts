/**
 * The desktop app's keyboard shortcuts, as its application menu defines them (main/electron/menu.ts;
 * test/renderer/shortcuts.test.ts keeps the two in step). Shown in Settings → Desktop app.
 */
import type { MessageKey } from './i18n.ts';

export const DESKTOP_SHORTCUTS: readonly { key: string; label: MessageKey; view: string }[] = [
  { key: '1', label: 'navMap', view: 'map' },
  { key: '2', label: 'navFarms', view: 'farms' },
  { key: '3', label: 'navAlerts', view: 'alerts' },
  { key: '4', label: 'navCommands', view: 'commands' },
  { key: '5', label: 'navDevices', view: 'devices' },
  { key: ',', label: 'navSettings', view: 'settings' },
];

/** `Cmd+1` on macOS, `Ctrl+1` elsewhere. */
export function shortcutKeys(platform: string, key: string): string {
  return `${platform === 'darwin' ? 'Cmd' : 'Ctrl'}+${key}`;
}
