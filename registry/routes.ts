/**
 * The registry's HTTP routes. Order of checks on every request: path and query → tailnet identity (401) →
 * permission (403) → body (413/415/400/422) → state (404/409). A refused request writes nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  FarmListQuery,
  FarmMetadataUpdate,
  Heartbeat,
  type RegistryHealth,
} from '../protocol/discovery-api.ts';
import { AgromeshError } from '../protocol/errors.ts';
import type { RolePolicy } from '../protocol/identity.ts';
import { parseInput, readJsonBody, sendJson } from '../kit/http/json.ts';
import type { Logger } from '../kit/log.ts';
import { canonicalTailnetAddress } from '../protocol/tailnet-address.ts';
import { mayScrapeMetrics, permissionsOf } from '../protocol/identity.ts';
import { METRICS_PATH, sendMetrics } from '../kit/metrics.ts';
import type { RegistryMetrics } from './metrics.ts';
import { listBodyCache, sendListBody } from './list-body.ts';
import { assertMayEdit, identify, isFarmNode, writerOf, type IdentityResolver } from './auth.ts';
import type { RegistryStore } from './store.ts';
import { PACKAGES_PATH, type PackageShelf } from './packages.ts';

export const RegistryLimits = {
  bodyBytes: 32 * 1024,
  headerBytes: 16 * 1024,
  urlChars: 2048,
} as const;

export interface RouteContext {
  store: RegistryStore;
  resolveIdentity: IdentityResolver;
  insecureNoAuth: boolean;
  rolePolicy: RolePolicy;
  offlineAfterMs: number;
  startedAt: number;
  version: string;
  now: () => number;
  logger: Logger;
  metrics: RegistryMetrics;
  /** Gateway packages for newly joined farms (absent: this registry serves none). */
  packages?: PackageShelf | undefined;
}

function methodNotAllowed(method: string, allowed: string): AgromeshError {
  return new AgromeshError('METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${allowed}.`, {
    details: { allow: allowed.split(', ') },
  });
}

function queryObject(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(search)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  return out;
}

function pathAddress(segment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new AgromeshError('BAD_REQUEST', 'The address in the path is not valid URL encoding.');
  }
  const address = canonicalTailnetAddress(decoded);
  if (!address) {
    throw new AgromeshError(
      'BAD_REQUEST',
      `"${decoded.slice(0, 64)}" is not a tailnet address (100.64.0.0/10 or fd7a:115c:a1e0::/48).`,
    );
  }
  return address;
}

