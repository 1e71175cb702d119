/** Which farms a caller's grants cover, and people's metadata edit in the registry's words. */
import type { FarmMetadataUpdate } from '../../../protocol/discovery-api.ts';
import type { RoleGrant } from '../../../protocol/identity.ts';
import type { FarmState } from './farm-state.ts';
import type { MetadataPatch } from './types.ts';

/** No grants: every farm (reads are open); else a grant naming the farm by id, machine or DNS name, or `*`. */
export function coveredBy(grants: readonly RoleGrant[], s: FarmState): boolean {
  return (
    grants.length === 0 ||
    grants.some(
      (g) =>
        g.farms === undefined ||
        g.farms.some((f) => f === '*' || f === s.farmId || f === s.device.name || f === s.device.dnsName),
    )
  );
}

export function metadataUpdate(metadata: MetadataPatch): FarmMetadataUpdate {
  return {
    ...(metadata.displayName !== undefined ? { displayName: metadata.displayName } : {}),
    ...(metadata.notes !== undefined ? { notes: metadata.notes } : {}),
    ...(metadata.region !== undefined ? { region: metadata.region } : {}),
    ...(metadata.crop !== undefined ? { crop: metadata.crop } : {}),
    ...(metadata.owner !== undefined ? { owner: metadata.owner } : {}),
    ...(metadata.location !== undefined ? { locationOverride: metadata.location } : {}),
    ...(metadata.ifVersion !== undefined ? { ifVersion: metadata.ifVersion } : {}),
  };
}
