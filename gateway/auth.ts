/**
 * Who is calling, and may they do this? The caller is whoever the tailnet says owns the connection's
 * remote address (LocalAPI who-is) — never what a request header claims. Reads need any identified
 * caller; commands need the operator role for this farm (a capability grant) or an operator tag.
 */
import type { IncomingMessage } from 'node:http';
import { AgromeshError } from '../protocol/errors.ts';
import { AGROMESH_CAPABILITY, type CallerIdentity, permissionsOf } from '../protocol/identity.ts';
import { isLoopbackAddress, normalizeRemoteAddress } from '../protocol/tailnet-address.ts';

export type IdentityResolver = (remoteAddress: string) => Promise<CallerIdentity | null>;

export interface AuthorizerOptions {
  resolve: IdentityResolver;
  /** Names a grant's `farms` may use for this farm: the farm id and the node's hostnames. */
  farmNames: () => string[];
  operatorTags: readonly string[];
  /** How long a who-is answer is reused (roles change rarely; the LocalAPI is not hammered per request). */
  cacheMs?: number;
  now?: () => number;
}

export interface Authorizer {
  identify(req: IncomingMessage): Promise<CallerIdentity>;
  requireOperator(identity: CallerIdentity): void;
  canCommand(identity: CallerIdentity): boolean;
  /** Last who-is outcome, for /api/health. */
  status(): { ok: boolean; detail?: string };
}

/** Name recorded as `requestedBy`: the login for people, the node name for tagged devices. */
export function requesterName(identity: CallerIdentity): string {
  if (identity.user && identity.user !== 'tagged-devices') return identity.user;
  return identity.nodeName || identity.nodeId || identity.address;
}

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const cacheMs = options.cacheMs ?? 5_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { identity: CallerIdentity; until: number }>();
  let lastError: string | undefined;
  const tagRoles = Object.fromEntries(options.operatorTags.map((t) => [t, 'operator' as const]));

  const canCommand = (identity: CallerIdentity) => {
    const perms = permissionsOf(identity, { tagRoles });
    return perms.canCommand(options.farmNames());
  };

  return {
    async identify(req) {
      const address = normalizeRemoteAddress(req.socket.remoteAddress ?? '');
      if (address === '') throw new AgromeshError('UNAUTHENTICATED', 'The connection has no remote address.');
      const hit = cache.get(address);
      if (hit && hit.until > now()) return hit.identity;
      let identity: CallerIdentity | null;
      try {
        identity = await options.resolve(address);
        lastError = undefined;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        throw new AgromeshError(
          'LOCALAPI_UNAVAILABLE',
          'Cannot identify the caller: the local tailscaled is not answering.',
          {
            cause: err,
          },
        );
      }
      if (!identity) {
        throw new AgromeshError(
          'UNAUTHENTICATED',
          `The tailnet does not know ${address}; connect over the tailnet.`,
        );
      }
      if (cache.size > 1_000) cache.clear();
      cache.set(address, { identity, until: now() + cacheMs });
      return identity;
    },
    canCommand,
    requireOperator(identity) {
      if (canCommand(identity)) return;
      const who = `${requesterName(identity)} (${identity.nodeName || identity.address})`;
      const tags =
        options.operatorTags.length > 0
          ? ` nor one of the operator tags ${options.operatorTags.join(', ')}`
          : '';
      throw new AgromeshError(
        'FORBIDDEN',
        `${who} may read this farm but not command it: no operator grant for ${options.farmNames()[0]} in ${AGROMESH_CAPABILITY}${tags}.`,
        {
          details: {
            requiredRole: 'operator',
            farm: options.farmNames()[0],
            roles: permissionsOf(identity, { tagRoles }).roles,
          },
        },
      );
    },
    status: () =>
      lastError === undefined
        ? { ok: true }
        : { ok: false, detail: `identity unavailable: who-is failed: ${lastError}` },
  };
}

/** `--insecure-no-auth`: every loopback caller is a local operator; anything else is refused. */
export const insecureLoopbackResolver: IdentityResolver = async (address) => {
  if (!isLoopbackAddress(address)) return null;
  return {
    address,
    nodeId: 'local',
    nodeName: 'localhost',
    user: 'local (no auth)',
    userDisplayName: 'Local user (authentication disabled)',
    tags: [],
    capabilities: { [AGROMESH_CAPABILITY]: [{ role: 'operator' }] },
  };
};
