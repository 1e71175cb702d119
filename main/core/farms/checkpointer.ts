/**
 * Moves SQLite WAL checkpoints off the main thread. A checkpoint copies the write-ahead log into the
 * database file and fsyncs it; done by the writer (SQLite's default) it stalls the event loop for tens of
 * milliseconds every few megabytes of cached readings. Here the main connection stops auto-checkpointing
 * and a worker thread with its own connection runs PASSIVE checkpoints, which never block the writer.
 * The worker is inline JavaScript so it runs the same from sources and from a built app.
 */
import { once } from 'node:events';
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../../kit/log.ts';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA busy_timeout = 1000');
const run = (mode) => { try { db.exec('PRAGMA wal_checkpoint(' + mode + ')'); } catch {} };
const timer = setInterval(() => run('PASSIVE'), workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  run('PASSIVE');
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  dispose(): Promise<void>;
}

/** Per-process flags (V8 heap/GC options) that `new Worker` rejects with ERR_WORKER_INVALID_EXEC_ARGV. */
const PROCESS_ONLY_FLAGS =
  /^--(expose[-_]gc|max[-_]old[-_]space[-_]size|max[-_]semi[-_]space[-_]size|stack[-_]size)(=|$)/;

/** The parent's execArgv minus flags a worker thread may not be given (e.g. `--expose-gc` from bench/run.ts). */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  return execArgv.filter((a) => !PROCESS_ONLY_FLAGS.test(a));
}

export function startCheckpointer(db: DatabaseSync, log: Logger, everyMs = 1_000): Checkpointer {
  const file = db.location();
  if (!file) return { dispose: async () => {} };
  db.exec('PRAGMA wal_autocheckpoint = 0');
  // The worker opens node:sqlite too; its experimental warning would bypass the main thread's handling.
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { file, everyMs },
    execArgv: [...workerExecArgv(process.execArgv), '--disable-warning=ExperimentalWarning'],
  });
  const exited = once(worker, 'exit');
  let failed = false;
  worker.on('error', (err) => {
    failed = true;
    log.warn('checkpoint worker failed; checkpointing on the main thread again', { err });
    if (db.isOpen) db.exec('PRAGMA wal_autocheckpoint = 1000');
  });
  worker.unref();
  return {
    async dispose() {
      if (!failed) {
        worker.postMessage('stop');
        const timer = setTimeout(() => void worker.terminate(), 5_000);
        await exited;
        clearTimeout(timer);
      }
      if (db.isOpen) db.exec('PRAGMA wal_autocheckpoint = 1000');
    },
  };
}
