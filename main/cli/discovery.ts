/**
 * `agromesh discovery serve`: the discovery registry as a standalone program (systemd unit in
 * docs/discovery.md). Identity comes from the local tailscaled's who-is on every request.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REGISTRY_HTTP_PORT } from '../../protocol/discovery-api.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import { isTailnetIPv4 } from '../../protocol/tailnet-address.ts';
import { createLogger, type LogLevel } from '../../kit/log.ts';
import { createLocalApiClient } from '../../kit/tailscale/localapi.ts';
import { hostPort } from '../../protocol/host-port.ts';
import { DEFAULT_OFFLINE_AFTER_MS, startRegistry } from '../../registry/server.ts';
import type { CliIO } from './io.ts';

export const USAGE = `Usage: agromesh discovery serve [options]

Runs the discovery registry: farms heartbeat to it, people name them, the app reads it.
  --listen ADDR:PORT        where to listen (default: this node's tailnet IPv4, port ${REGISTRY_HTTP_PORT});
                            only a tailnet address or loopback is accepted
  --db FILE                 SQLite file (default: $STATE_DIRECTORY/registry.db or
                            ~/.local/share/agromesh-registry/registry.db)
  --local-api-socket PATH   tailscaled LocalAPI socket (default: the platform's)
  --packages-dir DIR        serve the agromesh-gateway_*.deb files in DIR to farms that have just
                            joined (the onboarding command downloads and checks them)
  --offline-after SEC       mark a farm offline after this long without a heartbeat (default ${DEFAULT_OFFLINE_AFTER_MS / 1000})
  --insecure-no-auth        no who-is: every caller is a local support user (loopback --listen only;
                            heartbeats then name their address with ?address=)
  --log-level LEVEL         debug, info, warn, error
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        listen: { type: 'string' },
        db: { type: 'string' },
        'local-api-socket': { type: 'string' },
        'packages-dir': { type: 'string' },
        'offline-after': { type: 'string' },
        'insecure-no-auth': { type: 'boolean', default: false },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    io.stderr(`agromesh discovery: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals[0] !== 'serve' || positionals.length > 1) {
    io.stderr(`agromesh discovery: expected "serve".\n\n${USAGE}`);
    return 2;
  }
  const offlineAfterS =
    values['offline-after'] === undefined ? DEFAULT_OFFLINE_AFTER_MS / 1000 : Number(values['offline-after']);
  if (!Number.isFinite(offlineAfterS) || offlineAfterS < 1 || offlineAfterS > 86_400) {
    io.stderr('agromesh discovery: --offline-after must be a number of seconds between 1 and 86400.\n');
    return 2;
  }
  const log = createLogger('registry', values['log-level'] ? { level: values['log-level'] as LogLevel } : {});
  const insecure = values['insecure-no-auth'];
  const localApi = insecure
    ? undefined
    : createLocalApiClient({
        ...(values['local-api-socket'] ? { socketPath: values['local-api-socket'] } : {}),
        logger: log.child('localapi'),
      });
  try {
    let listen = values.listen;
    if (listen === undefined) {
      if (!localApi) listen = `127.0.0.1:${REGISTRY_HTTP_PORT}`;
      else {
        const own = (await localApi.selfAddresses()).find(isTailnetIPv4);
        if (!own)
          throw new AgromeshError(
            'LOCALAPI_UNAVAILABLE',
            'This node has no tailnet IPv4 address yet; join the tailnet or pass --listen.',
          );
        listen = hostPort(own, REGISTRY_HTTP_PORT);
      }
    }
    const stateDir = io.env.STATE_DIRECTORY?.split(':')[0];
    const dbFile =
      values.db ?? join(stateDir ?? join(homedir(), '.local', 'share', 'agromesh-registry'), 'registry.db');
    // Its own tailnet addresses and MagicDNS name are the names clients may use in Host.
    const hostNames: string[] = [];
    if (localApi) {
      const status = await localApi.status({ peers: false }).catch(() => undefined);
      if (status)
        hostNames.push(...status.TailscaleIPs, ...(status.Self?.DNSName ? [status.Self.DNSName] : []));
    }
    const registry = await startRegistry({
      listen,
      dbFile,
      hostNames,
      resolveIdentity: localApi ? (address) => localApi.whois(address) : async () => null,
      insecureNoAuth: insecure,
      offlineAfterMs: offlineAfterS * 1000,
      logger: log,
      packagesDir: values['packages-dir'],
    });
    io.stdout(
      `Discovery registry listening on ${registry.url} (db ${dbFile}${insecure ? ', NO AUTH' : ''})\n`,
    );
    await io.stopSignal;
    await registry.dispose();
    return 0;
  } finally {
    await localApi?.dispose();
  }
}
