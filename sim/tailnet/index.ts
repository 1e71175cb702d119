/**
 * startSimTailnet: one simulated tailnet served three ways at once — a LocalAPI unix socket (as the
 * control-room node's tailscaled), a Tailscale API v2 server and a Headscale server — for the demo and
 * tests. Only `sim/` and the CLI composition root import this; the app core never does.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import { CONTROLROOM_TAG } from '../../protocol/device.ts';
import { type SimApiV2, type SimOAuthClient, startSimApiV2 } from './api-v2-server.ts';
import { type SimHeadscale, startSimHeadscale } from './headscale-server.ts';
import { type SimLocalApi, startSimLocalApi } from './localapi-server.ts';
import { type AddDeviceOptions, type SimDevice, SimTailnet } from './model.ts';

export { SimTailnet } from './model.ts';
export type { AddDeviceOptions, CapMap, SimChange, SimDevice, SimFault, SimKey, SimUser } from './model.ts';
export { simLoopbackFor, simTailnetFor } from './loopback.ts';
export { checkPolicyText } from './policy.ts';
export { startSimLocalApi, supportsPeerChanges } from './localapi-server.ts';
export type { SimLocalApi, SimLocalApiOptions } from './localapi-server.ts';

export interface StartSimTailnetOptions {
  /** Directory for the LocalAPI socket(s). */
  dir: string;
  seed?: number;
  /** Clock for key expiry, OAuth token lifetime and times in payloads (tests inject one). */
  now?: () => number;
  /** The node whose tailscaled the main LocalAPI socket is. Default: `control-room`, an operator's desktop. */
  self?: AddDeviceOptions;
  /** LocalAPI daemon version; below 1.98 watch-ipn-bus has no peer deltas. */
  daemonVersion?: string;
  /** Serve Headscale 0.27-style nodes (forcedTags/validTags). */
  headscaleLegacyTags?: boolean;
  /** OAuth client scopes (default: everything this app uses). */
  oauthScopes?: string[];
  /** OAuth access-token lifetime (default one hour). */
  tokenTtlSeconds?: number;
}

export interface SimTailnetHandle {
  tailnet: SimTailnet;
  self: SimDevice;
  /** Unix socket of `self`'s simulated tailscaled. */
  localApiSocket: string;
  /** That simulated tailscaled (dispose it to simulate a daemon restart; serveLocalApi brings it back). */
  localApi: SimLocalApi;
  /** Base URL of the Tailscale API v2 (pass as --api-url; paths are /api/v2/…). */
  apiUrl: string;
  headscaleUrl: string;
  /** A Tailscale API access token with full rights (`tskey-api-…`). */
  apiKey: string;
  headscaleKey: string;
  oauthClient: SimOAuthClient;
  /** Access tokens the API server issued (tests check refreshes). */
  issuedTokens: readonly string[];
  /** Serve another node's tailscaled on its own socket (e.g. for a simulated gateway). */
  serveLocalApi(self: string, socketPath?: string): Promise<SimLocalApi>;
  dispose(): Promise<void>;
}

export const SIM_OAUTH_SCOPES = [
  'devices:core',
  'auth_keys',
  'policy_file',
  'devices:posture_attributes',
] as const;

export async function startSimTailnet(options: StartSimTailnetOptions): Promise<SimTailnetHandle> {
  mkdirSync(options.dir, { recursive: true });
  const tailnet = new SimTailnet({ seed: options.seed ?? 1, ...(options.now ? { now: options.now } : {}) });
  const self = tailnet.addDevice(
    options.self ?? {
      name: 'control-room',
      os: 'linux',
      user: 'operator@example.com',
      keyExpiryDisabled: false,
      capMap: { [AGROMESH_CAPABILITY]: [{ role: 'operator', farms: ['*'] }, { role: 'support' }] },
    },
  );
  const apiKey = `tskey-api-ksim${randomBytes(4).toString('hex')}CNTRL-${randomBytes(16).toString('hex')}`;
  const headscaleKey = `hs-sim-${randomBytes(16).toString('hex')}`;
  const oauthClient: SimOAuthClient = {
    id: `ksimclient${randomBytes(3).toString('hex')}CNTRL`,
    secret: `tskey-client-ksim${randomBytes(3).toString('hex')}CNTRL-${randomBytes(16).toString('hex')}`,
    scopes: options.oauthScopes ?? [...SIM_OAUTH_SCOPES],
    tags: [CONTROLROOM_TAG],
  };
  const locals: SimLocalApi[] = [];
  let api: SimApiV2 | undefined;
  let headscale: SimHeadscale | undefined;
  const serveLocalApi = async (selfRef: string, socketPath?: string) => {
    const d = tailnet.device(selfRef);
    if (!d) throw new Error(`no simulated device "${selfRef}"`);
    const local = await startSimLocalApi(tailnet, {
      self: d.stableId,
      socketPath: socketPath ?? join(options.dir, `${d.name}.tailscaled.sock`),
      ...(options.daemonVersion ? { version: options.daemonVersion } : {}),
    });
    locals.push(local);
    return local;
  };
  const dispose = async () => {
    await Promise.allSettled([...locals.map((l) => l.dispose()), api?.dispose(), headscale?.dispose()]);
  };
  try {
    const main = await serveLocalApi(self.stableId, join(options.dir, 'tailscaled.sock'));
    api = await startSimApiV2(tailnet, {
      apiKeys: [apiKey],
      oauthClients: [oauthClient],
      ...(options.tokenTtlSeconds ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}),
    });
    headscale = await startSimHeadscale(tailnet, {
      apiKeys: [headscaleKey],
      ...(options.headscaleLegacyTags ? { legacyTags: true } : {}),
    });
    return {
      tailnet,
      self,
      localApiSocket: main.socketPath,
      localApi: main,
      apiUrl: api.url,
      headscaleUrl: headscale.url,
      apiKey,
      headscaleKey,
      oauthClient,
      issuedTokens: api.issuedTokens,
      serveLocalApi,
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
