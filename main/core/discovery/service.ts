/**
 * FarmDiscoveryService: the app's merged view of its farms. Farms are the tailnet's `tag:farm` devices
 * (watched live, or polled), enriched by each gateway's /api/info and, when one is reachable, the discovery
 * registry's records (see merge.ts for who wins a conflict). Health comes in three layers (health.ts).
 * Without a registry it keeps working from the tailnet alone. No Electron: the app and the CLI both use it.
 */
import type { FarmSummary } from '../../../protocol/app/index.ts';
import type { FarmRecord } from '../../../protocol/discovery-api.ts';
import { FARM_TAG, type TailnetDevice } from '../../../protocol/device.ts';
import { AgromeshError } from '../../../protocol/errors.ts';
import type { Reading } from '../../../protocol/farm-api.ts';
import { grantsOf, type CallerIdentity } from '../../../protocol/identity.ts';
import type { Resource } from '../../../kit/resources.ts';
import { silentLogger, type Logger } from '../../../kit/log.ts';
import type { DeviceChange } from '../tailnet/manager.ts';
import { coveredBy, metadataUpdate } from './farm-access.ts';
import { diffFarmEvents, type EmittedFarms, emitFarmEvents } from './farm-events.ts';
import { assignFarmIds, newFarmState, readGatewayInfo, summarizeFarm, type FarmState } from './farm-state.ts';
import type { HealthThresholds } from './health.ts';
import { deviceAddress, mergeFarm } from './merge.ts';
import { canonicalTailnetAddress } from '../../../protocol/tailnet-address.ts';
import { recheckDelay, type ResolvedDiscoveryOptions, resolveDiscoveryOptions } from './options.ts';
import { RegistryTracker } from './registry-tracker.ts';
import { createTailnetSource, type TailnetSource } from './tailnet-source.ts';
import type {
  FarmDetailView,
  FarmDiscoveryOptions,
  FarmEvent,
  MetadataPatch,
  RegistryStatus,
} from './types.ts';

export type {
  FarmDetailView,
  FarmDiscoveryOptions,
  FarmEvent,
  MetadataPatch,
  RegistryStatus,
} from './types.ts';

export class FarmDiscoveryService implements Resource {
  readonly #o: ResolvedDiscoveryOptions;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #thresholds: HealthThresholds;
  readonly #abort = new AbortController();
  readonly #registry: RegistryTracker;
  readonly #farms = new Map<string, FarmState>();
  #byId = new Map<string, FarmState>();
  readonly #emitted: EmittedFarms = new Map();
  readonly #listeners = new Set<(e: FarmEvent) => void>();
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #source: TailnetSource | undefined;
  #checksEnabled = false;
  #queued = false;
  #started: Promise<void> | undefined;
  #disposed = false;

