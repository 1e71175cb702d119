#!/usr/bin/env node
// Entry for the `agromesh` command. The code is TypeScript run by Node 22's type stripping; on an older
// Node this re-runs itself with the project's pinned Node 22 (the `node` devDependency) when present.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 18);

if (!supported) {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    console.error(`agromesh needs Node.js 22.18 or newer (this is ${process.version}). Run "npm install" first.`);
    process.exit(1);
  }
  const r = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'ExperimentalWarning') console.error(w);
});
const { main } = await import('../main/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
