#!/usr/bin/env node
// `npm start`: the Electron app on this computer's tailnet. Electron's binary is fetched on first launch;
// where it is neither present nor pointed to (ELECTRON_OVERRIDE_DIST_PATH), say so in one line and serve
// the same app through the browser host instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const demo = process.argv.includes('--demo');

function electronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return existsSync(override) ? override : undefined;
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
const build = spawnSync(process.execPath, [join(root, 'bin', 'build.js'), binary ? 'all' : 'renderer'], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

if (binary) {
  const env = { ...process.env, ...(demo ? { AGROMESH_DEMO: '1' } : {}) };
  const child = spawn(binary, [root], { stdio: 'inherit', env });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('No Electron runtime found (set ELECTRON_OVERRIDE_DIST_PATH to use one); serving the browser host instead.');
  const child = spawn(process.execPath, [join(root, 'bin', 'agromesh.js'), demo ? 'demo' : 'host', '--no-build'], {
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 0));
}
