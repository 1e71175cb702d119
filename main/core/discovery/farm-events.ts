/**
 * The joined / changed / left events between two looks at the farms: a farm's summary is emitted again
 * only when its signature changed, and a farm that is gone leaves with its last summary.
 */
import type { FarmSummary } from '../../../protocol/app/index.ts';
import type { Logger } from '../../../kit/log.ts';
import type { FarmState } from './farm-state.ts';
import type { FarmEvent } from './types.ts';

/** What was last emitted per node (device id). */
export type EmittedFarms = Map<string, { signature: string; farmId: string; summary: FarmSummary }>;

/** The events since `emitted`, which it updates to the farms now. */
export function diffFarmEvents(
  farms: ReadonlyMap<string, FarmState>,
  emitted: EmittedFarms,
  summarize: (s: FarmState) => { summary: FarmSummary; signature: string },
): FarmEvent[] {
  const events: FarmEvent[] = [];
  for (const [id, s] of farms) {
    const { summary, signature } = summarize(s);
    const prev = emitted.get(id);
    if (!prev) events.push({ type: 'joined', farm: summary });
    else if (prev.signature !== signature) {
      events.push(
        prev.farmId === s.farmId
          ? { type: 'changed', farm: summary }
          : { type: 'changed', farm: summary, previousFarmId: prev.farmId },
      );
    }
    if (!prev || prev.signature !== signature) emitted.set(id, { signature, farmId: s.farmId, summary });
  }
  for (const [id, prev] of emitted) {
    if (farms.has(id)) continue;
    emitted.delete(id);
    events.push({ type: 'left', farm: prev.summary });
  }
  return events;
}

/** Every event to every listener; one listener throwing neither stops the others nor the service. */
export function emitFarmEvents(
  events: readonly FarmEvent[],
  listeners: ReadonlySet<(e: FarmEvent) => void>,
  log: Logger,
): void {
  for (const e of events) {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        log.error('farm event listener failed', { err });
      }
    }
  }
}
