/**
 * TailscaleManager over the Tailscale control API v2 (api.tailscale.com or a compatible base URL):
 * devices (fields=all), tags, auth keys, the policy file with ETag/If-Match and validation, posture
 * attributes. Auth with an API access token (Bearer) or OAuth client credentials (cached one-hour tokens).
 * Live changes by polling (the API has no stream). Who-is needs a LocalAPI and is delegated when given one.
 */
import { AgromeshError } from '../../../protocol/errors.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';
import { registerSecret, silentLogger } from '../../../kit/log.ts';
import { DeviceHub, pollingSource } from './device-hub.ts';
import { ControlHttp, type ControlPlaneOptions, httpTuning, parsePayload } from './http.ts';
import type {
  AuthKey,
  AuthKeyInfo,
  AuthKeyRequest,
  KeyExpiryControl,
  PolicyFile,
  PolicyValidation,
  TailnetAdmin,
  TailnetCapability,
  TailscaleManager,
} from './manager.ts';
import { dedupeById, filterByTag, fromApiDevice, matchDevice } from './normalize.ts';
import { OAuthTokenSource } from './oauth.ts';
import {
  ApiAttributes,
  ApiDevice,
  ApiDeviceList,
  ApiKeyCreated,
  ApiKeyInfo,
  ApiKeyList,
  ApiValidateAnswer,
} from './schemas.ts';
import { unsupported } from './unsupported.ts';
import { checkPostureKey, checkPostureValue, checkTags } from './validate-input.ts';

export const DEFAULT_API_URL = 'https://api.tailscale.com';

export interface ApiV2ManagerOptions extends ControlPlaneOptions {
  /** Base URL without /api/v2 (a trailing /api/v2 is accepted). */
  apiUrl?: string;
  /** Tailnet (organization) name; `-` = the credentials' default tailnet. */
  tailnet?: string;
  apiKey?: string;
  oauth?: { clientId: string; clientSecret: string; scopes?: string[] };
}

export function normalizeApiUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
}

export type ApiV2Manager = TailscaleManager & TailnetAdmin & KeyExpiryControl;

