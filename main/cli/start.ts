/**
 * `agromesh start` (`npm start`): the desktop app on this computer's tailnet. Without an Electron runtime
 * it says so in one line and serves the same app through the browser host.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findElectronBinary, NO_ELECTRON } from './electron-runtime.ts';
import { run as runHost } from './host.ts';
import type { CliIO } from './io.ts';
import { projectRoot } from './paths.ts';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const electron = findElectronBinary(io.env);
  if (!electron) {
    io.stdout(`${NO_ELECTRON}\n`);
    return runHost(argv, io);
  }
  const built = spawnSync(process.execPath, [join(projectRoot, 'bin', 'build.js'), 'all'], {
    stdio: 'inherit',
  });
  if (built.status !== 0) return 1;
  const child = spawn(electron, [projectRoot], { stdio: 'inherit', env: io.env });
  const code = await Promise.race([
    new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 0))),
    io.stopSignal.then(() => 0),
  ]);
  child.kill();
  return code;
}
