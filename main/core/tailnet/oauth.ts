/**
 * OAuth client-credentials tokens for the Tailscale API: fetched from `<base>/api/v2/oauth/token`,
 * cached, and refreshed a few minutes before their one-hour expiry (or at once after a 401).
 * The client secret and every access token are registered for log redaction.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { z } from 'zod';
import { AgromeshError } from '../../../protocol/errors.ts';
import { registerSecret } from '../../../kit/log.ts';
import { controlPlaneMessage, parsePayload } from './http.ts';

const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive().optional(),
  scope: z.string().optional(),
});

export interface OAuthTokenSourceOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  scopes?: string[];
  now?: () => number;
  /** Refresh this long before expiry. */
  refreshMarginMs?: number;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

export class OAuthTokenSource {
  readonly #o: OAuthTokenSourceOptions;
  readonly #now: () => number;
  readonly #dispatcher: Dispatcher;
  readonly #own: boolean;
  #token: { value: string; expiresAt: number } | undefined;
  #inflight: Promise<string> | undefined;
  /** How many tokens were fetched (tests and diagnostics). */
  fetches = 0;

  constructor(options: OAuthTokenSourceOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#own = options.dispatcher === undefined;
    const t = options.timeoutMs ?? 15_000;
    this.#dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, headersTimeout: t, bodyTimeout: t });
    registerSecret(options.clientSecret);
  }

  /** A valid access token, fetching a new one when none is cached or it is about to expire. */
  async token(): Promise<string> {
    const margin = this.#o.refreshMarginMs ?? 5 * 60_000;
    if (this.#token && this.#now() < this.#token.expiresAt - margin) return this.#token.value;
    this.#inflight ??= this.#fetch().finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }

  invalidate(): void {
    this.#token = undefined;
  }

  async #fetch(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.#o.clientId,
      client_secret: this.#o.clientSecret,
    });
    if (this.#o.scopes && this.#o.scopes.length > 0) form.set('scope', this.#o.scopes.join(' '));
    const url = `${this.#o.baseUrl.replace(/\/+$/, '')}/api/v2/oauth/token`;
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'user-agent': 'agromesh',
        },
        body: form.toString(),
        dispatcher: this.#dispatcher,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new AgromeshError(
        'TAILNET_UNREACHABLE',
        `Could not reach the Tailscale API at ${this.#o.baseUrl} for an OAuth token (${e.code ?? e.name}). Check --api-url and the network.`,
        { cause: err },
      );
    }
    if (status >= 400) {
      const { message } = controlPlaneMessage(text);
      throw new AgromeshError(
        status >= 500 ? 'TAILNET_UNREACHABLE' : 'TAILNET_AUTH',
        `The Tailscale API refused the OAuth client "${this.#o.clientId}" (${message}). Check TS_OAUTH_CLIENT_ID and TS_OAUTH_CLIENT_SECRET, and that the client is not revoked.`,
      );
    }
    const parsed = parsePayload(TokenResponse, text, 'OAuth token response');
    registerSecret(parsed.access_token);
    this.fetches += 1;
    this.#token = { value: parsed.access_token, expiresAt: this.#now() + (parsed.expires_in ?? 3600) * 1000 };
    return parsed.access_token;
  }

  async dispose(): Promise<void> {
    if (this.#own) await this.#dispatcher.close();
  }
}
