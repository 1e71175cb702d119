/**
 * TailscaleManager over a Headscale server's REST API (/api/v1, Bearer API key): nodes (0.28+ `tags` or
 * 0.27 `forcedTags`/`validTags`), set tags, pre-auth keys, policy get/set/check. Live changes by polling.
 * Headscale has no posture attributes; who-is needs a LocalAPI and is delegated when given one.
 */
import { AgromeshError } from '../../../protocol/errors.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';
import { registerSecret, silentLogger } from '../../../kit/log.ts';
import { DeviceHub, pollingSource } from './device-hub.ts';
import { ControlHttp, type ControlPlaneOptions, httpTuning } from './http.ts';
import type {
  AuthKey,
  AuthKeyInfo,
  PolicyFile,
  PolicyValidation,
  TailnetCapability,
  TailscaleManager,
} from './manager.ts';
import { dedupeById, filterByTag, fromHeadscaleNode, matchDevice } from './normalize.ts';
import {
  HeadscaleNodeList,
  HeadscaleNodeOne,
  HeadscalePolicy,
  HeadscalePreAuthKey,
  HeadscalePreAuthKeys,
  HeadscaleUsers,
} from './schemas.ts';
import { unsupported } from './unsupported.ts';
import { checkTags } from './validate-input.ts';

export interface HeadscaleManagerOptions extends ControlPlaneOptions {
  url: string;
  apiKey: string;
  /** User (name) that owns untagged pre-auth keys. */
  user?: string;
  /** MagicDNS base domain (Headscale's dns.base_domain) to build DNS names; empty names otherwise. */
  baseDomain?: string;
}

export type HeadscaleManager = TailscaleManager & {
  listAuthKeys(): Promise<AuthKeyInfo[]>;
  revokeAuthKey(id: string): Promise<void>;
};

