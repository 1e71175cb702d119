/**
 * The discovery registry: a small HTTP server over a SQLite file. The app embeds it (serving on its own
 * tailnet address) and `agromesh discovery serve` runs it standalone; both call `startRegistry`.
 * It binds only to a tailnet address or loopback, and `insecureNoAuth` only to loopback.
 */
import { closeServer, createJsonServer, listen } from '../kit/http/json.ts';
import { LOOPBACK_NAMES, refusal } from '../kit/http/host-guard.ts';
import { silentLogger, type Logger } from '../kit/log.ts';
import { AgromeshError } from '../protocol/errors.ts';
import type { RolePolicy } from '../protocol/identity.ts';
import { isLoopbackAddress, isTailnetAddress } from '../protocol/tailnet-address.ts';
import { hostPort } from '../protocol/host-port.ts';
import { parseListen } from './address.ts';
import type { IdentityResolver } from './auth.ts';
import { createRegistryHandler, RegistryLimits } from './routes.ts';
import { openRegistryStore } from './store.ts';
import { createRegistryMetrics, registryRouteName } from './metrics.ts';
import { type Registry, observeHttp } from '../kit/metrics.ts';
import { AGROMESH_VERSION } from '../kit/version.ts';
import type { GatewayPackage } from '../protocol/discovery-api.ts';
import { openPackageShelf } from './packages.ts';

export const DEFAULT_OFFLINE_AFTER_MS = 90_000;

export interface RegistryOptions {
  /** `ADDR:PORT` (`[v6]:PORT`) or host and port; port 0 picks a free one. */
  listen: string | { host: string; port: number };
  /** SQLite file (`:memory:` for throwaway registries). */
  dbFile: string;
  /** Who is at this remote address (LocalAPI who-is in production). Called on every request. */
  resolveIdentity: IdentityResolver;
  /** Skip who-is; every caller is a local support user. Refused unless `listen` is loopback. */
  insecureNoAuth?: boolean;
  /** No heartbeat for this long marks a record offline (default 90 s = three missed 30 s heartbeats). */
  offlineAfterMs?: number;
  /** How often to look for records to mark offline (default min(5 s, offlineAfterMs / 3)). */
  sweepIntervalMs?: number;
  rolePolicy?: RolePolicy;
  logger?: Logger;
  now?: () => number;
  version?: string;
  /** Further names clients may use in Host (its MagicDNS name); the listen address is always accepted. */
  hostNames?: string[];
  /** The embedding program adds its own series to the registry's `/metrics` (the control room's). */
  extraMetrics?: ((registry: Registry) => void) | undefined;
  /** Folder of `agromesh-gateway_<version>_<arch>.deb` files to serve to farms that have just joined. */
  packagesDir?: string | undefined;
}

export interface RegistryHandle {
  /** Base URL, e.g. `http://100.64.0.5:8090`. */
  url: string;
  host: string;
  port: number;
  /** Mark overdue records offline now (the timer does this on its own). */
  sweep(): number;
  /** Gateway packages on offer (empty without `packagesDir`). */
  packages(): GatewayPackage[];
  dispose(): Promise<void>;
}

function resolveListen(listenOpt: RegistryOptions['listen']): { host: string; port: number } {
  const parsed = typeof listenOpt === 'string' ? parseListen(listenOpt) : listenOpt;
  if (!parsed)
    throw new AgromeshError('BAD_REQUEST', `--listen must be ADDR:PORT, got "${JSON.stringify(listenOpt)}".`);
  return parsed;
}

export async function startRegistry(options: RegistryOptions): Promise<RegistryHandle> {
  const { host, port } = resolveListen(options.listen);
  const insecureNoAuth = options.insecureNoAuth ?? false;
  if (insecureNoAuth && !isLoopbackAddress(host)) {
    throw new AgromeshError('BAD_REQUEST', `--insecure-no-auth is allowed only on loopback, not on ${host}.`);
  }
  if (!isLoopbackAddress(host) && !isTailnetAddress(host)) {
    throw new AgromeshError(
      'BAD_REQUEST',
      `The registry listens only on a tailnet address or loopback, not on ${host}.`,
    );
  }
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const offlineAfterMs = options.offlineAfterMs ?? DEFAULT_OFFLINE_AFTER_MS;
  const store = openRegistryStore({ file: options.dbFile, now });
  const sweep = () => {
    const n = store.sweep(offlineAfterMs);
    if (n > 0) logger.info('farms marked offline', { count: n });
    return n;
  };
  const metrics = createRegistryMetrics(() => store.counts());
  options.extraMetrics?.(metrics.registry);
  let packages;
  try {
    packages = options.packagesDir ? openPackageShelf(options.packagesDir) : undefined;
  } catch (err) {
    store.close();
    throw err;
  }
  const handler = createRegistryHandler({
    metrics,
    store,
    resolveIdentity: options.resolveIdentity,
    insecureNoAuth,
    rolePolicy: options.rolePolicy ?? {},
    offlineAfterMs,
    startedAt: now(),
    version: options.version ?? AGROMESH_VERSION,
    now,
    logger,
    packages,
  });
  // Answers only to its own names (DNS rebinding) and never to a web page (farms and cores send no Origin).
  const guard = {
    names: () => [host, ...(options.hostNames ?? []), ...(isLoopbackAddress(host) ? LOOPBACK_NAMES : [])],
  };
  const server = createJsonServer(
    { maxHeaderSize: RegistryLimits.headerBytes, requestTimeoutMs: 15_000, log: logger.child('http') },
    async (req, res) => {
      observeHttp(metrics.http, req, res, () => registryRouteName(req.url));
      const refused = refusal(req, guard);
      if (refused) throw refused;
      await handler(req, res);
    },
  );
  let address;
  try {
    sweep(); // records left online by a previous run whose farms went quiet meanwhile
    address = await listen(server, port, host);
  } catch (err) {
    store.close();
    throw err;
  }
  const timer = setInterval(
    () => {
      try {
        sweep();
      } catch (err) {
        logger.warn('offline sweep failed', { err });
      }
    },
    options.sweepIntervalMs ?? Math.max(50, Math.min(5_000, offlineAfterMs / 3)),
  );
  timer.unref();
  const url = `http://${hostPort(address.address, address.port)}`;
  logger.info('registry listening', { url, auth: insecureNoAuth ? 'insecure-no-auth' : 'whois' });
  let disposed: Promise<void> | undefined;
  return {
    url,
    host: address.address,
    port: address.port,
    sweep,
    packages: () => packages?.list() ?? [],
    dispose: () =>
      (disposed ??= (async () => {
        clearInterval(timer);
        await closeServer(server);
        store.close();
      })()),
  };
}
