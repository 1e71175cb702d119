/**
 * A simulated Tailscale control API v2 over HTTP (127.0.0.1), describing a SimTailnet: devices, tags,
 * authorization, auth keys, the policy file (HuJSON/JSON, ETag/If-Match, validate), posture attributes,
 * API-key auth (Bearer or Basic) and OAuth client credentials with one-hour tokens and scopes.
 * Routes: api-v2-tailnet-routes.ts, api-v2-device-routes.ts; callers: api-v2-auth.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeServer, createJsonServer, listen } from '../../kit/http/json.ts';
import { type SimOAuthClient, createApiV2Auth } from './api-v2-auth.ts';
import { deviceRoute } from './api-v2-device-routes.ts';
import { HttpFail, fail } from './api-v2-http.ts';
import { tailnetRoute } from './api-v2-tailnet-routes.ts';
import { reply, replyFault, splitUrl } from './http-util.ts';
import type { SimTailnet } from './model.ts';

export type { SimOAuthClient } from './api-v2-auth.ts';

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

export async function startSimApiV2(tailnet: SimTailnet, options: SimApiV2Options): Promise<SimApiV2> {
  const auth = createApiV2Auth(tailnet, options);
  const postureTypes = new Map<string, string>();

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { path } = splitUrl(req);
    const method = req.method ?? 'GET';
    const fault = tailnet.intercept({ server: 'api', method, path, headers: { ...req.headers } });
    if (fault) return replyFault(res, fault);
    if (path === '/api/v2/oauth/token' && method === 'POST') return auth.tokenEndpoint(req, res);
    const caller = auth.authenticate(req);
    let m: RegExpExecArray | null;
    if ((m = /^\/api\/v2\/tailnet\/([^/]+)\/(.+)$/.exec(path))) {
      return tailnetRoute(tailnet, auth, caller, req, res, decodeURIComponent(m[1]!), m[2]!);
    }
    if ((m = /^\/api\/v2\/device\/([^/]+)(?:\/(.*))?$/.exec(path))) {
      const id = decodeURIComponent(m[1]!);
      return deviceRoute(tailnet, auth, caller, req, res, id, m[2] ?? '', postureTypes);
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
    issuedTokens: auth.issuedTokens,
    dispose: () => closeServer(server),
  };
}
