/**
 * `agromesh farms [--json]`: run discovery once — tailnet `tag:farm` devices, each gateway's /api/info,
 * the registry when one answers — and print the merged farms with their three-layer health.
 */
import { parseArgs } from 'node:util';
import { Agent } from 'undici';
import type { FarmSummary, HealthLayer } from '../../protocol/app/index.ts';
import { isTailnetIPv4 } from '../../protocol/tailnet-address.ts';
import { createLogger } from '../../kit/log.ts';
import { createHttpFarmInfoFetcher } from '../core/discovery/farm-info-http.ts';
import { formatAge } from '../core/discovery/health.ts';
import { createFarmDiscoveryService } from '../core/discovery/service.ts';
import { createTailnetDialer } from '../core/farms/dialer.ts';
import { type TailnetConfig, createTailscaleManager } from '../core/tailnet/factory.ts';
import { type CliIO, table } from './io.ts';
import { TAILNET_FLAG_OPTIONS, tailnetConfigFromFlags } from './tailnet-flags.ts';
import { createTailnetFetch } from '../core/tailnet-fetch.ts';
import { writePrometheusSd } from './prometheus-sd.ts';

export const USAGE = `Usage: agromesh farms [--json] [options]

Lists the farms on the tailnet (nodes tagged tag:farm), merged with each gateway's /api/info and the
discovery registry, with health in three layers: tailnet, gateway, data.
  --json                     print {farms: FarmSummary[], registry, tailnet} as JSON
  --prometheus-sd FILE       also write the farms as Prometheus file_sd targets (atomically; see
                             docs/monitoring.md)
  --registry URL             discovery registry (default: a tailnet peer tagged tag:registry, port 8090)
  --no-registry              do not use a registry (tailnet and gateways only)
  --timeout SEC              per-request timeout (default 5)

Tailnet backend (as for "agromesh tailnet"; default: Headscale if --headscale-url, the Tailscale API if
TS_API_KEY or TS_OAUTH_CLIENT_ID/SECRET are set, otherwise the local tailscaled):
  --backend auto|localapi|api-v2|headscale
  --local-api-socket PATH  --api-url URL  --tailnet NAME
  --headscale-url URL  --headscale-api-key KEY (or HEADSCALE_API_KEY)
  --sim-self ADDR            dial a simulated tailnet (demo, tests): 100.A.B.C is reached at 127.A.B.C
                             and connections come from ADDR's alias
  --verbose                  log to stderr
`;

const OPTIONS = {
  json: { type: 'boolean', default: false },
  'prometheus-sd': { type: 'string' },
  registry: { type: 'string' },
  'no-registry': { type: 'boolean', default: false },
  timeout: { type: 'string' },
  ...TAILNET_FLAG_OPTIONS,
  'sim-self': { type: 'string' },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function layerCell(layer: HealthLayer, now: number): string {
  if (layer.at === null || layer.state === 'unknown') return layer.state;
  return `${layer.state} ${formatAge(now - Date.parse(layer.at))}`;
}

export function farmsTable(farms: FarmSummary[], now = Date.now()): string {
  const rows = farms.map((f) => [
    f.farmId,
    f.displayName,
    f.address,
    f.health.overall,
    layerCell(f.health.tailnet, now),
    layerCell(f.health.gateway, now),
    layerCell(f.health.data, now),
  ]);
  let out = table(['FARM', 'NAME', 'ADDRESS', 'HEALTH', 'TAILNET', 'GATEWAY', 'DATA'], rows);
  const notes = farms.filter((f) => f.health.overall !== 'ok');
  if (notes.length > 0) out += '\n' + notes.map((f) => `${f.farmId}: ${f.health.reason}\n`).join('');
  return out;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (err) {
    io.stderr(`agromesh farms: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout(USAGE);
    return 0;
  }
  const timeoutS = v.timeout === undefined ? 5 : Number(v.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 300) {
    io.stderr('agromesh farms: --timeout must be a number of seconds between 0 and 300.\n');
    return 2;
  }
  const simSelf = v['sim-self'];
  if (simSelf !== undefined && !isTailnetIPv4(simSelf)) {
    io.stderr(`agromesh farms: --sim-self must be a tailnet IPv4 address (not "${simSelf}").\n`);
    return 2;
  }
  const logger = createLogger('farms', {
    level: v.verbose ? 'debug' : 'error',
    write: (line) => io.stderr(line + '\n'),
  });
  const config: TailnetConfig = {
    ...tailnetConfigFromFlags(v, io.env, logger.child('tailnet')),
    timeoutMs: timeoutS * 1000,
  };
  const manager = createTailscaleManager(config);
  // Every connection goes through the tailnet-only dialer: tailnet addresses and MagicDNS names only.
  const dialer = createTailnetDialer(
    simSelf ? { mode: 'simulated', selfAddress: simSelf } : { mode: 'tailnet' },
  );
  const agent = new Agent({ connect: dialer.connector });
  const tailnetFetch = createTailnetFetch(dialer, agent);
  const discovery = createFarmDiscoveryService({
    tailnet: manager,
    fetchFarmInfo: createHttpFarmInfoFetcher({ fetch: tailnetFetch, timeoutMs: timeoutS * 1000 }),
    registry: v['no-registry'] ? false : { ...(v.registry ? { url: v.registry } : {}), fetch: tailnetFetch },
    infoTimeoutMs: timeoutS * 1000,
    logger,
  });
  try {
    await discovery.start();
    const farms = discovery.listFarms();
    const registry = discovery.registryStatus();
    const tailnet = discovery.tailnetStatus();
    if (tailnet.syncedAt === null) {
      io.stderr(
        `agromesh farms: could not list the tailnet's devices (${manager.kind}): ${tailnet.error ?? 'no answer'}\n`,
      );
      return 1;
    }
    const sdFile = v['prometheus-sd'];
    if (sdFile !== undefined) {
      const n = writePrometheusSd(sdFile, farms);
      io.stderr(`agromesh farms: wrote ${n} Prometheus target${n === 1 ? '' : 's'} to ${sdFile}\n`);
    }
    if (v.json) {
      io.stdout(
        JSON.stringify({ farms, registry, tailnet: { backend: manager.kind, ...tailnet } }, null, 2) + '\n',
      );
      return 0;
    }
    io.stdout(
      farms.length === 0 ? 'No farms: no device on this tailnet is tagged tag:farm.\n' : farmsTable(farms),
    );
    const reg =
      registry.state === 'ok'
        ? `Registry: ${registry.url} (${registry.detail})`
        : registry.state === 'down'
          ? `Registry: ${registry.url} not answering (${registry.detail}); names and notes may be missing`
          : `Registry: ${registry.detail}; listed from the tailnet and gateways alone`;
    io.stdout(`\n${reg}\n`);
    return 0;
  } finally {
    await discovery.dispose();
    await manager.dispose();
    await agent.close();
  }
}
