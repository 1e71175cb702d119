/** Filtering and sorting of the farm table: pure so it is unit-tested and fast for a thousand farms. */
import type { FarmSummary, OverallHealth } from '../../../preload/contract.ts';
import { HEALTH_RANK } from './health.ts';

export type FarmSortKey = 'name' | 'health' | 'lastReading';
export type SortDir = 'asc' | 'desc';

export interface FarmFilter {
  text: string;
  health: OverallHealth | 'all';
}

export function filterFarms(farms: readonly FarmSummary[], filter: FarmFilter): FarmSummary[] {
  const needle = filter.text.trim().toLowerCase();
  return farms.filter((f) => {
    if (filter.health !== 'all' && f.health.overall !== filter.health) return false;
    if (!needle) return true;
    return (
      f.displayName.toLowerCase().includes(needle) ||
      f.farmId.toLowerCase().includes(needle) ||
      f.address.toLowerCase().includes(needle) ||
      f.dnsName.toLowerCase().includes(needle) ||
      f.tags.some((tag) => tag.toLowerCase().includes(needle))
    );
  });
}

export function sortFarms(farms: readonly FarmSummary[], key: FarmSortKey, dir: SortDir): FarmSummary[] {
  const sign = dir === 'asc' ? 1 : -1;
  const byName = (a: FarmSummary, b: FarmSummary) => a.displayName.localeCompare(b.displayName);
  const cmp: Record<FarmSortKey, (a: FarmSummary, b: FarmSummary) => number> = {
    name: byName,
    health: (a, b) => HEALTH_RANK[a.health.overall] - HEALTH_RANK[b.health.overall],
    // Farms that never reported sort as the oldest.
    lastReading: (a, b) => (a.lastReadingAt ?? -Infinity) - (b.lastReadingAt ?? -Infinity),
  };
  return [...farms].sort((a, b) => sign * cmp[key](a, b) || byName(a, b));
}

/** The first few current readings, in sensor-id order, for the table's "key figures" column. */
export function keyFigures(farm: FarmSummary, count = 3): FarmSummary['latest'] {
  return [...farm.latest].sort((a, b) => a.sensorId.localeCompare(b.sensorId)).slice(0, count);
}
