/** Applies a farmsChanged batch to the known farms, keeping the list ordered by display name. */
import type { EventPayload, FarmSummary } from '../../../protocol/app/index.ts';

export function applyFarmsChanged(
  current: ReadonlyMap<string, FarmSummary>,
  batch: EventPayload<'farmsChanged'>,
): Map<string, FarmSummary> {
  const next = new Map(current);
  for (const id of batch.removed) next.delete(id);
  for (const farm of batch.changed) next.set(farm.farmId, farm);
  return next;
}

export function farmsByName(farms: ReadonlyMap<string, FarmSummary>): FarmSummary[] {
  return [...farms.values()].sort(
    (a, b) => a.displayName.localeCompare(b.displayName) || a.farmId.localeCompare(b.farmId),
  );
}
