/**
 * FarmDiscoveryService: the app's merged view of its farms. Farms are the tailnet's `tag:farm` devices
 * (watched live, or polled), enriched by each gateway's /api/info and, when one is reachable, the discovery
 * registry's records (see merge.ts for who wins a conflict). Health comes in three layers (health.ts).
 * Without a registry it keeps working from the tailnet alone. No Electron: the app and the CLI both use it.
 */
import type { FarmSummary } from '../../../preload/contract.ts';
import { REGISTRY_HTTP_PORT, type FarmMetadataUpdate, type FarmRecord } from '../../../protocol/discovery-api.ts';
import { FARM_TAG, REGISTRY_TAG, type TailnetDevice } from '../../../protocol/device.ts';
import { AgromeshError } from '../../../protocol/errors.ts';
import { FARM_HTTP_PORT, FarmInfo, type Location, type Reading } from '../../../protocol/farm-api.ts';
import { grantsOf, type CallerIdentity } from '../../../protocol/identity.ts';
import type { Disposable } from '../../../kit/disposable.ts';
import { silentLogger, type Logger } from '../../../kit/log.ts';
import type { DeviceChange, TailscaleManager } from '../tailnet/manager.ts';
import type { FetchFarmInfo } from './farm-info-http.ts';
import { computeHealth, type HealthThresholds } from './health.ts';
import { deviceAddress, deviceAddresses, mergeFarm } from './merge.ts';
import { canonicalTailnetAddress, hostPort } from './registry/address.ts';
import { createRegistryClient, type FetchLike } from './registry-client.ts';
import { createTailnetSource, type TailnetSource } from './tailnet-source.ts';

export interface FarmDiscoveryOptions {
  tailnet: TailscaleManager;
  /** GET /api/info of a gateway; the app routes it through its tailnet-only dialer. */
  fetchFarmInfo: FetchFarmInfo;
  /** `false` for no registry at all. */
  registry?:
    | false
    | {
        /** Use this registry instead of looking for a `tag:registry` peer on port 8090. */
        url?: string;
        fetch?: FetchLike;
        pollIntervalMs?: number;
      };
  /** Tailnet polling interval when the backend cannot watch (default 60 s: ≤ 60 API calls an hour). */
  pollIntervalMs?: number;
  /** How often a healthy gateway's /api/info is re-read (default 60 s). Failures retry sooner, backing off. */
  infoRefreshMs?: number;
  infoTimeoutMs?: number;
  staleAfterMs?: number;
  offlineAfterMs?: number;
  /** Re-evaluation period for time-driven changes (a reading turning stale). Default 5 s. */
  tickMs?: number;
  farmPort?: number;
  now?: () => number;
  logger?: Logger;
}

export type FarmEvent =
  | { type: 'joined'; farm: FarmSummary }
  /** `previousFarmId` is set when the farm's id changed (e.g. its gateway answered for the first time). */
  | { type: 'changed'; farm: FarmSummary; previousFarmId?: string }
  | { type: 'left'; farm: FarmSummary };

export interface FarmDetailView {
  summary: FarmSummary;
  info: FarmInfo | null;
  device: TailnetDevice;
  record: FarmRecord | null;
}

export interface RegistryStatus {
  url: string | null;
  state: 'ok' | 'down' | 'none';
  at: string | null;
  detail: string;
}

export interface MetadataPatch {
  displayName?: string | null;
  notes?: string;
  location?: Location | null;
  ifVersion?: number;
}

