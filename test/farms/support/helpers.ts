/** Small test helpers: event waits with deadlines (no bare sleeps), temp dirs, a collecting logger. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../../kit/log.ts';

/** Poll `predicate` until it holds or `timeoutMs` passes (then throw with `what`). */
export { waitFor } from '../../support/wait-for.ts';

export function tempDir(prefix = 'agromesh-farms-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A logger that keeps lines (for asserting on warnings) and prints nothing. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = createLogger('test', { level: 'debug', write: (l) => lines.push(l) });
  return Object.assign(log, { lines });
}

/** A clock tests move by hand. */
export function manualClock(start: number): {
  now: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
} {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}
