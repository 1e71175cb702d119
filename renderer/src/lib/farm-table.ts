/** Filtering and sorting of the farm table: pure so it is unit-tested and fast for a thousand farms. */
import type { FarmSummary, OverallHealth } from '../../../protocol/app/index.ts';
import type { Reading, SensorKind } from '../../../protocol/farm-api.ts';
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

/** Which sensors matter most at a glance: soil moisture, then air, then water. */
const KIND_RANK: Partial<Record<SensorKind, number>> = {
  soil_moisture: 0,
  air_temperature: 1,
  tank_level: 2,
  air_humidity: 3,
  flow_rate: 4,
  soil_temperature: 5,
  rain: 6,
  wind_speed: 7,
};

export interface KeyFigure {
  reading: Reading;
  /** The sensor's label and unit as the gateway describes it (the sensor id when not known yet). */
  label: string;
  unit: string;
}

/**
 * A few current readings for the table and the map: one per kind of sensor, most telling kinds first
 * (the gateway's own order within a kind), labelled and with units from the summary's sensors.
 */
export function keyFigures(farm: FarmSummary, count = 3): KeyFigure[] {
  const sensors = new Map(farm.sensors.map((s, i) => [s.id, { ...s, order: i }]));
  const rank = (r: Reading) => {
    const s = sensors.get(r.sensorId);
    return s ? (KIND_RANK[s.kind] ?? 50) * 1000 + s.order : 100_000;
  };
  const seenKinds = new Set<string>();
  const ordered = [...farm.latest].sort((a, b) => rank(a) - rank(b) || a.sensorId.localeCompare(b.sensorId));
  // Prefer one figure per kind (zone 1 and zone 2 soil moisture are less telling than soil and air).
  const first = ordered.filter((r) => {
    const kind = sensors.get(r.sensorId)?.kind;
    if (kind === undefined) return true;
    if (seenKinds.has(kind)) return false;
    seenKinds.add(kind);
    return true;
  });
  const picked = [...first, ...ordered.filter((r) => !first.includes(r))].slice(0, count);
  return picked.map((reading) => {
    const s = sensors.get(reading.sensorId);
    return { reading, label: s?.label || reading.sensorId, unit: s?.unit ?? '' };
  });
}
