/**
 * Settings persistence behind an interface: Electron uses electron-store, the browser host and tests a
 * JSON file written atomically (temp file + rename), so a crash never leaves half-written settings.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_SETTINGS, Settings } from '../../../protocol/app/index.ts';

export interface SettingsStore {
  read(): Settings;
  write(settings: Settings): void;
}

/** Merge stored values over defaults, dropping anything invalid rather than failing to start. */
export function parseStoredSettings(raw: unknown): Settings {
  const merged = { ...DEFAULT_SETTINGS, ...(typeof raw === 'object' && raw !== null ? raw : {}) };
  const parsed = Settings.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export function createFileSettingsStore(file: string): SettingsStore {
  return {
    read() {
      try {
        return parseStoredSettings(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        return DEFAULT_SETTINGS;
      }
    },
    write(settings) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(settings, null, 2), { mode: 0o600 });
      renameSync(tmp, file);
    },
  };
}

export function createMemorySettingsStore(initial: Settings = DEFAULT_SETTINGS): SettingsStore {
  let current = initial;
  return { read: () => current, write: (s) => void (current = s) };
}
