/**
 * Who is calling the registry, and what they may do. Identity comes only from the tailnet (who-is on the
 * connection's remote address); headers and bodies a client sends are never consulted.
 */
import type { IncomingMessage } from 'node:http';
import { AgromeshError } from '../protocol/errors.ts';
import { FARM_TAG } from '../protocol/device.ts';
import {
  AGROMESH_CAPABILITY,
  permissionsOf,
  type CallerIdentity,
  type RolePolicy,
} from '../protocol/identity.ts';
import { normalizeRemoteAddress } from '../protocol/tailnet-address.ts';
import type { Writer } from './store.ts';

export type IdentityResolver = (address: string) => Promise<CallerIdentity | null>;

export const INSECURE_USER = 'insecure-no-auth';

/** The caller of an `--insecure-no-auth` registry (loopback only): a local support user. */
function insecureIdentity(address: string): CallerIdentity {
  return {
    address,
    nodeId: 'local',
    nodeName: 'localhost',
    user: INSECURE_USER,
    userDisplayName: 'Local caller (no tailnet identity)',
    tags: [],
    capabilities: { [AGROMESH_CAPABILITY]: [{ role: 'support' }] },
  };
}

export async function identify(
  req: IncomingMessage,
  resolve: IdentityResolver,
  insecureNoAuth: boolean,
): Promise<CallerIdentity> {
  const remote = normalizeRemoteAddress(req.socket.remoteAddress ?? '');
  if (insecureNoAuth) return insecureIdentity(remote);
  let identity: CallerIdentity | null;
  try {
    identity = await resolve(remote);
  } catch (err) {
    if (err instanceof AgromeshError) throw err;
    throw new AgromeshError('LOCALAPI_UNAVAILABLE', 'The registry could not ask tailscaled who is calling.', {
      cause: err,
    });
  }
  if (!identity)
    throw new AgromeshError('UNAUTHENTICATED', `The tailnet does not know the caller at ${remote}.`);
  return identity;
}

export function isFarmNode(identity: Pick<CallerIdentity, 'tags'>): boolean {
  return identity.tags.includes(FARM_TAG);
}

export function writerOf(identity: CallerIdentity): Writer {
  const label =
    identity.user === 'tagged-devices' || identity.user === '' ? identity.nodeName : identity.user;
  return { label: label || identity.address, nodeName: identity.nodeName, tags: identity.tags };
}

/**
 * May `identity` edit the record at `target`? A farm node only its own address's record (whatever roles its
 * tags carry); a person needs the support or operator role.
 */
export function assertMayEdit(
  identity: CallerIdentity,
  ownAddress: string | null,
  target: string,
  policy: RolePolicy,
): void {
  if (isFarmNode(identity)) {
    if (ownAddress !== target) {
      throw new AgromeshError(
        'FORBIDDEN',
        `A farm node may change only its own record (${ownAddress ?? 'unknown address'}), not ${target}.`,
      );
    }
    return;
  }
  if (!permissionsOf(identity, policy).canEditFarmMetadata) {
    throw new AgromeshError(
      'FORBIDDEN',
      'Changing farm names, locations or notes needs the support or operator role.',
    );
  }
}
