/**
 * A simulated Headscale REST API (v1, as served by grpc-gateway in 0.29: camelCase, uint64 ids as
 * strings, every field present, errors `{code, message, details}`), describing a SimTailnet. With
 * `legacyTags` nodes carry v0.27's forcedTags/invalidTags/validTags instead of `tags`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeServer, createJsonServer, listen } from '../../kit/http/json.ts';
import { readText, reply, replyFault, splitUrl } from './http-util.ts';
import type { SimKey, SimTailnet } from './model.ts';
import { headscaleNodeJson, headscaleUserJson } from './render.ts';

export interface SimHeadscaleOptions {
  apiKeys: string[];
  legacyTags?: boolean;
}

export interface SimHeadscale {
  readonly url: string;
  dispose(): Promise<void>;
}

// gRPC codes grpc-gateway puts in error bodies.
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;

class GrpcFail extends Error {
  readonly status: number;
  readonly code: number;
  constructor(status: number, code: number, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function startSimHeadscale(
  tailnet: SimTailnet,
  options: SimHeadscaleOptions,
): Promise<SimHeadscale> {
  const legacy = options.legacyTags ?? false;
  const node = (id: string) => {
    const d = tailnet.devices().find((x) => x.headscaleId === id);
    if (!d) throw new GrpcFail(404, NOT_FOUND, 'node not found');
    return d;
  };
  const nodeJson = (id: string) => headscaleNodeJson(tailnet, node(id), { legacy });

  const body = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const text = await readText(req);
    try {
      const v = JSON.parse(text || '{}') as unknown;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
      return v as Record<string, unknown>;
    } catch {
      throw new GrpcFail(400, INVALID_ARGUMENT, 'invalid character in request body');
    }
  };

  const keyJson = (k: SimKey, full: boolean) => {
    const user = k.userId === null ? null : tailnet.user(k.userId);
    const masked = k.key.replace(/^(hskey-auth-[A-Za-z0-9]{12}-).*$/, '$1***');
    return {
      user: user ? headscaleUserJson(user) : null,
      id: k.id,
      key: full ? k.key : masked,
      reusable: k.reusable,
      ephemeral: k.ephemeral,
      used: k.used,
      expiration: k.expires,
      createdAt: k.created,
      aclTags: k.tags,
    };
  };

  const startedAt = new Date().toISOString();
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { path, query } = splitUrl(req);
    const method = req.method ?? 'GET';
    const fault = tailnet.intercept({ server: 'headscale', method, path, headers: { ...req.headers } });
    if (fault) return replyFault(res, fault);
    if (path === '/health') return reply(res, 200, { databaseConnectivity: true });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!bearer || !options.apiKeys.includes(bearer[1]!)) return reply(res, 401, 'Unauthorized');
    let m: RegExpExecArray | null;

    if (path === '/api/v1/node' && method === 'GET') {
      const userName = query.get('user');
      const devices = tailnet
        .devices()
        .filter((d) => !userName || tailnet.user(d.userId)?.loginName.split('@')[0] === userName)
        .sort((a, b) => Number(a.headscaleId) - Number(b.headscaleId));
      return reply(res, 200, { nodes: devices.map((d) => headscaleNodeJson(tailnet, d, { legacy })) });
    }
    if ((m = /^\/api\/v1\/node\/(\d+)$/.exec(path))) {
      if (method === 'GET') return reply(res, 200, { node: nodeJson(m[1]!) });
      if (method === 'DELETE') {
        tailnet.removeDevice(node(m[1]!).stableId);
        return reply(res, 200, {});
      }
    }
    if ((m = /^\/api\/v1\/node\/(\d+)\/tags$/.exec(path)) && method === 'POST') {
      const d = node(m[1]!);
      const { tags } = await body(req);
      if (!Array.isArray(tags) || tags.length === 0) {
        throw new GrpcFail(400, INVALID_ARGUMENT, 'cannot remove all tags from a node; tags are required');
      }
      for (const t of tags) {
        if (typeof t !== 'string' || !/^tag:[a-z0-9-]+$/.test(t)) {
          throw new GrpcFail(
            400,
            INVALID_ARGUMENT,
            `invalid tag "${String(t)}": tags must start with "tag:" and be lowercase without spaces`,
          );
        }
      }
      tailnet.setTags(d.stableId, tags as string[]);
      return reply(res, 200, { node: nodeJson(d.headscaleId) });
    }
    if (path === '/api/v1/apikey' && method === 'GET') {
      // Prefixes only, as Headscale lists them; the sim's keys never expire or get used.
      const apiKeys = options.apiKeys.map((k, i) => ({
        id: String(i + 1),
        prefix: `${k.slice(0, 18)}***`,
        expiration: null,
        createdAt: startedAt,
        lastSeen: null,
      }));
      return reply(res, 200, { apiKeys });
    }
    if (path === '/api/v1/user' && method === 'GET') {
      const name = query.get('name');
      const users = tailnet
        .users()
        .filter((u) => !name || u.loginName.split('@')[0] === name || u.loginName === name);
      return reply(res, 200, { users: users.map(headscaleUserJson) });
    }
    if (path === '/api/v1/preauthkey' && method === 'POST') {
      const b = await body(req);
      const tags = Array.isArray(b.aclTags)
        ? b.aclTags.filter((t): t is string => typeof t === 'string')
        : [];
      const userId = typeof b.user === 'string' && b.user !== '' ? b.user : null;
      if (userId === null && tags.length === 0)
        throw new GrpcFail(400, INVALID_ARGUMENT, 'a pre-auth key needs a user or tags');
      const user = userId === null ? null : tailnet.user(userId);
      if (userId !== null && !user) throw new GrpcFail(404, NOT_FOUND, 'user not found');
      const expiration = typeof b.expiration === 'string' ? Date.parse(b.expiration) : NaN;
      const key = tailnet.createKey({
        prefix: 'hskey-auth',
        reusable: b.reusable === true,
        ephemeral: b.ephemeral === true,
        tags,
        userId: user?.id ?? null,
        ...(Number.isFinite(expiration)
          ? { expirySeconds: Math.max(1, Math.round((expiration - tailnet.now()) / 1000)) }
          : {}),
      });
      return reply(res, 200, { preAuthKey: keyJson(key, true) });
    }
    if (path === '/api/v1/preauthkey' && method === 'GET') {
      const keys = [...tailnet.keys.values()].filter((k) => k.key.startsWith('hskey-'));
      return reply(res, 200, { preAuthKeys: keys.map((k) => keyJson(k, false)) });
    }
    if (path === '/api/v1/preauthkey/expire' && method === 'POST') {
      const { id } = await body(req);
      if (typeof id !== 'string' || !tailnet.revokeKey(id))
        throw new GrpcFail(404, NOT_FOUND, 'pre-auth key not found');
      return reply(res, 200, {});
    }
    if (path === '/api/v1/policy' && method === 'GET') {
      const p = tailnet.policy;
      return reply(res, 200, { policy: p.text, updatedAt: p.updatedAt });
    }
    if (path === '/api/v1/policy' && method === 'PUT') {
      const { policy } = await body(req);
      if (typeof policy !== 'string') throw new GrpcFail(400, INVALID_ARGUMENT, '"policy" must be a string');
      const result = tailnet.setPolicy(policy);
      if (!result.ok)
        throw new GrpcFail(
          400,
          FAILED_PRECONDITION,
          `setting policy: ${result.message}${result.data ? ': ' + result.data.flatMap((f) => f.errors).join('; ') : ''}`,
        );
      const p = tailnet.policy;
      return reply(res, 200, { policy: p.text, updatedAt: p.updatedAt });
    }
    if (path === '/api/v1/policy/check' && method === 'POST') {
      const { policy } = await body(req);
      if (typeof policy !== 'string') throw new GrpcFail(400, INVALID_ARGUMENT, '"policy" must be a string');
      const result = tailnet.checkPolicy(policy);
      if (!result.ok)
        throw new GrpcFail(
          400,
          INVALID_ARGUMENT,
          `${result.message}${result.data ? ': ' + result.data.flatMap((f) => f.errors).join('; ') : ''}`,
        );
      return reply(res, 200, {});
    }
    throw new GrpcFail(404, NOT_FOUND, 'Not Found');
  };

  const server = createJsonServer({ maxHeaderSize: 16 * 1024 }, async (req, res) => {
    try {
      await route(req, res);
    } catch (err) {
      if (err instanceof GrpcFail)
        return reply(res, err.status, { code: err.code, message: err.message, details: [] });
      if (err instanceof Error && /^no simulated device/.test(err.message)) {
        return reply(res, 404, { code: NOT_FOUND, message: 'node not found', details: [] });
      }
      throw err;
    }
  });
  const address = await listen(server, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${address.port}`, dispose: () => closeServer(server) };
}
