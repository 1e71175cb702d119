/**
 * Everything that depends on how this computer reaches its tailnet, built together and disposed together:
 * the TailscaleManager, the tailnet-only dialer, the embedded registry, farm discovery, farm links, the
 * farms' posture attributes and the alert feed. The composition root rebuilds a session when the tailnet or registry settings change.
 */
import { join } from 'node:path';
import { Agent } from 'undici';
import { AgromeshError } from '../../protocol/errors.ts';
import { REGISTRY_HTTP_PORT } from '../../protocol/discovery-api.ts';
import { FARM_TAG } from '../../protocol/device.ts';
import type { CallerIdentity } from '../../protocol/identity.ts';
import type { FarmSummary, Settings } from '../../protocol/app/index.ts';
import { ResourceStack } from '../../kit/resources.ts';
import type { Logger } from '../../kit/log.ts';
import type { AlertService } from './alerts/service.ts';
import { createCoalescer } from './coalesce.ts';
import { createHttpFarmInfoFetcher } from './discovery/farm-info-http.ts';
import { startRegistry } from '../../registry/server.ts';
import { type ControlRoomMetrics, registerControlRoomMetrics } from './metrics.ts';
import { type GatewayPackage, GatewayPackageList } from '../../protocol/discovery-api.ts';
import { createFarmDiscoveryService, type FarmDiscoveryService } from './discovery/service.ts';
import type { CoreEvents } from './events.ts';
import {
  createFarmConnections,
  createTailnetDialer,
  type FarmConnections,
  type TailnetDialer,
} from './farms/index.ts';
import { createLinkQuality, type LinkQuality, type LinkSamplerTuning } from './link-quality/index.ts';
import type { SecretStore } from './settings/secret-store.ts';
import { createTailnetFetch } from './tailnet-fetch.ts';
import { createTailscaleManager, type TailnetConfig } from './tailnet/factory.ts';
import type { TailscaleManager } from './tailnet/manager.ts';
import { createPostureSync, type PostureSync } from './farm-policy/posture-sync.ts';

/** The demo and tests: a simulated tailnet whose nodes are loopback aliases of their tailnet addresses. */
export interface SimulatedTailnet {
  localApiSocket: string;
  /** This control room's tailnet IPv4. */
  selfAddress: string;
  /**
   * The simulated Tailscale API v2, as if an admin had stored an API key: device tags and auth keys
   * (onboarding) work; who-is stays on the LocalAPI socket. Without it the seat has LocalAPI rights only.
   */
  api?: { url: string; apiKey: string; pollIntervalMs?: number } | undefined;
}

export interface TailnetSessionOptions {
  settings: Settings;
  secrets: SecretStore;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  simulated?: SimulatedTailnet | undefined;
  events: CoreEvents;
  alerts: AlertService;
  log: Logger;
  /** Gateway packages the embedded registry serves to farms that have just joined. */
  gatewayPackagesDir?: string | undefined;
  /** Link sampling rates (tests and the demo sample faster). */
  linkTuning?: Partial<LinkSamplerTuning> | undefined;
}

export interface TailnetSession {
  manager: TailscaleManager;
  dialer: TailnetDialer;
  discovery: FarmDiscoveryService;
  farms: FarmConnections;
  /** How this machine reaches each farm, sampled from its own tailscaled. */
  linkQuality: LinkQuality;
  /** Region, crop and owner mirrored into the farms' posture attributes. */
  posture: PostureSync;
  self: CallerIdentity | null;
  registryUrl: string | null;
  /** Gateway packages the registry (embedded, or the company's) serves to new farms; [] if none or unreachable. */
  gatewayPackages(): Promise<GatewayPackage[]>;
  dispose(): Promise<void>;
}

