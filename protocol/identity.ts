/**
 * Caller identity as the tailnet reports it (LocalAPI who-is), and the Agromesh roles derived from it.
 * Authorization is decided only from this, never from headers a client sends.
 */
import { z } from 'zod';
import { MONITORING_TAG } from './device.ts';

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

/**
 * Which farms a person may command: `'*'` for every farm, otherwise the listed farm ids or hostnames.
 * Derived once from the grants ({@link commandScopeOf}) and decided only by {@link mayCommand}.
 */
export type CommandScope = '*' | string[];

/** The one function that decides whether a command to a farm is allowed (UI, core, gateway, registry). */
export function mayCommand(scope: CommandScope, farm: string | readonly string[]): boolean {
  if (scope === '*') return true;
  const names = typeof farm === 'string' ? [farm] : farm;
  return names.some((name) => scope.includes(name));
}

/** True when the scope allows commanding at least one farm. */
export function mayCommandAny(scope: CommandScope): boolean {
  return scope === '*' || scope.length > 0;
}

export function commandScopeOf(grants: readonly RoleGrant[]): CommandScope {
  const farms = new Set<string>();
  for (const g of grants) {
    if (g.role !== 'operator') continue;
    if (g.farms === undefined || g.farms.includes('*')) return '*';
    for (const f of g.farms) farms.add(f);
  }
  return [...farms];
}

export interface Permissions {
  roles: Role[];
  canRead: boolean;
  commandScope: CommandScope;
  /** Whether this farm (id and/or hostnames) may be commanded. */
  canCommand: (farm: string | readonly string[]) => boolean;
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
  const commandScope = commandScopeOf(grants);
  return {
    roles,
    canRead: true,
    commandScope,
    canCommand: (farm) => mayCommand(commandScope, farm),
    canEditTags: roles.includes('support'),
    canOnboard: roles.includes('support'),
    canEditFarmMetadata: roles.includes('support') || roles.includes('operator'),
  };
}

/**
 * The one rule for `/metrics` (gateway, registry, control room): a node tagged `tag:monitoring` (the
 * fleet's Prometheus), or a person with the support role (admins looking at one farm by hand). Metrics
 * say how busy and healthy a farm is, not what it measures, yet they are not for every reader.
 */
export function mayScrapeMetrics(
  identity: Pick<CallerIdentity, 'capabilities' | 'tags'>,
  policy: RolePolicy = {},
): boolean {
  if (identity.tags.includes(MONITORING_TAG)) return true;
  return permissionsOf(identity, policy).roles.includes('support');
}
