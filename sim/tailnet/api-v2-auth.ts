/**
 * Who calls the simulated API v2: an API key (Bearer or Basic), or an access token from the OAuth
 * client-credentials endpoint (one hour, with the client's scopes); and what the caller may do.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseHujson } from '../../kit/tailscale/hujson.ts';
import { fail } from './api-v2-http.ts';
import { readText, reply } from './http-util.ts';
import type { SimTailnet } from './model.ts';

export interface SimOAuthClient {
  id: string;
  secret: string;
  scopes: string[];
  /** Tags keys minted by this client must carry (or be owned by). */
  tags: string[];
}

export interface Caller {
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

export interface ApiV2Auth {
  authenticate: (req: IncomingMessage) => Caller;
  /** Throws 403 unless the caller has the scope. */
  need: (caller: Caller, scope: string) => void;
  /** POST /api/v2/oauth/token. */
  tokenEndpoint: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Access tokens issued so far. */
  issuedTokens: string[];
}

export function createApiV2Auth(
  tailnet: SimTailnet,
  options: { apiKeys: string[]; oauthClients: SimOAuthClient[]; tokenTtlSeconds?: number | undefined },
): ApiV2Auth {
  const ttl = options.tokenTtlSeconds ?? 3600;
  const tokens = new Map<string, { expiresAt: number; scopes: string[]; client: SimOAuthClient }>();
  const issuedTokens: string[] = [];

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

  return { authenticate, need, tokenEndpoint, issuedTokens };
}

/** The tags as given when each is well-formed, declared, and (for an OAuth client with tags) its own or owned by it. */
export function checkTagsPermitted(tailnet: SimTailnet, tags: unknown, caller: Caller): string[] {
  if (!Array.isArray(tags) || !tags.every((t): t is string => typeof t === 'string'))
    throw fail(400, '"tags" must be an array of strings');
  const bad = tags.filter(
    (t) =>
      !TAG.test(t) ||
      tailnet.undeclaredTags([t]).length > 0 ||
      (caller.oauth !== undefined &&
        caller.oauth.tags.length > 0 &&
        !caller.oauth.tags.includes(t) &&
        !ownedBy(tailnet, t, caller.oauth.tags)),
  );
  if (bad.length > 0) throw fail(400, `requested tags [${bad.join(' ')}] are invalid or not permitted`);
  return tags;
}

function ownedBy(tailnet: SimTailnet, tag: string, ownerTags: string[]): boolean {
  try {
    const policy = parseHujson(tailnet.policy.text) as { tagOwners?: Record<string, string[]> };
    return (policy.tagOwners?.[tag] ?? []).some((o) => ownerTags.includes(o));
  } catch {
    return false;
  }
}
