/**
 * Caller identity as the tailnet reports it (LocalAPI who-is), and the Agromesh roles derived from it.
 * Authorization is decided only from this, never from headers a client sends.
 */
import { z } from 'zod';

/** The app capability granted in the tailnet policy (grants[].app). Payload: RoleGrant. */
export const AGROMESH_CAPABILITY = 'agromesh.dev/cap/control-room';

export const Role = z.enum(['agronomist', 'operator', 'support']);
export type Role = z.infer<typeof Role>;

/** One entry of the capability's payload array in the policy file. */
export const RoleGrant = z.looseObject({
  role: Role,
  /** Farm ids or hostnames the grant covers; `*` or absent means every farm. */
  farms: z.array(z.string().min(1).max(200)).max(1000).optional(),
});
export type RoleGrant = z.infer<typeof RoleGrant>;

export const CallerIdentity = z.object({
  /** The tailnet address the request came from. */
  address: z.string(),
  nodeId: z.string(),
  nodeName: z.string(),
  /** Login name, or `tagged-devices` for tagged nodes. */
  user: z.string(),
  userDisplayName: z.string(),
  tags: z.array(z.string()),
  /** Peer capabilities granted to the caller (who-is CapMap). */
  capabilities: z.record(z.string(), z.array(z.unknown()).nullable()),
});
export type CallerIdentity = z.infer<typeof CallerIdentity>;

export interface Permissions {
  roles: Role[];
  canRead: boolean;
  canCommand: (farmId?: string) => boolean;
  canEditTags: boolean;
  canOnboard: boolean;
  canEditFarmMetadata: boolean;
}

export interface RolePolicy {
  /** Tags that grant a role without a capability (e.g. a headless operator console node). */
  tagRoles?: Partial<Record<string, Role>>;
}

export function grantsOf(identity: Pick<CallerIdentity, 'capabilities'>): RoleGrant[] {
  const raw = identity.capabilities[AGROMESH_CAPABILITY];
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((value) => {
    const parsed = RoleGrant.safeParse(value);
    return parsed.success ? [parsed.data] : [];
  });
}

export function permissionsOf(
  identity: Pick<CallerIdentity, 'capabilities' | 'tags'>,
  policy: RolePolicy = {},
): Permissions {
  const grants = grantsOf(identity);
  for (const tag of identity.tags) {
    const role = policy.tagRoles?.[tag];
    if (role) grants.push({ role });
  }
  const roles = [...new Set(grants.map((g) => g.role))];
  const covers = (g: RoleGrant, farmId?: string) =>
    g.farms === undefined || g.farms.includes('*') || (farmId !== undefined && g.farms.includes(farmId));
  return {
    roles,
    canRead: true,
    canCommand: (farmId) => grants.some((g) => g.role === 'operator' && covers(g, farmId)),
    canEditTags: roles.includes('support'),
    canOnboard: roles.includes('support'),
    canEditFarmMetadata: roles.includes('support') || roles.includes('operator'),
  };
}