export function createApiV2Manager(options: ApiV2ManagerOptions): ApiV2Manager {
  const log = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const base = normalizeApiUrl(options.apiUrl ?? DEFAULT_API_URL);
  const tailnet = encodeURIComponent(options.tailnet ?? '-');
  if (!options.apiKey && !options.oauth) {
    throw new AgromeshError(
      'VALIDATION',
      'The Tailscale API backend needs TS_API_KEY, or TS_OAUTH_CLIENT_ID and TS_OAUTH_CLIENT_SECRET.',
    );
  }
  if (options.apiKey) registerSecret(options.apiKey);
  const oauth = options.oauth
    ? new OAuthTokenSource({
        baseUrl: base,
        ...options.oauth,
        now,
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      })
    : undefined;
  const http = new ControlHttp({
    baseUrl: base,
    label: 'the Tailscale API',
    authorization: async () => `Bearer ${oauth ? await oauth.token() : options.apiKey}`,
    onUnauthorized: () => {
      if (!oauth) return false;
      oauth.invalidate(); // a revoked or expired token: fetch a new one once
      return true;
    },
    authHint: oauth
      ? 'Check TS_OAUTH_CLIENT_ID / TS_OAUTH_CLIENT_SECRET (the OAuth client may be revoked).'
      : 'Check TS_API_KEY: API access tokens expire after 1–90 days; create a new one in the admin console (Settings → Keys).',
    logger: log,
    ...httpTuning(options),
  });

  const list = async (): Promise<TailnetDevice[]> => {
    const body = await http.json(ApiDeviceList, 'GET', `/api/v2/tailnet/${tailnet}/devices?fields=all`, {
      what: 'list devices',
      scope: 'devices:core:read',
      idempotent: true,
    });
    const t = now();
    const { devices, duplicates } = dedupeById(body.devices.map((d) => fromApiDevice(d, t)));
    if (duplicates.length > 0) log.warn('the Tailscale API listed devices twice', { duplicates });
    return devices;
  };
  const hub = new DeviceHub(pollingSource(list, options.pollIntervalMs ?? 60_000, log), log);

  const caps = new Set<TailnetCapability>([
    'listDevices',
    'setTags',
    'createAuthKey',
    'policy',
    'posture',
    'watch',
  ]);
  if (options.localApi) caps.add('whois');
  const deviceId = (id: string) => encodeURIComponent(id);

  const validatePolicy = async (text: string): Promise<PolicyValidation> => {
    // Answers 200 even when the policy is bad: the verdict is in `message`.
    const body = await http.json(ApiValidateAnswer, 'POST', `/api/v2/tailnet/${tailnet}/acl/validate`, {
      what: 'validate the policy file',
      scope: 'policy_file:read',
      body: text,
      contentType: 'application/hujson',
      idempotent: true,
    });
    const errors = (body.data ?? []).flatMap((d) => d.errors.map((e) => (d.user ? `${d.user}: ${e}` : e)));
    const message = body.message && body.message !== '' ? body.message : null;
    return { ok: message === null && errors.length === 0, message, errors };
  };

  return {
    kind: 'api-v2',
    capabilities: caps,
    target: `${base} (tailnet ${decodeURIComponent(tailnet)})`,
    listDevices: async (filter) => filterByTag(await list(), filter?.tag),
    findDevice: async (name) => matchDevice(await list(), name),
    setTags: async (id, tags) => {
      checkTags(tags);
      await http.call('POST', `/api/v2/device/${deviceId(id)}/tags`, {
        what: `set the tags of device ${id}`,
        scope: 'devices:core',
        body: { tags },
        idempotent: true,
      });
    },
    createAuthKey: async (req: AuthKeyRequest): Promise<AuthKey> => {
      checkTags(req.tags);
      if (req.description !== undefined && req.description.length > 50) {
        throw new AgromeshError('VALIDATION', 'An auth key description can be at most 50 characters.');
      }
      const body = {
        capabilities: {
          devices: {
            create: {
              reusable: req.reusable ?? false,
              ephemeral: req.ephemeral ?? false,
              preauthorized: req.preauthorized ?? true,
              tags: req.tags,
            },
          },
        },
        ...(req.expirySeconds === undefined ? {} : { expirySeconds: req.expirySeconds }),
        ...(req.description === undefined ? {} : { description: req.description }),
      };
      // Not idempotent: a retried 5xx could mint two keys (429 is still retried: nothing was created).
      const res = await http.call('POST', `/api/v2/tailnet/${tailnet}/keys`, {
        what: 'create an auth key',
        scope: 'auth_keys',
        body,
      });
      const key = parsePayload(ApiKeyCreated, res.text, 'auth key answer');
      registerSecret(key.key);
      return {
        id: key.id,
        key: key.key,
        expires: key.expires ?? null,
        tags: key.capabilities?.devices?.create?.tags ?? req.tags,
      };
    },
    whois: async (address) => {
      if (!options.localApi) throw unsupported('api-v2', 'whois');
      return options.localApi.whois(address);
    },
    self: async () => {
      if (!options.localApi) return null;
      const ips = await options.localApi.selfAddresses();
      return ips[0] === undefined ? null : options.localApi.whois(ips[0]);
    },
    getPolicy: async (): Promise<PolicyFile> => {
      const res = await http.call('GET', `/api/v2/tailnet/${tailnet}/acl`, {
        what: 'read the policy file',
        scope: 'policy_file:read',
        accept: 'application/hujson',
        idempotent: true,
      });
      const etag = res.headers.etag;
      return { text: res.text, etag: typeof etag === 'string' ? etag : null };
    },
    validatePolicy,
    setPolicy: async (text, ifMatch) => {
      const res = await http.call('POST', `/api/v2/tailnet/${tailnet}/acl`, {
        what: 'update the policy file',
        scope: 'policy_file',
        body: text,
        contentType: 'application/hujson',
        accept: 'application/hujson',
        headers: ifMatch ? { 'if-match': ifMatch } : {},
        idempotent: true,
      });
      const etag = res.headers.etag;
      return { text: res.text, etag: typeof etag === 'string' ? etag : null };
    },
    getPosture: async (id) => {
      const body = await http.json(ApiAttributes, 'GET', `/api/v2/device/${deviceId(id)}/attributes`, {
        what: `read the posture attributes of device ${id}`,
        scope: 'devices:posture_attributes:read',
        idempotent: true,
      });
      return body.attributes;
    },
    setPosture: async (id, key, value) => {
      checkPostureKey(key);
      checkPostureValue(value);
      await http.call('POST', `/api/v2/device/${deviceId(id)}/attributes/${encodeURIComponent(key)}`, {
        what: `set posture attribute ${key} on device ${id}`,
        scope: 'devices:posture_attributes',
        body: { value },
        idempotent: true,
      });
    },
    deletePosture: async (id, key) => {
      checkPostureKey(key);
      await http.call('DELETE', `/api/v2/device/${deviceId(id)}/attributes/${encodeURIComponent(key)}`, {
        what: `delete posture attribute ${key} of device ${id}`,
        scope: 'devices:posture_attributes',
        idempotent: true,
      });
    },
    watch: (listener) => hub.subscribe(listener),
    getDevice: async (id) => {
      const d = await http.json(ApiDevice, 'GET', `/api/v2/device/${deviceId(id)}?fields=all`, {
        what: `read device ${id}`,
        scope: 'devices:core:read',
        idempotent: true,
      });
      return fromApiDevice(d, now());
    },
    authorizeDevice: async (id, authorized) => {
      await http.call('POST', `/api/v2/device/${deviceId(id)}/authorized`, {
        what: `${authorized ? 'approve' : 'unapprove'} device ${id}`,
        scope: 'devices:core',
        body: { authorized },
        idempotent: true,
      });
    },
    setKeyExpiryDisabled: async (id, disabled) => {
      await http.call('POST', `/api/v2/device/${deviceId(id)}/key`, {
        what: `${disabled ? 'disable' : 'enable'} key expiry of device ${id}`,
        scope: 'devices:core',
        body: { keyExpiryDisabled: disabled },
        idempotent: true,
      });
    },
    listAuthKeys: async (): Promise<AuthKeyInfo[]> => {
      // The list holds ids only; each key's metadata (never its secret) is a second call.
      const list = await http.json(ApiKeyList, 'GET', `/api/v2/tailnet/${tailnet}/keys`, {
        what: 'list auth keys',
        scope: 'auth_keys:read',
        idempotent: true,
      });
      return Promise.all(
        list.keys.map(async ({ id }) => {
          const k = await http.json(
            ApiKeyInfo,
            'GET',
            `/api/v2/tailnet/${tailnet}/keys/${encodeURIComponent(id)}`,
            {
              what: `read auth key ${id}`,
              scope: 'auth_keys:read',
              idempotent: true,
            },
          );
          return {
            id: k.id,
            description: k.description || null,
            expires: k.expires ?? null,
            invalid: k.invalid === true || (k.revoked ?? '') !== '',
            tags: k.capabilities?.devices?.create?.tags ?? [],
          };
        }),
      );
    },
    revokeAuthKey: async (id) => {
      await http.call('DELETE', `/api/v2/tailnet/${tailnet}/keys/${encodeURIComponent(id)}`, {
        what: `revoke auth key ${id}`,
        scope: 'auth_keys',
        idempotent: true,
      });
    },
    dispose: async () => {
      hub.close();
      await http.dispose();
      await oauth?.dispose();
      await options.localApi?.dispose();
    },
  };
}