interface FarmState {
  device: TailnetDevice;
  farmId: string;
  joinedAt: number;
  tailnetAt: number | null;
  info: FarmInfo | null;
  gateway: { okAt: number | null; failAt: number | null; failDetail: string | null };
  failures: number;
  lastReadingAt: number | null;
  latest: Map<string, Reading>;
  checking: Promise<void> | undefined;
  abort: AbortController | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class FarmDiscoveryService implements Disposable {
  readonly #o: Required<Omit<FarmDiscoveryOptions, 'registry' | 'logger' | 'now'>>;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #thresholds: HealthThresholds;
  readonly #registryOpt: { url?: string; pollIntervalMs: number } | null;
  readonly #registryClient;
  readonly #abort = new AbortController();
  readonly #farms = new Map<string, FarmState>();
  readonly #registryDevices = new Map<string, TailnetDevice>();
  #records = new Map<string, FarmRecord>();
  #registry: { url: string | null; okAt: number | null; failAt: number | null; detail: string } = {
    url: null, okAt: null, failAt: null, detail: 'no registry polled yet',
  };
  readonly #emitted = new Map<string, { signature: string; farmId: string; summary: FarmSummary }>();
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
    this.#o = {
      tailnet: options.tailnet,
      fetchFarmInfo: options.fetchFarmInfo,
      pollIntervalMs: options.pollIntervalMs ?? 60_000,
      infoRefreshMs: options.infoRefreshMs ?? 60_000,
      infoTimeoutMs: options.infoTimeoutMs ?? 5_000,
      staleAfterMs: options.staleAfterMs ?? 5 * 60_000,
      offlineAfterMs: options.offlineAfterMs ?? 90_000,
      tickMs: options.tickMs ?? 5_000,
      farmPort: options.farmPort ?? FARM_HTTP_PORT,
    };
    this.#thresholds = { staleAfterMs: this.#o.staleAfterMs, offlineAfterMs: this.#o.offlineAfterMs };
    const reg = options.registry ?? {};
    this.#registryOpt = reg === false ? null : { ...(reg.url ? { url: reg.url.replace(/\/+$/, '') } : {}), pollIntervalMs: reg.pollIntervalMs ?? 15_000 };
    this.#registryClient = createRegistryClient({ ...(reg && reg.fetch ? { fetch: reg.fetch } : {}), signal: this.#abort.signal });
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
      if (this.#registryOpt) this.#every(this.#registryOpt.pollIntervalMs, () => void this.#pollRegistry());
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
    const visible = [...this.#farms.values()].filter(
      (s) =>
        grants.length === 0 ||
        grants.some((g) => g.farms === undefined || g.farms.some((f) => f === '*' || f === s.farmId || f === s.device.name || f === s.device.dnsName)),
    );
    return visible.map((s) => this.#summary(s).summary).sort((a, b) => a.displayName.localeCompare(b.displayName) || a.farmId.localeCompare(b.farmId));
  }

  getFarm(farmId: string): FarmSummary | undefined {
    const s = this.#byFarmId(farmId);
    return s && this.#summary(s).summary;
  }

  getFarmDetail(farmId: string): FarmDetailView | undefined {
    const s = this.#byFarmId(farmId);
    if (!s) return undefined;
    return { summary: this.#summary(s).summary, info: s.info, device: s.device, record: this.#recordFor(s.device) };
  }

  /** Where the farm-connection layer dials this farm. */
  endpoint(farmId: string): { farmId: string; address: string; port: number } | undefined {
    const s = this.#byFarmId(farmId);
    if (!s) return undefined;
    const m = mergeFarm(s.device, s.info, this.#recordFor(s.device), this.#o.farmPort);
    return { farmId: s.farmId, address: m.address, port: m.apiPort };
  }

  registryStatus(): RegistryStatus {
    const r = this.#registry;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    if (r.url === null) return { url: null, state: 'none', at: iso(r.okAt), detail: r.detail };
    const down = r.failAt !== null && (r.okAt === null || r.failAt > r.okAt);
    return { url: r.url, state: down ? 'down' : 'ok', at: iso(r.okAt), detail: r.detail };
  }

  /**
   * Seed operation "register a farm": store people's metadata for a tailnet address in the registry
   * (creating the record if the farm never heartbeated). Needs a reachable registry.
   */
  async registerFarm(address: string, metadata: MetadataPatch): Promise<FarmRecord> {
    const canonical = canonicalTailnetAddress(address);
    if (!canonical) throw new AgromeshError('VALIDATION', `${address} is not a tailnet address.`);
    const url = this.#registryUrl();
    if (!url) {
      throw new AgromeshError('UNAVAILABLE', 'No discovery registry is known: configure one, or tag a node tag:registry and run the registry there.');
    }
    const patch: FarmMetadataUpdate = {
      ...(metadata.displayName !== undefined ? { displayName: metadata.displayName } : {}),
      ...(metadata.notes !== undefined ? { notes: metadata.notes } : {}),
      ...(metadata.location !== undefined ? { locationOverride: metadata.location } : {}),
      ...(metadata.ifVersion !== undefined ? { ifVersion: metadata.ifVersion } : {}),
    };
    const record = await this.#registryClient.updateFarm(url, canonical, patch);
    this.#records.set(record.address, record);
    this.#changed();
    return record;
  }

  /** People's edit of a known farm (name, notes, location); returns the merged summary after it. */
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
    if (ok) {
      s.gateway.okAt = now;
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
      for (const id of [...this.#farms.keys(), ...this.#registryDevices.keys()]) if (!ids.has(id)) this.#removeDevice(id);
      for (const d of change.devices) this.#applyDevice(d);
    } else if (change.type === 'upsert') {
      this.#applyDevice(change.device);
    } else {
      this.#removeDevice(change.id);
    }
    this.#changed();
  }

  #applyDevice(d: TailnetDevice): void {
    if (d.tags.includes(REGISTRY_TAG)) this.#registryDevices.set(d.id, d);
    else this.#registryDevices.delete(d.id);
    if (!d.tags.includes(FARM_TAG)) return this.#removeDevice(d.id, true);
    const now = this.#now();
    const s = this.#farms.get(d.id);
    if (!s) {
      const fresh: FarmState = {
        device: d, farmId: '', joinedAt: now, tailnetAt: d.online ? now : null, info: null,
        gateway: { okAt: null, failAt: null, failDetail: null }, failures: 0, lastReadingAt: null,
        latest: new Map(), checking: undefined, abort: undefined, timer: undefined,
      };
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
    if (!keepRegistry) this.#registryDevices.delete(id);
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
    const timeout = setTimeout(() => abort.abort(new AgromeshError('TIMEOUT', `no answer within ${this.#o.infoTimeoutMs} ms`)), this.#o.infoTimeoutMs);
    const aborted = new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason as Error), { once: true }));
    aborted.catch(() => {});
    s.checking = (async () => {
      try {
        const raw = await Promise.race([this.#o.fetchFarmInfo(m.address, m.apiPort, abort.signal), aborted]);
        s.info = FarmInfo.parse(raw);
        s.gateway.okAt = this.#now();
        s.failures = 0;
      } catch (err) {
        if (this.#disposed || this.#farms.get(s.device.id) !== s) return;
        s.gateway.failAt = this.#now();
        s.gateway.failDetail = err instanceof Error ? err.message : String(err);
        s.failures++;
        this.#log.debug('gateway check failed', { address: m.address, err });
      } finally {
        clearTimeout(timeout);
        s.checking = undefined;
        s.abort = undefined;
        if (!this.#disposed && this.#farms.get(s.device.id) === s) {
          // Healthy: re-read at the refresh interval. Failing: retry sooner, doubling up to it.
          const delay = s.failures === 0 ? this.#o.infoRefreshMs : Math.min(this.#o.infoRefreshMs, 1000 * 2 ** Math.min(s.failures - 1, 6));
          s.timer = setTimeout(() => void this.#checkGateway(s), delay);
          s.timer.unref?.();
          this.#changed();
        }
      }
    })();
    return s.checking;
  }

  // ---- registry -----------------------------------------------------------------------------------

  #registryUrl(): string | null {
    if (!this.#registryOpt) return null;
    if (this.#registryOpt.url) return this.#registryOpt.url;
    const peer = [...this.#registryDevices.values()].filter((d) => d.online).sort((a, b) => a.id.localeCompare(b.id))[0];
    return peer ? `http://${hostPort(deviceAddress(peer), REGISTRY_HTTP_PORT)}` : null;
  }

  async #pollRegistry(): Promise<void> {
    const url = this.#registryUrl();
    this.#registry.url = url;
    if (!url) {
      this.#registry.detail = this.#registryOpt ? 'no registry: none configured and no online tag:registry peer' : 'registry disabled';
      return;
    }
    try {
      const records = await this.#registryClient.listFarms(url);
      if (this.#disposed) return;
      this.#records = new Map(records.map((r) => [r.address, r]));
      this.#registry.okAt = this.#now();
      this.#registry.detail = `${records.length} records`;
      // A farm whose gateway listens on a port only the registry knew: try again there.
      for (const s of this.#farms.values()) if (!s.info && this.#checksEnabled && !s.checking) void this.#checkGateway(s);
    } catch (err) {
      if (this.#disposed) return;
      this.#registry.failAt = this.#now();
      this.#registry.detail = err instanceof Error ? err.message : String(err);
      this.#log.warn('registry not reachable; listing farms from the tailnet alone', { url, err });
    }
    this.#changed();
  }

  #recordFor(device: TailnetDevice): FarmRecord | null {
    for (const a of deviceAddresses(device)) {
      const r = this.#records.get(a);
      if (r) return r;
    }
    return null;
  }

  // ---- merging and events -------------------------------------------------------------------------

  #byFarmId(farmId: string): FarmState | undefined {
    this.#flush();
    for (const s of this.#farms.values()) if (s.farmId === farmId) return s;
    return undefined;
  }

  #summary(s: FarmState): { summary: FarmSummary; signature: string } {
    const now = this.#now();
    const record = this.#recordFor(s.device);
    const m = mergeFarm(s.device, s.info, record, this.#o.farmPort);
    const heartbeatAt = record?.lastHeartbeatAt ? Date.parse(record.lastHeartbeatAt) : null;
    const live = this.#source?.mode === 'watch' && s.device.online;
    const { health, cause } = computeHealth(
      { device: s.device, tailnetConfirmedAt: live ? now : s.tailnetAt, gateway: s.gateway, heartbeatAt, lastReadingAt: s.lastReadingAt },
      now,
      this.#thresholds,
    );
    const summary: FarmSummary = {
      farmId: s.farmId, address: m.address, dnsName: m.dnsName, displayName: m.displayName, location: m.location,
      timeZone: m.timeZone, tags: m.tags, notes: m.notes, health,
      latest: [...s.latest.values()].sort((a, b) => a.sensorId.localeCompare(b.sensorId)),
      lastReadingAt: s.lastReadingAt,
    };
    const signature = JSON.stringify([
      s.farmId, m.address, m.dnsName, m.displayName, m.location, m.timeZone, m.tags, m.notes, health.overall, cause,
      health.tailnet.state, health.gateway.state, health.data.state, s.device.connection.kind, s.info?.sensors.length, s.info?.actuators.length,
    ]);
    return { summary, signature };
  }

  /** One farm id per farm: when two nodes claim one, the online one answering most recently keeps it. */
  #assignIds(): void {
    const groups = new Map<string, FarmState[]>();
    for (const s of this.#farms.values()) {
      const want = mergeFarm(s.device, s.info, this.#recordFor(s.device), this.#o.farmPort).farmId;
      groups.set(want, [...(groups.get(want) ?? []), s]);
    }
    for (const [want, members] of groups) {
      members.sort(
        (a, b) =>
          Number(b.device.online) - Number(a.device.online) ||
          (b.gateway.okAt ?? 0) - (a.gateway.okAt ?? 0) ||
          a.joinedAt - b.joinedAt ||
          a.device.id.localeCompare(b.device.id),
      );
      members.forEach((s, i) => (s.farmId = i === 0 ? want : `${want}~${s.device.name}`));
    }
  }

  #changed(): void {
    if (this.#queued || this.#disposed) return;
    this.#queued = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    if (this.#disposed) return;
    this.#queued = false;
    this.#assignIds();
    const events: FarmEvent[] = [];
    for (const [id, s] of this.#farms) {
      const { summary, signature } = this.#summary(s);
      const prev = this.#emitted.get(id);
      if (!prev) events.push({ type: 'joined', farm: summary });
      else if (prev.signature !== signature) {
        events.push(prev.farmId === s.farmId ? { type: 'changed', farm: summary } : { type: 'changed', farm: summary, previousFarmId: prev.farmId });
      }
      if (!prev || prev.signature !== signature) this.#emitted.set(id, { signature, farmId: s.farmId, summary });
    }
    for (const [id, prev] of this.#emitted) {
      if (this.#farms.has(id)) continue;
      this.#emitted.delete(id);
      events.push({ type: 'left', farm: prev.summary });
    }
    for (const e of events) {
      for (const l of this.#listeners) {
        try {
          l(e);
        } catch (err) {
          this.#log.error('farm event listener failed', { err });
        }
      }
    }
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
