/**
 * createTailscaleManager: pick one backend from explicit configuration and the environment.
 * Precedence when `backend` is auto: a Headscale URL → Headscale; Tailscale API credentials (TS_API_KEY or
 * an OAuth client) → API v2; otherwise the local tailscaled (an explicit socket or platform detection).
 */
import { AgromeshError } from '../../../protocol/errors.ts';
import type { TailnetBackendKind } from '../../../protocol/device.ts';
import { type Logger, registerSecret, silentLogger } from '../../../kit/log.ts';
import { createLocalApiClient } from '../../../kit/tailscale/localapi.ts';
import { DEFAULT_API_URL, createApiV2Manager } from './api-v2-backend.ts';
import { createHeadscaleManager } from './headscale-backend.ts';
import type { RetryPolicy } from './http.ts';
import { createLocalApiManager } from './localapi-backend.ts';
import type { TailscaleManager } from './manager.ts';

export interface TailnetConfig {
  backend?: 'auto' | TailnetBackendKind;
  /** LocalAPI: unix socket / named pipe path (default: detect). */
  localApiSocket?: string;
  /** LocalAPI over macOS TCP. */
  localApiPort?: number;
  localApiToken?: string;
  /** Tailscale API base URL (default https://api.tailscale.com). */
  apiUrl?: string;
  tailnet?: string;
  apiKey?: string;
  oauthClientId?: string;
  oauthClientSecret?: string;
  oauthScopes?: string[];
  headscaleUrl?: string;
  headscaleApiKey?: string;
  headscaleUser?: string;
  headscaleBaseDomain?: string;
  /** Environment to read TS_API_KEY, TS_OAUTH_CLIENT_ID/SECRET, TS_API_URL, TS_TAILNET, HEADSCALE_URL, HEADSCALE_API_KEY. */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  pollIntervalMs?: number;
}

export interface ResolvedTailnetChoice {
  kind: TailnetBackendKind;
  /** Why this backend, in words (for `--verbose` and errors). */
  reason: string;
}

const val = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** Merge flags with env (flags win). */
function effective(config: TailnetConfig) {
  const env = config.env ?? {};
  return {
    apiUrl: val(config.apiUrl) ?? val(env.TS_API_URL),
    tailnet: val(config.tailnet) ?? val(env.TS_TAILNET),
    apiKey: val(config.apiKey) ?? val(env.TS_API_KEY),
    oauthClientId: val(config.oauthClientId) ?? val(env.TS_OAUTH_CLIENT_ID),
    oauthClientSecret: val(config.oauthClientSecret) ?? val(env.TS_OAUTH_CLIENT_SECRET),
    headscaleUrl: val(config.headscaleUrl) ?? val(env.HEADSCALE_URL),
    headscaleApiKey: val(config.headscaleApiKey) ?? val(env.HEADSCALE_API_KEY),
  };
}

export function chooseTailnetBackend(config: TailnetConfig): ResolvedTailnetChoice {
  const e = effective(config);
  const explicit = config.backend && config.backend !== 'auto' ? config.backend : undefined;
  if (explicit) return { kind: explicit, reason: `backend "${explicit}" was asked for` };
  if (e.headscaleUrl) return { kind: 'headscale', reason: `a Headscale URL was given (${e.headscaleUrl})` };
  if (e.apiKey) return { kind: 'api-v2', reason: 'TS_API_KEY is set' };
  if (e.oauthClientId || e.oauthClientSecret)
    return { kind: 'api-v2', reason: 'an OAuth client (TS_OAUTH_CLIENT_ID) is set' };
  if (e.apiUrl) {
    throw new AgromeshError(
      'VALIDATION',
      `--api-url ${e.apiUrl} was given but no credentials: set TS_API_KEY, or TS_OAUTH_CLIENT_ID and TS_OAUTH_CLIENT_SECRET.`,
    );
  }
  return {
    kind: 'localapi',
    reason: config.localApiSocket
      ? `the LocalAPI socket ${config.localApiSocket} was given`
      : 'no API credentials: using the local tailscaled',
  };
}

export function createTailscaleManager(config: TailnetConfig = {}): TailscaleManager {
  const log = config.logger ?? silentLogger;
  const e = effective(config);
  for (const secret of [e.apiKey, e.oauthClientSecret, e.headscaleApiKey, config.localApiToken])
    if (secret) registerSecret(secret);
  const choice = chooseTailnetBackend(config);
  log.debug('tailnet backend chosen', { kind: choice.kind, reason: choice.reason });
  const common = {
    logger: log,
    ...(config.now ? { now: config.now } : {}),
    ...(config.sleep ? { sleep: config.sleep } : {}),
    ...(config.retry ? { retry: config.retry } : {}),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
    ...(config.pollIntervalMs ? { pollIntervalMs: config.pollIntervalMs } : {}),
  };
  const localClient = () =>
    createLocalApiClient({
      ...(config.localApiSocket ? { socketPath: config.localApiSocket } : {}),
      ...(config.localApiPort !== undefined ? { port: config.localApiPort } : {}),
      ...(config.localApiToken ? { token: config.localApiToken } : {}),
      ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
      logger: log.child('localapi'),
    });
  // An explicitly given LocalAPI also serves who-is for the API backends.
  const explicitLocal = config.localApiSocket !== undefined || config.localApiPort !== undefined;

  switch (choice.kind) {
    case 'localapi':
      return createLocalApiManager({
        client: localClient(),
        logger: log,
        ...(config.localApiSocket ? { target: config.localApiSocket } : {}),
        ...(config.pollIntervalMs ? { pollIntervalMs: config.pollIntervalMs } : {}),
      });
    case 'api-v2': {
      if (!e.apiKey && !(e.oauthClientId && e.oauthClientSecret)) {
        throw new AgromeshError(
          'VALIDATION',
          'The Tailscale API backend needs TS_API_KEY, or both TS_OAUTH_CLIENT_ID and TS_OAUTH_CLIENT_SECRET.',
        );
      }
      return createApiV2Manager({
        ...common,
        apiUrl: e.apiUrl ?? DEFAULT_API_URL,
        ...(e.tailnet ? { tailnet: e.tailnet } : {}),
        ...(e.apiKey
          ? { apiKey: e.apiKey }
          : {
              oauth: {
                clientId: e.oauthClientId!,
                clientSecret: e.oauthClientSecret!,
                ...(config.oauthScopes ? { scopes: config.oauthScopes } : {}),
              },
            }),
        ...(explicitLocal ? { localApi: localClient() } : {}),
      });
    }
    case 'headscale': {
      if (!e.headscaleUrl || !e.headscaleApiKey) {
        throw new AgromeshError(
          'VALIDATION',
          'The Headscale backend needs --headscale-url and an API key (--headscale-api-key or HEADSCALE_API_KEY; create one with "headscale apikeys create").',
        );
      }
      return createHeadscaleManager({
        ...common,
        url: e.headscaleUrl,
        apiKey: e.headscaleApiKey,
        ...(config.headscaleUser ? { user: config.headscaleUser } : {}),
        ...(config.headscaleBaseDomain ? { baseDomain: config.headscaleBaseDomain } : {}),
        ...(explicitLocal ? { localApi: localClient() } : {}),
      });
    }
  }
}
