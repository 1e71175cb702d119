/** The farm details form (name, notes, location, region, crop, owner): draft from a summary, and the minimal validated patch. */
import type { FarmSummary, OperationInput } from '../../../protocol/app/index.ts';
import { FARM_POLICY_TEXT_MAX } from '../../../protocol/discovery-api.ts';

/** The farm's region, crop and owner: the app mirrors them into tailnet posture attributes. */
export const POLICY_TEXT_FIELDS = ['region', 'crop', 'owner'] as const;

export interface MetadataDraft {
  displayName: string;
  notes: string;
  lat: string;
  lon: string;
  region: string;
  crop: string;
  owner: string;
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
    | 'farmPolicyTextTooLong'
  >
>;

export type MetadataPatch = Omit<OperationInput<'updateFarmMetadata'>, 'farmId'>;

export function metadataDraftOf(farm: FarmSummary): MetadataDraft {
  return {
    displayName: farm.displayName,
    notes: farm.notes,
    lat: farm.location ? String(farm.location.lat) : '',
    lon: farm.location ? String(farm.location.lon) : '',
    region: farm.region ?? '',
    crop: farm.crop ?? '',
    owner: farm.owner ?? '',
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
  for (const f of POLICY_TEXT_FIELDS) {
    if (draft[f].trim().length > FARM_POLICY_TEXT_MAX) errors[f] = 'farmPolicyTextTooLong';
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
  for (const f of POLICY_TEXT_FIELDS) {
    if (draft[f].trim() !== (farm[f] ?? '')) patch[f] = draft[f].trim();
  }
  return { patch, errors };
}