export function createHeadscaleManager(options: HeadscaleManagerOptions): HeadscaleManager {
  const log = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const base = options.url.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  registerSecret(options.apiKey);
  const http = new ControlHttp({
    baseUrl: base,
    label: 'Headscale',
    authorization: async () => `Bearer ${options.apiKey}`,
    authHint:
      'Check the Headscale API key (--headscale-api-key or HEADSCALE_API_KEY; create one with "headscale apikeys create").',
    logger: log,
    ...httpTuning(options),
  });
  const list = async (): Promise<TailnetDevice[]> => {
    const body = await http.json(HeadscaleNodeList, 'GET', '/api/v1/node', {
      what: 'list nodes',
      idempotent: true,
    });
    const opts = options.baseDomain ? { baseDomain: options.baseDomain } : {};
    const { devices, duplicates } = dedupeById(body.nodes.map((n) => fromHeadscaleNode(n, opts)));
    if (duplicates.length > 0) log.warn('Headscale listed nodes twice', { duplicates });
    return devices;
  };
  const hub = new DeviceHub(pollingSource(list, options.pollIntervalMs ?? 30_000, log), log);
  const caps = new Set<TailnetCapability>(['listDevices', 'setTags', 'createAuthKey', 'policy', 'watch']);
  if (options.localApi) caps.add('whois');

  const userId = async (name: string): Promise<string> => {
    const body = await http.json(HeadscaleUsers, 'GET', `/api/v1/user?name=${encodeURIComponent(name)}`, {
      what: `find user ${name}`,
      idempotent: true,
    });
    const u = body.users.find((x) => x.name === name || x.email === name) ?? body.users[0];
    if (!u) throw new AgromeshError('NOT_FOUND', `Headscale has no user "${name}".`);
    return u.id;
  };

  const getPolicy = async (): Promise<PolicyFile> => {
    const body = await http.json(HeadscalePolicy, 'GET', '/api/v1/policy', {
      what: 'read the policy',
      idempotent: true,
    });
    // Headscale has no ETag; updatedAt stands in for it (checked before an update).
    return { text: body.policy, etag: body.updatedAt ?? null };
  };

  return {
    kind: 'headscale',
    capabilities: caps,
    target: base,
    listDevices: async (filter) => filterByTag(await list(), filter?.tag),
    findDevice: async (name) => matchDevice(await list(), name),
    setTags: async (id, tags) => {
      checkTags(tags, { lowercase: true });
      if (tags.length === 0) {
        throw new AgromeshError(
          'TAILNET_REJECTED',
          'Headscale cannot remove every tag from a node (a tagged node stays tagged).',
        );
      }
      await http.json(HeadscaleNodeOne, 'POST', `/api/v1/node/${encodeURIComponent(id)}/tags`, {
        what: `set the tags of node ${id}`,
        body: { tags },
        idempotent: true,
      });
    },
    createAuthKey: async (req): Promise<AuthKey> => {
      checkTags(req.tags, { lowercase: true });
      if (req.tags.length === 0 && !options.user) {
        throw new AgromeshError(
          'VALIDATION',
          'An untagged Headscale pre-auth key needs a user: pass --headscale-user NAME, or give --tag.',
        );
      }
      const expiration = new Date(now() + (req.expirySeconds ?? 90 * 86_400) * 1000).toISOString();
      const body = {
        ...(options.user ? { user: await userId(options.user) } : {}),
        reusable: req.reusable ?? false,
        ephemeral: req.ephemeral ?? false,
        expiration,
        aclTags: req.tags,
      };
      const res = await http.json(HeadscalePreAuthKey, 'POST', '/api/v1/preauthkey', {
        what: 'create a pre-auth key',
        body,
      });
      registerSecret(res.preAuthKey.key);
      return {
        id: res.preAuthKey.id,
        key: res.preAuthKey.key,
        expires: res.preAuthKey.expiration ?? null,
        tags: res.preAuthKey.aclTags,
      };
    },
    whois: async (address) => {
      if (!options.localApi) throw unsupported('headscale', 'whois');
      return options.localApi.whois(address);
    },
    self: async () => {
      if (!options.localApi) return null;
      const ips = await options.localApi.selfAddresses();
      return ips[0] === undefined ? null : options.localApi.whois(ips[0]);
    },
    getPolicy,
    validatePolicy: async (text): Promise<PolicyValidation> => {
      try {
        await http.call('POST', '/api/v1/policy/check', {
          what: 'check the policy',
          body: { policy: text },
          idempotent: true,
        });
        return { ok: true, message: null, errors: [] };
      } catch (err) {
        if (err instanceof AgromeshError && err.code === 'TAILNET_REJECTED') {
          const message = err.message.replace(/^Headscale rejected the request to check the policy: /, '');
          return { ok: false, message, errors: [message] };
        }
        throw err;
      }
    },
    setPolicy: async (text, ifMatch) => {
      if (ifMatch) {
        const current = await getPolicy();
        if (current.etag !== ifMatch) {
          throw new AgromeshError(
            'PRECONDITION_FAILED',
            'The Headscale policy changed since it was read; read it again and reapply your edit.',
          );
        }
      }
      const body = await http.json(HeadscalePolicy, 'PUT', '/api/v1/policy', {
        what: 'update the policy (needs policy.mode: database in the Headscale config)',
        body: { policy: text },
        idempotent: true,
      });
      return { text: body.policy, etag: body.updatedAt ?? null };
    },
    getPosture: () => Promise.reject(unsupported('headscale', 'posture')),
    setPosture: () => Promise.reject(unsupported('headscale', 'posture')),
    deletePosture: () => Promise.reject(unsupported('headscale', 'posture')),
    watch: (listener) => hub.subscribe(listener),
    listAuthKeys: async () => {
      const body = await http.json(HeadscalePreAuthKeys, 'GET', '/api/v1/preauthkey', {
        what: 'list pre-auth keys',
        idempotent: true,
      });
      const t = now();
      return body.preAuthKeys.map((k) => ({
        id: k.id,
        description: null,
        expires: k.expiration ?? null,
        invalid: k.expiration ? Date.parse(k.expiration) <= t : false,
        tags: k.aclTags,
        ...(k.used === undefined ? {} : { used: k.used }),
      }));
    },
    revokeAuthKey: async (id) => {
      // 0.28+: expire by id (0.27 wanted {user, key}).
      await http.call('POST', '/api/v1/preauthkey/expire', {
        what: `expire pre-auth key ${id}`,
        body: { id },
        idempotent: true,
      });
    },
    dispose: async () => {
      hub.close();
      await http.dispose();
      await options.localApi?.dispose();
    },
  };
}
