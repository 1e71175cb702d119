import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgromeshError } from '../../protocol/errors.ts';
import { splitHostPort } from '../../protocol/host-port.ts';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `ADDR:PORT` or `[v6]:PORT` → parts; a clear error otherwise. */
export function parseListen(value: string): { host: string; port: number } {
  const parts = splitHostPort(value);
  if (!parts?.host) throw new AgromeshError('VALIDATION', `--listen expects ADDR:PORT, got "${value}".`);
  return parts;
}
