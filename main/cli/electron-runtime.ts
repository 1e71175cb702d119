/**
 * Finds an Electron runtime without triggering Electron's lazy download (requiring the `electron` package
 * would try to fetch the binary): ELECTRON_OVERRIDE_DIST_PATH, or a binary the package already has.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.ts';

const EXECUTABLE: Partial<Record<NodeJS.Platform, string>> = {
  win32: 'electron.exe',
  darwin: 'Electron.app/Contents/MacOS/Electron',
};

export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const pkg = join(projectRoot, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? join(override, relative ?? EXECUTABLE[process.platform] ?? 'electron')
    : relative
      ? join(pkg, 'dist', relative)
      : undefined;
  return candidate !== undefined && existsSync(candidate) ? candidate : undefined;
}

export const NO_ELECTRON =
  'No Electron runtime found (set ELECTRON_OVERRIDE_DIST_PATH to use one); serving the app in your browser instead.';
