#!/usr/bin/env node
// Builds what a launch needs: `renderer` (Vite → dist/renderer) or `all` (plus the Node side → dist/ and the
// preload bundle). Skips the renderer when its output is newer than every source file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const what = process.argv[2] ?? 'renderer';
const force = process.argv.includes('--force');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

// NODE_ENV=production always: under vitest NODE_ENV is `test`, and Vite would then bundle React's development build.
function run(script, args) {
  const env = { ...process.env, NODE_ENV: 'production' };
  const r = spawnSync(process.execPath, [join(root, 'node_modules', ...script), ...args], { stdio: 'inherit', cwd: root, env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const built = join(root, 'dist', 'renderer', 'index.html');
const sources = Math.max(newest(join(root, 'renderer')), newest(join(root, 'preload')), newest(join(root, 'protocol')));
if (force || !existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log('Building the control-room UI…');
  run(['vite', 'bin', 'vite.js'], ['build', '--logLevel', 'warn']);
}
if (what === 'all') {
  run(['typescript', 'bin', 'tsc'], ['-p', 'tsconfig.build.json']);
  run(['vite', 'bin', 'vite.js'], ['build', '--config', 'vite.preload.config.ts', '--logLevel', 'warn']);
}
