/** When is a value too old to trust at a glance? One rule for cards, tables and the map. */
import type { Reading } from '../../../protocol/farm-api.ts';

export function ageSeconds(ts: number, now: number): number {
  return Math.max(0, Math.floor((now - ts) / 1000));
}

/** Stale when the gateway said so, or when it is older than the user's threshold. */
export function isStale(reading: Pick<Reading, 'ts' | 'quality'>, now: number, staleAfterS: number): boolean {
  return reading.quality === 'stale' || ageSeconds(reading.ts, now) > staleAfterS;
}

/** Newest timestamp among readings, or null when there are none. */
export function newestTs(readings: readonly Pick<Reading, 'ts'>[]): number | null {
  let best: number | null = null;
  for (const r of readings) if (best === null || r.ts > best) best = r.ts;
  return best;
}
