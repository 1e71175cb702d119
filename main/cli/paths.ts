import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgromeshError } from '../../protocol/errors.ts';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `ADDR:PORT` or `[v6]:PORT` → parts; a clear error otherwise. */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new AgromeshError('VALIDATION', `--listen expects ADDR:PORT, got "${value}".`);
  return { host: m[1] ?? m[2] ?? '', port };
}
