/** Finds an Electron runtime: ELECTRON_OVERRIDE_DIST_PATH, or the npm package's binary once downloaded. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return existsSync(override) ? override : undefined;
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

export const NO_ELECTRON =
  'No Electron runtime found (set ELECTRON_OVERRIDE_DIST_PATH to use one); serving the app in your browser instead.';