export function createRegistryHandler(ctx: RouteContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = req.url ?? '/';
    if (raw.length > RegistryLimits.urlChars) throw new AgromeshError('BAD_REQUEST', 'The URL is too long.');
    const q = raw.indexOf('?');
    let path = q === -1 ? raw : raw.slice(0, q);
    const search = q === -1 ? '' : raw.slice(q + 1);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const method = req.method ?? 'GET';

    if (path === '/api/health') {
      if (method !== 'GET') throw methodNotAllowed(method, 'GET');
      const counts = ctx.store.counts();
      const body: RegistryHealth = {
        status: 'ok',
        version: ctx.version,
        uptimeS: Math.max(0, (ctx.now() - ctx.startedAt) / 1000),
        ...counts,
        offlineAfterS: ctx.offlineAfterMs / 1000,
        auth: ctx.insecureNoAuth ? 'insecure-no-auth' : 'whois',
      };
      return sendJson(res, 200, body);
    }

    if (path === METRICS_PATH) {
      if (method !== 'GET') throw methodNotAllowed(method, 'GET');
      const identity = await identify(req, ctx.resolveIdentity, ctx.insecureNoAuth);
      if (!mayScrapeMetrics(identity, ctx.rolePolicy))
        throw new AgromeshError(
          'FORBIDDEN',
          'Metrics are for nodes tagged tag:monitoring and people with the support role.',
        );
      return sendMetrics(res, ctx.metrics);
    }

    if (path === PACKAGES_PATH || path.startsWith(`${PACKAGES_PATH}/`)) {
      if (method !== 'GET') throw methodNotAllowed(method, 'GET');
      const identity = await identify(req, ctx.resolveIdentity, ctx.insecureNoAuth);
      // The farm that has just joined fetches its gateway; support staff may look at what is on offer.
      if (!isFarmNode(identity) && !permissionsOf(identity, ctx.rolePolicy).canOnboard)
        throw new AgromeshError(
          'FORBIDDEN',
          'Gateway packages are for nodes tagged tag:farm and support staff.',
        );
      if (!ctx.packages) throw new AgromeshError('NOT_FOUND', 'This registry serves no gateway packages.');
      if (path === PACKAGES_PATH) return sendJson(res, 200, { packages: ctx.packages.list() });
      const file = path.slice(PACKAGES_PATH.length + 1);
      await ctx.packages.send(res, file);
      ctx.logger.info('gateway package sent', { file, to: identity.nodeName, address: identity.address });
      return;
    }

    if (path === '/api/farms') {
      if (method !== 'GET') throw methodNotAllowed(method, 'GET');
      const filter = parseInput(FarmListQuery, queryObject(search), 'query');
      await identify(req, ctx.resolveIdentity, ctx.insecureNoAuth);
      return sendListBody(req, res, listBodyCache(ctx.store, ctx.now).get(filter));
    }

    if (path.startsWith('/api/farms/') && path.indexOf('/', '/api/farms/'.length) === -1) {
      const address = pathAddress(path.slice('/api/farms/'.length));
      if (method === 'GET') {
        await identify(req, ctx.resolveIdentity, ctx.insecureNoAuth);
        const record = ctx.store.get(address);
        if (!record) throw new AgromeshError('NOT_FOUND', `No farm record for ${address}.`);
        return sendJson(res, 200, record);
      }
      if (method === 'POST') {
        const identity = await identify(req, ctx.resolveIdentity, ctx.insecureNoAuth);
        assertMayEdit(identity, canonicalTailnetAddress(identity.address), address, ctx.rolePolicy);
        const patch = parseInput(
          FarmMetadataUpdate.strict(),
          await readJsonBody(req, RegistryLimits.bodyBytes),
          'farm metadata',
        );
        const record = ctx.store.updateMetadata(address, patch, writerOf(identity));
        listBodyCache(ctx.store, ctx.now).invalidate();
        ctx.logger.info('farm metadata updated', { address, by: record.updatedBy, version: record.version });
        return sendJson(res, 200, record);
      }
      throw methodNotAllowed(method, 'GET, POST');
    }

    if (path === '/api/heartbeat') {
      if (method !== 'POST') throw methodNotAllowed(method, 'POST');
      const identity = await identify(req, ctx.resolveIdentity, ctx.insecureNoAuth);
      let address: string | null;
      if (ctx.insecureNoAuth) {
        // No who-is without auth: the dev-only registry takes the farm's address from the query string.
        address = canonicalTailnetAddress(new URLSearchParams(search).get('address') ?? '');
        if (!address)
          throw new AgromeshError(
            'BAD_REQUEST',
            'Without tailnet auth, a heartbeat needs ?address=<tailnet address>.',
          );
        identity.tags = ['tag:farm'];
        identity.nodeName = address;
      } else {
        if (!isFarmNode(identity)) {
          ctx.metrics.heartbeats.inc({ result: 'refused' });
          throw new AgromeshError('FORBIDDEN', 'Only nodes tagged tag:farm may send heartbeats.');
        }
        address = canonicalTailnetAddress(identity.address);
        if (!address)
          throw new AgromeshError(
            'BAD_REQUEST',
            `The caller's address ${identity.address} is not a tailnet address.`,
          );
      }
      const hb = parseInput(Heartbeat, await readJsonBody(req, RegistryLimits.bodyBytes), 'heartbeat');
      let record;
      try {
        record = ctx.store.heartbeat(address, hb, writerOf(identity));
      } catch (err) {
        ctx.metrics.heartbeats.inc({ result: 'refused' });
        throw err;
      }
      ctx.metrics.heartbeats.inc({ result: 'ok' });
      ctx.logger.debug('heartbeat', { address, farmId: hb.farmId, version: record.version });
      return sendJson(res, 200, record);
    }

    throw new AgromeshError('NOT_FOUND', `No route for ${path.slice(0, 100)}.`);
  };
}
