/** One ordering and one palette for farm health, shared by the map, the table and the alerts. */
import type { OverallHealth } from '../../../protocol/app/index.ts';
import type { MessageKey } from './i18n.ts';

/** Worse is larger: a cluster shows its worst member. */
export const HEALTH_RANK: Record<OverallHealth, number> = { ok: 0, stale: 1, degraded: 2, offline: 3 };

export const HEALTH_ORDER: readonly OverallHealth[] = ['ok', 'stale', 'degraded', 'offline'];

export function worstHealth(values: Iterable<OverallHealth>): OverallHealth {
  let worst: OverallHealth = 'ok';
  for (const v of values) if (HEALTH_RANK[v] > HEALTH_RANK[worst]) worst = v;
  return worst;
}

/**
 * Colours chosen to stay apart for common colour-blindness; shapes differ too (see map markers). Each
 * carries white chip text at ≥ 4.5:1 (axe color-contrast; the former #7b8794 and #ed6c02 gave 3.7 and 3.1).
 */
export const HEALTH_COLOR: Record<OverallHealth, string> = {
  ok: '#2e7d32',
  stale: '#5f6b78',
  degraded: '#b45309',
  offline: '#c62828',
};

export const HEALTH_LABEL: Record<OverallHealth, MessageKey> = {
  ok: 'healthOk',
  stale: 'healthStale',
  degraded: 'healthDegraded',
  offline: 'healthOffline',
};

export const LAYER_LABEL: Record<'ok' | 'degraded' | 'down' | 'unknown', MessageKey> = {
  ok: 'layerOk',
  degraded: 'layerDegraded',
  down: 'layerDown',
  unknown: 'layerUnknown',
};
