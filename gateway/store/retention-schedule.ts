/**
 * Retention on a schedule: raw readings 30 days, rollups 2 years, checked hourly (and once shortly after
 * start). A clock that jumped ahead would make it delete history that is not old at all, so it holds
 * while "now" is far ahead of the newest stored reading or of its own last run, and says so (log, and
 * `held()` for the health check) until the clock is right or the operator accepts the jump.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Logger } from '../../kit/log.ts';
import type { Clock } from '../clock.ts';
import { getMeta, setMeta } from './db.ts';
import { RETENTION_LAST_RUN, type ReadingStore, type Retention, retentionHold } from './readings.ts';

export interface RetentionSchedule {
  /** Run retention now (one run at a time); the number of rows removed, 0 while held. */
  prune(): Promise<number>;
  /** Why retention is holding, or undefined. */
  held(): string | undefined;
  dispose(): Promise<void>;
}

export function scheduleRetention(o: {
  db: DatabaseSync;
  readings: ReadingStore;
  retention: Retention;
  clock: Clock;
  acceptClockJump?: boolean | undefined;
  intervalMs?: number | undefined;
  log: Logger;
}): RetentionSchedule {
  let pruning: Promise<number> | null = null;
  let acceptJump = o.acceptClockJump ?? false;
  let held: string | undefined;
  const prune = () => {
    pruning ??= (async () => {
      const now = o.clock.now();
      const hold = acceptJump
        ? null
        : retentionHold(now, {
            newestReading: Math.max(
              ...o.readings.sensorIds().map((id) => o.readings.latest(id)?.ts ?? -Infinity),
            ),
            lastRun: Number(getMeta(o.db, RETENTION_LAST_RUN) ?? NaN),
          });
      if (hold) {
        if (held !== hold) o.log.warn(`retention held: ${hold}`);
        held = hold;
        return 0;
      }
      const removed = await o.readings.applyRetention(now, o.retention);
      setMeta(o.db, RETENTION_LAST_RUN, String(now));
      held = undefined;
      acceptJump = false;
      return removed;
    })().finally(() => (pruning = null));
    return pruning;
  };
  const run = () => void prune().catch((err: unknown) => o.log.error('retention failed', { err }));
  const timer = setInterval(run, o.intervalMs ?? 3_600_000);
  timer.unref();
  const first = setTimeout(run, 5_000);
  first.unref();
  return {
    prune,
    held: () => held,
    dispose: async () => {
      clearInterval(timer);
      clearTimeout(first);
      await pruning?.catch(() => {});
    },
  };
}
