/**
 * A simulated Tailscale control API v2 over HTTP (127.0.0.1), describing a SimTailnet: devices, tags,
 * authorization, auth keys, the policy file (HuJSON/JSON, ETag/If-Match, validate), posture attributes,
 * API-key auth (Bearer or Basic) and OAuth client credentials with one-hour tokens and scopes.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeServer, createJsonServer, listen } from '../../kit/http/json.ts';
import { parseHujson } from '../../kit/tailscale/hujson.ts';
import { readText, reply, replyFault, splitUrl } from './http-util.ts';
import type { PostureValue, SimDevice, SimTailnet } from './model.ts';
import { checkPolicy } from './policy.ts';
import { apiDeviceJson } from './render.ts';

export interface SimOAuthClient {
  id: string;
  secret: string;
  scopes: string[];
  /** Tags keys minted by this client must carry (or be owned by). */
  tags: string[];
}

export interface SimApiV2Options {
  apiKeys: string[];
  oauthClients: SimOAuthClient[];
  /** Token lifetime (Tailscale: one hour). */
  tokenTtlSeconds?: number;
}

export interface SimApiV2 {
  readonly url: string;
  /** Access tokens issued so far (tests check refresh). */
  readonly issuedTokens: string[];
  dispose(): Promise<void>;
}

interface Caller {
  scopes: string[];
  oauth?: SimOAuthClient;
}

const TAG = /^tag:[A-Za-z][A-Za-z0-9-]*$/;

function hasScope(scopes: string[], needed: string): boolean {
  if (scopes.includes('all') || scopes.includes(needed)) return true;
  if (needed.endsWith(':read'))
    return scopes.includes('all:read') || scopes.includes(needed.slice(0, -':read'.length));
  return false;
}

class HttpFail extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(
      typeof body === 'object' && body !== null
        ? String((body as { message?: unknown }).message)
        : String(body),
    );
    this.status = status;
    this.body = body;
  }
}
const fail = (status: number, message: string, extra: Record<string, unknown> = {}) =>
  new HttpFail(status, { message, ...extra });

