/** The farm details form (name, notes, location): draft from a summary, and the minimal validated patch. */
import type { FarmSummary, OperationInput } from '../../../protocol/app/index.ts';

export interface MetadataDraft {
  displayName: string;
  notes: string;
  lat: string;
  lon: string;
}

export type MetadataErrors = Partial<
  Record<
    keyof MetadataDraft,
    | 'farmNameRequired'
    | 'farmNameTooLong'
    | 'farmNotesTooLong'
    | 'farmLatInvalid'
    | 'farmLonInvalid'
    | 'farmLocationBoth'
  >
>;

export type MetadataPatch = Omit<OperationInput<'updateFarmMetadata'>, 'farmId'>;

export function metadataDraftOf(farm: FarmSummary): MetadataDraft {
  return {
    displayName: farm.displayName,
    notes: farm.notes,
    lat: farm.location ? String(farm.location.lat) : '',
    lon: farm.location ? String(farm.location.lon) : '',
  };
}

/** "45,35" (a Russian keyboard's decimal comma) and "45.35" both read as 45.35. */
function coordinate(text: string, limit: number): number | undefined {
  const t = text.trim().replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Math.abs(n) <= limit ? n : undefined;
}

/**
 * Only what changed goes in the patch (an empty patch means nothing to save). Empty latitude and longitude
 * clear the override, so the farm is shown where its gateway says it is.
 */
export function metadataPatch(
  draft: MetadataDraft,
  farm: FarmSummary,
): { patch?: MetadataPatch; errors: MetadataErrors } {
  const errors: MetadataErrors = {};
  const name = draft.displayName.trim();
  if (name === '') errors.displayName = 'farmNameRequired';
  else if (name.length > 200) errors.displayName = 'farmNameTooLong';
  if (draft.notes.length > 5000) errors.notes = 'farmNotesTooLong';
  const blank = draft.lat.trim() === '' && draft.lon.trim() === '';
  const lat = coordinate(draft.lat, 90);
  const lon = coordinate(draft.lon, 180);
  if (!blank) {
    if (draft.lat.trim() === '' || draft.lon.trim() === '') {
      errors[draft.lat.trim() === '' ? 'lat' : 'lon'] = 'farmLocationBoth';
    } else {
      if (lat === undefined) errors.lat = 'farmLatInvalid';
      if (lon === undefined) errors.lon = 'farmLonInvalid';
    }
  }
  if (Object.keys(errors).length > 0) return { errors };
  const patch: MetadataPatch = {};
  if (name !== farm.displayName) patch.displayName = name;
  if (draft.notes !== farm.notes) patch.notes = draft.notes;
  const location = blank ? null : { lat: lat!, lon: lon! };
  const same =
    location === null
      ? farm.location === null
      : farm.location !== null && farm.location.lat === location.lat && farm.location.lon === location.lon;
  if (!same) patch.location = location;
  return { patch, errors };
}
