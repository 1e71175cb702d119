/**
 * Edits `AGROMESH_GATEWAY_OPTS` in the service's conffile (/etc/agromesh/gateway.conf) for
 * `agromesh-gateway join --farm-id … --discovery-url …`: the named options are replaced, every other
 * option and every comment the technician wrote stay. Written to a temp file and renamed, so a crash
 * leaves the old file or the new one, never half of one.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { AgromeshError } from '../protocol/errors.ts';

export const SERVICE_CONFIG = '/etc/agromesh/gateway.conf';
const OPTS_RE = /^AGROMESH_GATEWAY_OPTS=(?:"([^"]*)"|(\S*))\s*$/;
// Values go into a systemd EnvironmentFile split on spaces: no spaces, quotes or backslashes.
const SAFE_VALUE = /^[^\s"'\\$`]{1,200}$/;

/** `--flag value` pairs to set; undefined values are left as they are. */
export type ServiceOptions = Record<string, string | undefined>;

export function setServiceOptions(file: string, set: ServiceOptions): void {
  const wanted = Object.entries(set).filter((e): e is [string, string] => e[1] !== undefined);
  if (wanted.length === 0) return;
  for (const [flag, value] of wanted)
    if (!SAFE_VALUE.test(value))
      throw new AgromeshError(
        'VALIDATION',
        `--${flag} "${value.slice(0, 60)}" cannot go in ${file}: no spaces or quotes.`,
      );
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AgromeshError(
      'UNAVAILABLE',
      `cannot read ${file} (is the agromesh-gateway package installed?)`,
      {
        cause: err,
      },
    );
  }
  const lines = text.split('\n');
  const at = lines.findIndex((l) => OPTS_RE.test(l));
  const m = at === -1 ? null : OPTS_RE.exec(lines[at]!);
  const tokens = (m?.[1] ?? m?.[2] ?? '').split(/\s+/).filter((t) => t !== '');
  const kept: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const name = t.startsWith('--') ? t.slice(2).split('=')[0]! : '';
    if (wanted.some(([flag]) => flag === name)) {
      if (!t.includes('=')) i++; // its value
      continue;
    }
    kept.push(t);
  }
  for (const [flag, value] of wanted) kept.push(`--${flag}`, value);
  const line = `AGROMESH_GATEWAY_OPTS="${kept.join(' ')}"`;
  if (at === -1) lines.splice(lines.at(-1) === '' ? lines.length - 1 : lines.length, 0, line);
  else lines[at] = line;
  const tmp = `${file}.agromesh-new`;
  writeFileSync(tmp, lines.join('\n'), { mode: 0o644 });
  renameSync(tmp, file);
}