export async function startSimApiV2(tailnet: SimTailnet, options: SimApiV2Options): Promise<SimApiV2> {
  const ttl = options.tokenTtlSeconds ?? 3600;
  const tokens = new Map<string, { expiresAt: number; scopes: string[]; client: SimOAuthClient }>();
  const issuedTokens: string[] = [];
  const postureTypes = new Map<string, string>();

  const authenticate = (req: IncomingMessage): Caller => {
    const auth = req.headers.authorization ?? '';
    let secret = '';
    const bearer = /^Bearer\s+(.+)$/i.exec(auth);
    const basic = /^Basic\s+(.+)$/i.exec(auth);
    if (bearer) secret = bearer[1]!.trim();
    else if (basic) secret = (Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0] ?? '').trim();
    if (secret !== '' && options.apiKeys.includes(secret)) return { scopes: ['all'] };
    const token = tokens.get(secret);
    if (token && token.expiresAt > tailnet.now()) return { scopes: token.scopes, oauth: token.client };
    if (token) throw fail(401, 'API token expired');
    throw fail(401, 'API token invalid');
  };

  const need = (caller: Caller, scope: string) => {
    if (!hasScope(caller.scopes, scope)) {
      throw fail(
        403,
        `calling actor does not have enough permissions to perform this function (needs scope "${scope}")`,
      );
    }
  };

  const deviceById = (id: string): SimDevice => {
    const d = tailnet.devices().find((x) => x.stableId === id || x.legacyId === id);
    if (!d) throw fail(404, 'device not found');
    return d;
  };

  const jsonBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const text = await readText(req);
    try {
      const v = JSON.parse(text || '{}') as unknown;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
      return v as Record<string, unknown>;
    } catch {
      throw fail(400, 'invalid JSON body');
    }
  };

  const checkTagsPermitted = (tags: unknown, caller: Caller): string[] => {
    if (!Array.isArray(tags) || !tags.every((t): t is string => typeof t === 'string'))
      throw fail(400, '"tags" must be an array of strings');
    const bad = tags.filter(
      (t) =>
        !TAG.test(t) ||
        tailnet.undeclaredTags([t]).length > 0 ||
        (caller.oauth !== undefined &&
          caller.oauth.tags.length > 0 &&
          !caller.oauth.tags.includes(t) &&
          !ownedBy(t, caller.oauth.tags)),
    );
    if (bad.length > 0) throw fail(400, `requested tags [${bad.join(' ')}] are invalid or not permitted`);
    return tags;
  };

  const ownedBy = (tag: string, ownerTags: string[]): boolean => {
    try {
      const policy = parseHujson(tailnet.policy.text) as { tagOwners?: Record<string, string[]> };
      return (policy.tagOwners?.[tag] ?? []).some((o) => ownerTags.includes(o));
    } catch {
      return false;
    }
  };

  const tokenEndpoint = async (req: IncomingMessage, res: ServerResponse) => {
    const text = await readText(req);
    const form = new URLSearchParams(text);
    let id = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? '';
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [u = '', p = ''] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      id = decodeURIComponent(u);
      secret = decodeURIComponent(p);
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return reply(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'only client_credentials is supported',
      });
    }
    const client = options.oauthClients.find((c) => c.id === id && c.secret === secret);
    if (!client)
      return reply(res, 401, { error: 'invalid_client', error_description: 'invalid client credentials' });
    const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const scopes = requested.length > 0 ? requested.filter((s) => client.scopes.includes(s)) : client.scopes;
    const token = `tskey-access-${randomBytes(8).toString('hex')}-${randomBytes(16).toString('base64url')}`;
    tokens.set(token, { expiresAt: tailnet.now() + ttl * 1000, scopes, client });
    issuedTokens.push(token);
    return reply(res, 200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: ttl,
      scope: scopes.join(' '),
    });
  };

  const keyJson = (k: ReturnType<SimTailnet['createKey']>, withSecret: boolean) => {
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
  };

  const policyReply = (req: IncomingMessage, res: ServerResponse, status = 200) => {
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
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { path, query } = splitUrl(req);
    const method = req.method ?? 'GET';
    const fault = tailnet.intercept({ server: 'api', method, path, headers: { ...req.headers } });
    if (fault) return replyFault(res, fault);
    if (path === '/api/v2/oauth/token' && method === 'POST') return tokenEndpoint(req, res);
    const caller = authenticate(req);
    let m: RegExpExecArray | null;

    if ((m = /^\/api\/v2\/tailnet\/([^/]+)\/(.+)$/.exec(path))) {
      const t = decodeURIComponent(m[1]!);
      if (t !== '-' && t !== tailnet.tailnetName) throw fail(404, `tailnet "${t}" not found`);
      const rest = m[2]!;
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
        const tags = checkTagsPermitted(create.tags ?? [], caller);
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
        return reply(res, 200, keyJson(key, true));
      }
      if ((m = /^keys\/([^/]+)$/.exec(rest))) {
        const key = tailnet.keys.get(decodeURIComponent(m[1]!));
        if (method === 'GET') {
          need(caller, 'auth_keys:read');
          if (!key) throw fail(404, 'key not found');
          return reply(res, 200, keyJson(key, false));
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
        return policyReply(req, res);
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
        return policyReply(req, res);
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

    if ((m = /^\/api\/v2\/device\/([^/]+)(?:\/(.*))?$/.exec(path))) {
      const d = deviceById(decodeURIComponent(m[1]!));
      const rest = m[2] ?? '';
      if (rest === '' && method === 'GET') {
        need(caller, 'devices:core:read');
        return reply(
          res,
          200,
          apiDeviceJson(tailnet, d, { all: query.get('fields') === 'all', single: true }),
        );
      }
      if (rest === '' && method === 'DELETE') {
        need(caller, 'devices:core');
        tailnet.removeDevice(d.stableId);
        return reply(res, 200, undefined);
      }
      if (rest === 'tags' && method === 'POST') {
        need(caller, 'devices:core');
        const body = await jsonBody(req);
        tailnet.setTags(d.stableId, checkTagsPermitted(body.tags, caller));
        return reply(res, 200, {});
      }
      if (rest === 'key' && method === 'POST') {
        need(caller, 'devices:core');
        const body = await jsonBody(req);
        if (typeof body.keyExpiryDisabled !== 'boolean')
          throw fail(400, '"keyExpiryDisabled" must be a boolean');
        tailnet.setKeyExpiry(d.stableId, { disabled: body.keyExpiryDisabled });
        return reply(res, 200, {});
      }
      if (rest === 'authorized' && method === 'POST') {
        need(caller, 'devices:core');
        const body = await jsonBody(req);
        if (typeof body.authorized !== 'boolean') throw fail(400, '"authorized" must be a boolean');
        tailnet.setAuthorized(d.stableId, body.authorized);
        return reply(res, 200, {});
      }
      if (rest === 'attributes' && method === 'GET') {
        need(caller, 'devices:posture_attributes:read');
        const attributes: Record<string, PostureValue> = {
          ...d.posture,
          'node:os': d.os,
          'node:osVersion': '6.1.0',
          'node:tsReleaseTrack': 'stable',
          'node:tsVersion': d.clientVersion,
          'node:tsAutoUpdate': false,
        };
        return reply(res, 200, { attributes, expiries: {} });
      }
      if ((m = /^attributes\/(.+)$/.exec(rest))) {
        const key = decodeURIComponent(m[1]!);
        need(caller, 'devices:posture_attributes');
        if (!/^custom:[A-Za-z0-9_:]+$/.test(key) || key.length > 50) {
          throw fail(
            400,
            `invalid attribute key "${key}": must be custom:-prefixed, at most 50 characters of [A-Za-z0-9_:]`,
          );
        }
        if (method === 'DELETE') {
          tailnet.deletePosture(d.stableId, key);
          return reply(res, 200, {});
        }
        if (method === 'POST') {
          const body = await jsonBody(req);
          const v = body.value;
          const ok =
            (typeof v === 'string' && /^[A-Za-z0-9_.]{0,50}$/.test(v)) ||
            (typeof v === 'number' && Number.isSafeInteger(v)) ||
            typeof v === 'boolean';
          if (!ok)
            throw fail(
              400,
              'invalid attribute value: strings of at most 50 [A-Za-z0-9_.], safe integers or booleans',
            );
          const type = typeof v;
          const fixed = postureTypes.get(key);
          if (fixed !== undefined && fixed !== type)
            throw fail(400, `attribute "${key}" has type ${fixed}, not ${type}`);
          postureTypes.set(key, type);
          tailnet.setPosture(d.stableId, key, v);
          return reply(res, 200, {});
        }
      }
    }
    throw fail(404, 'not found');
  };

  const server = createJsonServer({ maxHeaderSize: 16 * 1024 }, async (req, res) => {
    try {
      await route(req, res);
    } catch (err) {
      if (err instanceof HttpFail) return reply(res, err.status, err.body);
      throw err;
    }
  });
  const address = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${address.port}`,
    issuedTokens,
    dispose: () => closeServer(server),
  };
}