async function tailnetConfig(o: TailnetSessionOptions): Promise<TailnetConfig> {
  const sim = o.simulated;
  if (sim?.api) {
    return {
      backend: 'api-v2',
      apiUrl: sim.api.url,
      apiKey: sim.api.apiKey,
      localApiSocket: sim.localApiSocket,
      pollIntervalMs: sim.api.pollIntervalMs ?? 2_000,
      env: {},
    };
  }
  if (sim) return { backend: 'localapi', localApiSocket: sim.localApiSocket, env: {} };
  const t = o.settings.tailnet;
  const secret = async (name: Parameters<SecretStore['get']>[0]) => (await o.secrets.get(name)) ?? undefined;
  const apiKey = await secret('tailscale-api-key');
  const oauthSecret = await secret('tailscale-oauth-secret');
  const headscaleKey = await secret('headscale-api-key');
  return {
    backend: t.backend,
    ...(t.localApiSocket ? { localApiSocket: t.localApiSocket } : {}),
    ...(t.apiUrl ? { apiUrl: t.apiUrl } : {}),
    ...(t.tailnetName ? { tailnet: t.tailnetName } : {}),
    ...(t.headscaleUrl ? { headscaleUrl: t.headscaleUrl } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(oauthSecret ? { oauthClientSecret: oauthSecret } : {}),
    ...(headscaleKey ? { headscaleApiKey: headscaleKey } : {}),
    env: o.env,
  };
}

export async function startTailnetSession(o: TailnetSessionOptions): Promise<TailnetSession> {
  const stack = new ResourceStack();
  const { log, events, alerts } = o;
  try {
    const manager = stack.add(
      createTailscaleManager({ ...(await tailnetConfig(o)), logger: log.child('tailnet') }),
    );
    const self = await manager.self().catch((err: unknown) => {
      log.warn('could not identify this node on the tailnet', { err });
      return null;
    });
    const selfAddress = o.simulated?.selfAddress ?? self?.address;
    const dialer = createTailnetDialer(
      o.simulated ? { mode: 'simulated', selfAddress: o.simulated.selfAddress } : { mode: 'tailnet' },
    );
    const agent = new Agent({
      connect: dialer.connector,
      keepAliveTimeout: 30_000,
      headersTimeout: 10_000,
      bodyTimeout: 15_000,
    });
    stack.defer(() => agent.close());
    const fetchTailnet = createTailnetFetch(dialer, agent);

    let registryUrl: string | null = o.settings.registry.url ?? null;
    // Set once the embedded registry serves this desktop's series; the discovery below feeds them.
    let metrics: ControlRoomMetrics | undefined;
    let discovery: FarmDiscoveryService | undefined = undefined;
    let gatewayPackages = async (): Promise<GatewayPackage[]> => {
      if (!registryUrl) return [];
      try {
        const res = await fetchTailnet(`${registryUrl}/packages`, { signal: AbortSignal.timeout(5_000) });
        const text = res.ok ? await res.text() : '';
        if (!res.ok || text.length > 256 * 1024) return [];
        return GatewayPackageList.parse(JSON.parse(text)).packages;
      } catch (err) {
        log.warn('could not list the gateway packages of the registry', { registryUrl, err });
        return [];
      }
    };
    if (o.settings.registry.embedded) {
      if (!selfAddress)
        throw new AgromeshError('UNAVAILABLE', 'The embedded registry needs this computer on a tailnet.');
      const listenHost = o.simulated
        ? (await dialer.route(selfAddress, REGISTRY_HTTP_PORT)).connectHost
        : selfAddress;
      const registry = await startRegistry({
        listen: { host: listenHost, port: REGISTRY_HTTP_PORT },
        hostNames: [selfAddress],
        dbFile: join(o.dataDir, 'registry.sqlite'),
        resolveIdentity: (address) => manager.whois(address),
        logger: log.child('registry'),
        packagesDir: o.gatewayPackagesDir,
        extraMetrics: (registry) => {
          metrics = registerControlRoomMetrics(registry, () =>
            discovery ? { farms: () => discovery!.listFarms(), alerts: () => o.alerts.counts() } : undefined,
          );
        },
      });
      stack.add(registry);
      gatewayPackages = async () => registry.packages();
      registryUrl = `http://${selfAddress}:${REGISTRY_HTTP_PORT}`;
    }

    discovery = stack.add(
      createFarmDiscoveryService({
        tailnet: manager,
        fetchFarmInfo: createHttpFarmInfoFetcher({ fetch: fetchTailnet }),
        registry: { ...(registryUrl ? { url: registryUrl } : {}), fetch: fetchTailnet },
        staleAfterMs: o.settings.staleAfterS * 1000,
        offlineAfterMs: o.settings.offlineAfterS * 1000,
        logger: log.child('discovery'),
      }),
    );
    const farms = stack.add(
      createFarmConnections({ dataDir: o.dataDir, dialer, healthSink: discovery, log: log.child('farms') }),
    );

    const linkQuality = stack.add(
      createLinkQuality({
        dataDir: o.dataDir,
        localApiSocket: o.simulated?.localApiSocket ?? o.settings.tailnet.localApiSocket,
        farms: () =>
          discovery.listFarms().map((f) => {
            const link = farms.latest(f.farmId)?.link;
            return {
              farmId: f.farmId,
              address: f.address,
              streamLive: link === 'live' ? true : link === 'down' || link === 'stale' ? false : undefined,
            };
          }),
        log: log.child('link-quality'),
        ...(o.linkTuning ? { tuning: o.linkTuning } : {}),
      }),
    );
    const posture = createPostureSync({ manager, farms: discovery, log: log.child('posture') });
    stack.defer(() => posture.dispose());

    // Farm list changes reach windows as batches, at most ten a second.
    const batcher = createCoalescer<FarmSummary>(100, (changed, removed) =>
      events.emit('farmsChanged', { changed, removed }),
    );
    stack.defer(() => batcher.dispose());

    const connect = (farmId: string) => {
      // Dial once the gateway has said which farm it is (/api/info): until then the id is the node's name.
      if (!discovery.getFarmDetail(farmId)?.info) return;
      const endpoint = discovery.endpoint(farmId);
      const connected = farms.endpoints().find((e) => e.farmId === farmId);
      if (
        !endpoint ||
        (connected && connected.address === endpoint.address && connected.port === endpoint.port)
      )
        return;
      farms.connect(endpoint).catch((err: unknown) => log.warn('could not connect to farm', { farmId, err }));
    };
    stack.defer(
      discovery.on((e) => {
        if (e.type === 'left') {
          void farms.disconnect(e.farm.farmId);
          alerts.forgetFarm(e.farm.farmId);
          batcher.remove(e.farm.farmId);
          return;
        }
        if (e.type === 'changed' && e.previousFarmId && e.previousFarmId !== e.farm.farmId) {
          void farms.disconnect(e.previousFarmId);
          alerts.forgetFarm(e.previousFarmId);
          batcher.remove(e.previousFarmId);
        }
        connect(e.farm.farmId);
        posture.noteFarm(e.farm.farmId, e.farm);
        batcher.put(e.farm.farmId, e.farm);
        alerts.onHealth(e.farm);
      }),
    );
    stack.defer(
      farms.on('readings', (batch) => {
        for (const { farmId, readings } of batch.farms) {
          if (readings.length === 0) continue;
          metrics?.readingsReceived.inc(readings.length);
          const newest = readings.reduce((m, r) => Math.max(m, r.ts), 0);
          discovery.noteReading(farmId, newest, readings);
          alerts.onReadings(farmId, readings, farms.info(farmId));
        }
      }),
    );
    stack.defer(
      farms.on('command', (command) => {
        metrics?.commandUpdates.inc({ state: command.state });
        events.emit('commandChanged', command);
        alerts.onCommand(command);
      }),
    );
    const deviceBatcher = createCoalescer<true>(500, () =>
      events.emit('devicesChanged', { at: new Date().toISOString() }),
    );
    stack.defer(() => deviceBatcher.dispose());
    stack.defer(
      manager.watch((change) => {
        deviceBatcher.put('any', true);
        if (change.type === 'upsert') posture.noteTailnetRefresh([change.device.id]);
        const devices =
          change.type === 'snapshot' ? change.devices : change.type === 'upsert' ? [change.device] : [];
        for (const d of devices) {
          if (!d.tags.includes(FARM_TAG)) continue;
          const farm = discovery.listFarms().find((f) => f.address === d.ipv4[0] || f.address === d.ipv6[0]);
          if (farm) alerts.onDevice(farm.farmId, d);
        }
      }),
    );

    await discovery.start();
    linkQuality.sampler.start();
    posture.reconcile().catch((err: unknown) => log.warn('posture reconcile failed', { err }));
    log.info('tailnet session started', {
      backend: manager.kind,
      simulated: Boolean(o.simulated),
      registryUrl,
    });
    return {
      manager,
      dialer,
      discovery,
      farms,
      linkQuality,
      posture,
      self,
      registryUrl,
      gatewayPackages,
      dispose: () => stack.dispose(),
    };
  } catch (err) {
    await stack.dispose();
    throw err;
  }
}
