/**
 * Who may call this gateway: the injected resolver, the loopback-only stand-in when authentication is
 * off, else the LocalAPI's who-is (its failures counted). Grants may name the farm by its id or its
 * tailnet names.
 */
import { AgromeshError } from '../protocol/errors.ts';
import { isLoopbackAddress } from '../protocol/tailnet-address.ts';
import {
  type Authorizer,
  type IdentityResolver,
  createAuthorizer,
  insecureLoopbackResolver,
} from './auth.ts';
import type { GatewayOptions } from './gateway.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { TailnetSelf } from './tailnet/bootstrap.ts';

/** Authentication may be off only where no other machine can reach the gateway. */
export function refuseInsecureOffLoopback(options: Pick<GatewayOptions, 'insecureNoAuth' | 'listen'>): void {
  const explicitHost = options.listen?.host;
  if (options.insecureNoAuth && (explicitHost === undefined || !isLoopbackAddress(explicitHost))) {
    throw new AgromeshError(
      'VALIDATION',
      `--insecure-no-auth is allowed only on a loopback listen address (got ${explicitHost ?? 'the tailnet address'}); refusing to start.`,
    );
  }
}

export function createCallerAuth(
  options: Pick<GatewayOptions, 'resolveIdentity' | 'insecureNoAuth' | 'operatorTags' | 'identityCacheMs'>,
  deps: { self: TailnetSelf; farmId: string; metrics: GatewayMetrics },
): Authorizer {
  const { farmId, metrics } = deps;
  const { localApi, hostName, name: selfName } = deps.self;
  const resolveIdentity: IdentityResolver =
    options.resolveIdentity ??
    (options.insecureNoAuth
      ? insecureLoopbackResolver
      : (address) =>
          localApi!.whois(address).catch((err: unknown) => {
            metrics.localApiErrors.inc({ op: 'whois' });
            throw err;
          }));
  return createAuthorizer({
    resolve: resolveIdentity,
    farmNames: () => [...new Set([farmId, hostName, ...(selfName ? [selfName] : [])])],
    operatorTags: options.operatorTags ?? [],
    ...(options.identityCacheMs !== undefined ? { cacheMs: options.identityCacheMs } : {}),
  });
}
