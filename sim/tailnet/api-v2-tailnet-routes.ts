/** /api/v2/tailnet/{tailnet}/…: the device list, auth keys, and the policy file (HuJSON/JSON, ETag/If-Match, validate). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseHujson } from '../../kit/tailscale/hujson.ts';
import { type ApiV2Auth, type Caller, checkTagsPermitted } from './api-v2-auth.ts';
import { HttpFail, fail, jsonBody } from './api-v2-http.ts';
import { readText, reply, splitUrl } from './http-util.ts';
import type { SimTailnet } from './model.ts';
import { checkPolicy } from './policy.ts';
import { apiDeviceJson } from './render.ts';

function keyJson(tailnet: SimTailnet, k: ReturnType<SimTailnet['createKey']>, withSecret: boolean) {
  const expired = Date.parse(k.expires) <= tailnet.now();
  return {
    id: k.id,
    ...(withSecret ? { key: k.key } : {}),
    keyType: 'auth',
    created: k.created,
    expires: k.expires,
    ...(k.revoked ? { revoked: k.revoked } : {}),
    ...(k.revoked || expired ? { invalid: true } : {}),
    capabilities: {
      devices: {
        create: {
          reusable: k.reusable,
          ephemeral: k.ephemeral,
          preauthorized: k.preauthorized,
          tags: k.tags,
        },
      },
    },
    description: k.description,
  };
}

function policyReply(tailnet: SimTailnet, req: IncomingMessage, res: ServerResponse, status = 200) {
  const p = tailnet.policy;
  const wantsJson = /application\/json/.test(req.headers.accept ?? '');
  const { query } = splitUrl(req);
  if (query.get('details') === '1') {
    return reply(
      res,
      status,
      { acl: Buffer.from(p.text).toString('base64'), warnings: [], errors: null },
      { etag: p.etag },
    );
  }
  if (wantsJson) return reply(res, status, parseHujson(p.text), { etag: p.etag });
  res.writeHead(status, {
    'content-type': 'application/hujson',
    etag: p.etag,
    'content-length': String(Buffer.byteLength(p.text)),
  });
  res.end(p.text);
}

/** `tailnetName` and `rest` from the path; throws 404 for another tailnet or an unknown route. */
export async function tailnetRoute(
  tailnet: SimTailnet,
  auth: ApiV2Auth,
  caller: Caller,
  req: IncomingMessage,
  res: ServerResponse,
  tailnetName: string,
  rest: string,
): Promise<void> {
  const { need } = auth;
  const { query } = splitUrl(req);
  const method = req.method ?? 'GET';
  let m: RegExpExecArray | null;
  if (tailnetName !== '-' && tailnetName !== tailnet.tailnetName)
    throw fail(404, `tailnet "${tailnetName}" not found`);
  if (rest === 'devices' && method === 'GET') {
    need(caller, 'devices:core:read');
    const all = query.get('fields') === 'all';
    return reply(res, 200, {
      devices: tailnet.devices().map((d) => apiDeviceJson(tailnet, d, { all, single: false })),
    });
  }
  if (rest === 'keys' && method === 'GET') {
    need(caller, 'auth_keys:read');
    return reply(res, 200, {
      keys: [...tailnet.keys.values()].filter((k) => k.id.endsWith('CNTRL')).map((k) => ({ id: k.id })),
    });
  }
  if (rest === 'keys' && method === 'POST') {
    need(caller, 'auth_keys');
    const body = await jsonBody(req);
    const caps = body.capabilities as { devices?: { create?: Record<string, unknown> } } | undefined;
    if (!caps || typeof caps !== 'object' || caps.devices === undefined)
      throw fail(400, 'capabilities.devices is required');
    const create = caps.devices.create ?? {};
    const tags = checkTagsPermitted(tailnet, create.tags ?? [], caller);
    if (caller.oauth && tags.length === 0)
      throw fail(400, 'keys created with an OAuth client must have tags');
    const description = typeof body.description === 'string' ? body.description : '';
    if (description.length > 50) throw fail(400, 'description must be at most 50 characters');
    const expirySeconds = body.expirySeconds === undefined ? undefined : Number(body.expirySeconds);
    if (expirySeconds !== undefined && (!Number.isInteger(expirySeconds) || expirySeconds <= 0)) {
      throw fail(400, 'expirySeconds must be a positive integer');
    }
    const key = tailnet.createKey({
      reusable: create.reusable === true,
      ephemeral: create.ephemeral === true,
      preauthorized: create.preauthorized === true,
      tags,
      description,
      ...(expirySeconds === undefined ? {} : { expirySeconds }),
    });
    return reply(res, 200, keyJson(tailnet, key, true));
  }
  if ((m = /^keys\/([^/]+)$/.exec(rest))) {
    const key = tailnet.keys.get(decodeURIComponent(m[1]!));
    if (method === 'GET') {
      need(caller, 'auth_keys:read');
      if (!key) throw fail(404, 'key not found');
      return reply(res, 200, keyJson(tailnet, key, false));
    }
    if (method === 'DELETE') {
      need(caller, 'auth_keys');
      if (!key) throw fail(404, 'key not found');
      tailnet.revokeKey(key.id);
      return reply(res, 200, undefined);
    }
  }
  if (rest === 'acl' && method === 'GET') {
    need(caller, 'policy_file:read');
    return policyReply(tailnet, req, res);
  }
  if (rest === 'acl' && method === 'POST') {
    need(caller, 'policy_file');
    const ifMatch = req.headers['if-match'];
    const current = tailnet.policy;
    if (ifMatch !== undefined && ifMatch !== current.etag && ifMatch !== '"ts-default"') {
      throw fail(412, 'precondition failed, invalid old hash');
    }
    const text = await readText(req);
    const result = tailnet.setPolicy(text);
    if (!result.ok)
      throw new HttpFail(400, { message: result.message, ...(result.data ? { data: result.data } : {}) });
    return policyReply(tailnet, req, res);
  }
  if (rest === 'acl/validate' && method === 'POST') {
    need(caller, 'policy_file:read');
    const text = await readText(req);
    let value: unknown;
    try {
      value = parseHujson(text);
    } catch (err) {
      return reply(res, 200, { message: `parsing policy file: ${(err as Error).message}` });
    }
    const candidate = Array.isArray(value)
      ? { ...(parseHujson(tailnet.policy.text) as object), tests: value }
      : value;
    const result = checkPolicy(candidate);
    // 200 even on failure: the outcome is in `message`.
    return reply(
      res,
      200,
      result.ok ? {} : { message: result.message, ...(result.data ? { data: result.data } : {}) },
    );
  }
  throw fail(404, 'not found');
}
