/**
 * A size-capped, rotating log file: `name.log` is written until it would pass `maxBytes`, then it becomes
 * `name.1.log` (older ones shift up to `files - 1`) and a fresh file starts. Files not written for
 * `maxAgeDays` are removed when the sink opens. Lines arrive already redacted (createLogger's `write`).
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface RotatingFileOptions {
  /** Largest size of one file (default 5 MB). */
  maxBytes?: number;
  /** How many files are kept, the current one included (default 3). */
  files?: number;
  /** Older files are deleted when the sink opens (default 14 days). */
  maxAgeDays?: number;
  now?: () => number;
}

export interface RotatingFile {
  /** The current file's path. */
  readonly path: string;
  write: (line: string) => void;
  close: () => void;
}

export function createRotatingFile(
  dir: string,
  name: string,
  options: RotatingFileOptions = {},
): RotatingFile {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const files = Math.max(1, options.files ?? 3);
  const maxAgeMs = (options.maxAgeDays ?? 14) * 86_400_000;
  const now = options.now ?? Date.now;
  const nth = (i: number) => join(dir, i === 0 ? `${name}.log` : `${name}.${i}.log`);
  mkdirSync(dir, { recursive: true });

  for (const f of readdirSync(dir)) {
    if (!f.startsWith(`${name}.`) || !f.endsWith('.log')) continue;
    try {
      if (now() - statSync(join(dir, f)).mtimeMs > maxAgeMs) rmSync(join(dir, f), { force: true });
    } catch {
      // Gone already or unreadable: nothing to clean.
    }
  }

  let fd = openSync(nth(0), 'a');
  let size = statSync(nth(0)).size;
  let failed = false;

  const rotate = () => {
    closeSync(fd);
    rmSync(nth(files - 1), { force: true });
    for (let i = files - 2; i >= 0; i--) {
      try {
        renameSync(nth(i), nth(i + 1));
      } catch {
        // A missing older file is fine.
      }
    }
    fd = openSync(nth(0), 'a');
    size = 0;
  };

  return {
    path: nth(0),
    write(line) {
      if (failed) return;
      const bytes = Buffer.from(line.endsWith('\n') ? line : `${line}\n`, 'utf8');
      try {
        if (size > 0 && size + bytes.length > maxBytes) {
          if (files > 1) rotate();
          else {
            closeSync(fd);
            fd = openSync(nth(0), 'w');
            size = 0;
          }
        }
        writeSync(fd, bytes);
        size += bytes.length;
      } catch {
        // A full or vanished disk must not take the app down; stderr still gets every line.
        failed = true;
      }
    },
    close() {
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
    },
  };
}

/** Writes each line to every sink (e.g. stderr and a rotating file). */
export function teeWriter(...sinks: ((line: string) => void)[]): (line: string) => void {
  return (line) => {
    for (const sink of sinks) sink(line);
  };
}
