/** Durations typed by people on command lines: "90d", "12h", "30m", "45s", "2w" or plain seconds. */
import { AgromeshError } from './errors.ts';

const UNIT_SECONDS = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

/** The duration in seconds; a clear VALIDATION error for anything else. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*([smhdw]?)$/i.exec(text.trim());
  if (!m)
    throw new AgromeshError('VALIDATION', `"${text}" is not a duration (use e.g. 45s, 30m, 12h, 7d, 2w).`);
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2]!.toLowerCase() as keyof typeof UNIT_SECONDS];
  if (seconds <= 0) throw new AgromeshError('VALIDATION', 'A duration must be positive.');
  return seconds;
}
