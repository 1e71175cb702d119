/**
 * The one way readings enter the gateway (simulator, sensor command, local push): check them, store
 * them (committed before anyone is told), then tell the stream and the command confirmations.
 */
import type { Reading } from '../protocol/farm-api.ts';
import { AgromeshError } from '../protocol/errors.ts';
import type { Logger } from '../kit/log.ts';
import type { Clock } from './clock.ts';
import type { FarmLayout } from './layout.ts';
import type { ReadingStore, Retention } from './store/readings.ts';
import type { GatewayMetrics, RejectReason } from './metrics.ts';

/** Readings stamped further ahead than this are refused (a wrong clock on a sensor box). */
export const MAX_FUTURE_MS = 5 * 60_000;

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: { sensorId: string; ts: number; reason: string }[];
}

export interface Ingest {
  /** `publish: false` for bulk backfill that nobody is watching live. */
  ingest(readings: readonly Reading[], options?: { publish?: boolean }): IngestResult;
  lastIngestAt(): number | undefined;
}

export interface IngestOptions {
  store: ReadingStore;
  layout: FarmLayout;
  clock: Clock;
  retention: Retention;
  log: Logger;
  onAdded: (readings: Reading[], publish: boolean) => void;
  metrics?: Pick<GatewayMetrics, 'readingsIngested' | 'readingsDuplicate' | 'readingsRejected'>;
}

export function createIngest(options: IngestOptions): Ingest {
  const { store, layout, clock, retention } = options;
  const known = new Set(layout.sensors.map((s) => s.id));
  let lastAt: number | undefined;
  return {
    ingest(readings, opts = {}) {
      const now = clock.now();
      const ok: Reading[] = [];
      const rejected: IngestResult['rejected'] = [];
      for (const r of readings) {
        let reason: string | undefined;
        let code: RejectReason | undefined;
        if (!known.has(r.sensorId)) [reason, code] = [`unknown sensor ${r.sensorId}`, 'unknown_sensor'];
        else if (r.ts > now + MAX_FUTURE_MS) [reason, code] = ['timestamp is in the future', 'future'];
        else if (r.ts < now - retention.rawMs)
          [reason, code] = ['timestamp is older than raw retention', 'too_old'];
        else if (r.value !== null && !Number.isFinite(r.value))
          [reason, code] = ['value is not a finite number', 'not_finite'];
        if (reason) {
          rejected.push({ sensorId: r.sensorId, ts: r.ts, reason });
          options.metrics?.readingsRejected.inc({ reason: code! });
        } else ok.push(r);
      }
      if (rejected.length > 0)
        options.log.debug('readings refused', { count: rejected.length, first: rejected[0] });
      const added = ok.length > 0 ? store.insert(ok) : [];
      if (added.length > 0) options.metrics?.readingsIngested.inc(added.length);
      if (ok.length > added.length) options.metrics?.readingsDuplicate.inc(ok.length - added.length);
      if (added.length > 0) {
        lastAt = now;
        options.onAdded(added, opts.publish ?? true);
      }
      return { accepted: added.length, duplicates: ok.length - added.length, rejected };
    },
    lastIngestAt: () => lastAt,
  };
}

export function refuseAll(result: IngestResult): void {
  if (result.accepted === 0 && result.duplicates === 0 && result.rejected.length > 0) {
    throw new AgromeshError('VALIDATION', `No reading was accepted: ${result.rejected[0]!.reason}.`, {
      details: result.rejected.slice(0, 20),
    });
  }
}