  constructor(options: FarmDiscoveryOptions) {
    this.#now = options.now ?? Date.now;
    this.#log = options.logger ?? silentLogger;
    this.#o = resolveDiscoveryOptions(options);
    this.#thresholds = { staleAfterMs: this.#o.staleAfterMs, offlineAfterMs: this.#o.offlineAfterMs };
    this.#registry = new RegistryTracker({
      config: options.registry ?? {},
      signal: this.#abort.signal,
      now: this.#now,
      log: this.#log,
    });
  }

  /** Subscribe to joined / changed / left. Returns an unsubscribe. */
  on(listener: (e: FarmEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** First full pass: tailnet list, registry, every gateway's /api/info (each bounded by its timeout). */
  start(): Promise<void> {
    return (this.#started ??= (async () => {
      this.#source = createTailnetSource(
        {
          manager: this.#o.tailnet,
          pollIntervalMs: this.#o.pollIntervalMs,
          snapshotTimeoutMs: this.#o.infoTimeoutMs,
          onChange: (c) => this.#onTailnet(c),
          logger: this.#log,
        },
        this.#now,
      );
      await this.#source.start();
      await this.#pollRegistry();
      this.#checksEnabled = true;
      await this.#checkAll();
      this.#every(this.#o.tickMs, () => this.#changed());
      const every = this.#registry.pollIntervalMs;
      if (every !== null) this.#every(every, () => void this.#pollRegistry());
      this.#flush();
    })());
  }

  /** Re-read everything now (tailnet when polled, registry, every gateway) and wait for it. */
  async refresh(): Promise<void> {
    await this.start();
    await this.#source?.refresh();
    await this.#pollRegistry();
    await this.#checkAll(true);
    this.#flush();
  }

  /** Farms sorted by display name; for a caller, only farms their grants cover (no grants: all, reads are open). */
  listFarms(filter: { for?: Pick<CallerIdentity, 'capabilities'> } = {}): FarmSummary[] {
    this.#flush();
    const grants = filter.for ? grantsOf(filter.for) : [];
    const visible = [...this.#farms.values()].filter((s) => coveredBy(grants, s));
    return visible
      .map((s) => this.#summary(s).summary)
      .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.farmId.localeCompare(b.farmId));
  }

  getFarm(farmId: string): FarmSummary | undefined {
    const s = this.#byFarmId(farmId);
    return s && this.#summary(s).summary;
  }

  getFarmDetail(farmId: string): FarmDetailView | undefined {
    const s = this.#byFarmId(farmId);
    if (!s) return undefined;
    return {
      summary: this.#summary(s).summary,
      info: s.info,
      device: s.device,
      record: this.#recordFor(s.device),
    };
  }

  /** Where the farm-connection layer dials this farm. */
  endpoint(farmId: string): { farmId: string; address: string; port: number } | undefined {
    const s = this.#byFarmId(farmId);
    if (!s) return undefined;
    const m = mergeFarm(s.device, s.info, this.#recordFor(s.device), this.#o.farmPort);
    return { farmId: s.farmId, address: m.address, port: m.apiPort };
  }

  /** How the device list is kept current, when it was last confirmed, and the last error reading it. */
  tailnetStatus(): { mode: 'watch' | 'poll' | 'not started'; syncedAt: string | null; error: string | null } {
    const src = this.#source;
    if (!src) return { mode: 'not started', syncedAt: null, error: null };
    return {
      mode: src.mode,
      syncedAt: src.syncedAt === null ? null : new Date(src.syncedAt).toISOString(),
      error: src.error,
    };
  }

  registryStatus(): RegistryStatus {
    return this.#registry.status();
  }

  /** The registry's last-known records, tagged or not (a gateway heartbeating from a node without tag:farm). */
  registryRecords(): FarmRecord[] {
    return this.#registry.records();
  }

  /**
   * Seed operation "register a farm": store people's metadata for a tailnet address in the registry
   * (creating the record if the farm never heartbeated). Needs a reachable registry.
   */
  async registerFarm(address: string, metadata: MetadataPatch): Promise<FarmRecord> {
    const canonical = canonicalTailnetAddress(address);
    if (!canonical) throw new AgromeshError('VALIDATION', `${address} is not a tailnet address.`);
    const record = await this.#registry.update(canonical, metadataUpdate(metadata));
    this.#changed();
    return record;
  }

  /** People's edit of a known farm (name, notes, location, region, crop, owner); returns the merged summary after it. */
  async updateFarmMetadata(farmId: string, patch: MetadataPatch): Promise<FarmSummary> {
    const s = this.#byFarmId(farmId);
    if (!s) throw new AgromeshError('NOT_FOUND', `No farm "${farmId}" on this tailnet.`);
    const address = this.#recordFor(s.device)?.address ?? deviceAddress(s.device);
    await this.registerFarm(address, patch);
    this.#flush();
    return this.#summary(s).summary;
  }

  /** Seed operation "update a farm's status": what the app learnt about a gateway by talking to it. */
  updateFarmStatus(farmId: string, ok: boolean, detail = ''): void {
    this.noteGatewayStatus(farmId, ok, detail);
  }

  /** The farm-connection layer reports whether the gateway answers (stream live / dial failed). */
  noteGatewayStatus(farmId: string, ok: boolean, detail: string): void {
    const s = this.#byFarmId(farmId);
    if (!s) return;
    const now = this.#now();
    if (!ok && s.gateway.answering !== false) s.gateway.downSince = now;
    s.gateway.answering = ok;
    if (ok) {
      s.gateway.okAt = now;
      s.gateway.downSince = null;
      if (!s.info && !s.checking) void this.#checkGateway(s);
    } else {
      s.gateway.failAt = now;
      s.gateway.failDetail = detail || 'not answering';
    }
    this.#changed();
  }

  /** The farm-connection layer saw a reading stamped `ts` (epoch ms); optional readings fill `latest`. */
  noteReading(farmId: string, ts: number, readings?: readonly Reading[]): void {
    const s = this.#byFarmId(farmId);
    if (!s) return;
    if (s.lastReadingAt === null || ts > s.lastReadingAt) s.lastReadingAt = ts;
    for (const r of readings ?? []) {
      const prev = s.latest.get(r.sensorId);
      if (!prev || r.ts >= prev.ts) s.latest.set(r.sensorId, r);
    }
    this.#changed();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#source?.dispose();
    for (const t of this.#timers) clearInterval(t);
    this.#abort.abort();
    const pending: Promise<void>[] = [];
    for (const s of this.#farms.values()) {
      if (s.timer) clearTimeout(s.timer);
      s.abort?.abort();
      if (s.checking) pending.push(s.checking);
    }
    await Promise.allSettled(pending);
    this.#listeners.clear();
  }

  // ---- tailnet ------------------------------------------------------------------------------------

  #onTailnet(change: DeviceChange): void {
    if (change.type === 'snapshot') {
      const ids = new Set(change.devices.map((d) => d.id));
      for (const id of [...this.#farms.keys(), ...this.#registry.knownDeviceIds()])
        if (!ids.has(id)) this.#removeDevice(id);
      for (const d of change.devices) this.#applyDevice(d);
    } else if (change.type === 'upsert') {
      this.#applyDevice(change.device);
    } else {
      this.#removeDevice(change.id);
    }
    this.#changed();
  }

  #applyDevice(d: TailnetDevice): void {
    this.#registry.noteDevice(d);
    if (!d.tags.includes(FARM_TAG)) return this.#removeDevice(d.id, true);
    const now = this.#now();
    const s = this.#farms.get(d.id);
    if (!s) {
      const fresh = newFarmState(d, now);
      this.#farms.set(d.id, fresh);
      if (this.#checksEnabled) void this.#checkGateway(fresh);
      return;
    }
    const cameOnline = d.online && !s.device.online;
    const moved = deviceAddress(d) !== deviceAddress(s.device);
    s.device = d;
    if (d.online) s.tailnetAt = now;
    if ((cameOnline || moved) && this.#checksEnabled) void this.#checkGateway(s, true);
  }

  #removeDevice(id: string, keepRegistry = false): void {
    if (!keepRegistry) this.#registry.forgetDevice(id);
    const s = this.#farms.get(id);
    if (!s) return;
    if (s.timer) clearTimeout(s.timer);
    s.abort?.abort();
    this.#farms.delete(id);
  }

  // ---- gateways -----------------------------------------------------------------------------------

  #checkAll(force = false): Promise<unknown> {
    return Promise.allSettled([...this.#farms.values()].map((s) => this.#checkGateway(s, force)));
  }

  #checkGateway(s: FarmState, force = false): Promise<void> {
    if (this.#disposed || !s.device.online) return Promise.resolve();
    if (s.checking) return force ? s.checking.then(() => this.#checkGateway(s)) : s.checking;
    if (s.timer) clearTimeout(s.timer);
    const m = mergeFarm(s.device, s.info, this.#recordFor(s.device), this.#o.farmPort);
    const abort = new AbortController();
    s.abort = abort;
    s.checking = (async () => {
      try {
        await readGatewayInfo(
          s,
          { address: m.address, port: m.apiPort },
          {
            fetchFarmInfo: this.#o.fetchFarmInfo,
            timeoutMs: this.#o.infoTimeoutMs,
            now: this.#now,
            signal: abort.signal,
            stillWanted: () => !this.#disposed && this.#farms.get(s.device.id) === s,
            log: this.#log,
          },
        );
      } finally {
        s.checking = undefined;
        s.abort = undefined;
        if (!this.#disposed && this.#farms.get(s.device.id) === s) {
          // Healthy: re-read at the refresh interval. Failing: retry sooner, doubling up to it.
          const delay = recheckDelay(s.failures, this.#o.infoRefreshMs);
          s.timer = setTimeout(() => void this.#checkGateway(s), delay);
          s.timer.unref?.();
          this.#changed();
        }
      }
    })();
    return s.checking;
  }

  // ---- registry -----------------------------------------------------------------------------------

  async #pollRegistry(): Promise<void> {
    const ok = await this.#registry.poll();
    if (this.#disposed) return;
    // A farm whose gateway listens on a port only the registry knew: try again there.
    if (ok && this.#checksEnabled)
      for (const s of this.#farms.values()) if (!s.info && !s.checking) void this.#checkGateway(s);
    this.#changed();
  }

  #recordFor(device: TailnetDevice): FarmRecord | null {
    return this.#registry.recordFor(device);
  }

  // ---- merging and events -------------------------------------------------------------------------

  /** Ids change only on tailnet, info or registry changes, so the index from the last flush serves hot paths. */
  #byFarmId(farmId: string): FarmState | undefined {
    let s = this.#byId.get(farmId);
    if ((!s || this.#farms.get(s.device.id) !== s || s.farmId !== farmId) && this.#queued) {
      this.#flush();
      s = this.#byId.get(farmId);
    }
    return s && this.#farms.get(s.device.id) === s && s.farmId === farmId ? s : undefined;
  }

  #summary(s: FarmState): { summary: FarmSummary; signature: string } {
    return summarizeFarm(s, {
      now: this.#now(),
      record: this.#recordFor(s.device),
      farmPort: this.#o.farmPort,
      thresholds: this.#thresholds,
      live: this.#source?.mode === 'watch',
    });
  }

  #changed(): void {
    if (this.#queued || this.#disposed) return;
    this.#queued = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    if (this.#disposed) return;
    this.#queued = false;
    assignFarmIds(this.#farms.values(), (d) => this.#recordFor(d), this.#o.farmPort);
    this.#byId = new Map([...this.#farms.values()].map((s) => [s.farmId, s]));
    const events = diffFarmEvents(this.#farms, this.#emitted, (s) => this.#summary(s));
    emitFarmEvents(events, this.#listeners, this.#log);
  }

  #every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref?.();
    this.#timers.push(t);
  }
}

export function createFarmDiscoveryService(options: FarmDiscoveryOptions): FarmDiscoveryService {
  return new FarmDiscoveryService(options);
}
