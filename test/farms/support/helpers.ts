/** Small test helpers: event waits with deadlines (no bare sleeps), temp dirs, a collecting logger. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../../kit/log.ts';

/** Poll `predicate` until it holds or `timeoutMs` passes (then throw with `what`). */
export async function waitFor<T>(
  what: string,
  predicate: () => T | undefined | null | false,
  timeoutMs = 5_000,
  everyMs = 10,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

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
