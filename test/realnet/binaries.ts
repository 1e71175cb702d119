/**
 * The pinned real Tailscale and Headscale binaries, built by scripts/tailnet/install.sh into a cache
 * folder (the versions live in that script, once). Tests only look them up; `npm run test:realnet` runs
 * the script first.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/tailnet/install.sh', import.meta.url));

export interface TailnetBinaries {
  dir: string;
  tailscale: string;
  tailscaled: string;
  headscale: string;
  versions: { tailscale: string; headscale: string; go: string };
}

let cached: TailnetBinaries | { reason: string } | undefined;

export function tailnetBinaries(): TailnetBinaries | { reason: string } {
  if (cached) return cached;
  try {
    const dir = execFileSync('bash', [SCRIPT, '--check'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    const versions = JSON.parse(
      readFileSync(join(dir, 'versions.json'), 'utf8'),
    ) as TailnetBinaries['versions'];
    cached = {
      dir,
      tailscale: join(dir, 'tailscale'),
      tailscaled: join(dir, 'tailscaled'),
      headscale: join(dir, 'headscale'),
      versions,
    };
  } catch (err) {
    const stderr = ((err as { stderr?: Buffer | string }).stderr ?? '').toString().trim();
    cached = { reason: stderr || (err as Error).message };
  }
  return cached;
}
