/**
 * The app's side of the discovery registry: which registry to use (a configured URL, else the first
 * online `tag:registry` peer on port 8090), its last-known records, and whether it answers. A registry
 * that stops answering keeps its last records (stale names beat no names) and says it is down.
 */
import {
  REGISTRY_HTTP_PORT,
  chooseRegistry,
  type FarmMetadataUpdate,
  type FarmRecord,
} from '../../../protocol/discovery-api.ts';
import { REGISTRY_TAG, type TailnetDevice } from '../../../protocol/device.ts';
import { AgromeshError } from '../../../protocol/errors.ts';
import type { Logger } from '../../../kit/log.ts';
import { deviceAddress, deviceAddresses } from './merge.ts';
import { hostPort } from '../../../protocol/host-port.ts';
import { createRegistryClient, type FetchLike, type RegistryClient } from './registry-client.ts';
import type { RegistryStatus } from './types.ts';

export interface RegistryTrackerOptions {
  /** `false`: no registry at all. */
  config: false | { url?: string; fetch?: FetchLike; pollIntervalMs?: number };
  signal: AbortSignal;
  now: () => number;
  log: Logger;
}

export class RegistryTracker {
  /** null when disabled. */
  readonly pollIntervalMs: number | null;
  readonly #url: string | undefined;
  readonly #enabled: boolean;
  readonly #client: RegistryClient;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #peers = new Map<string, TailnetDevice>();
  #records = new Map<string, FarmRecord>();
  #state: { url: string | null; okAt: number | null; failAt: number | null; detail: string } = {
    url: null,
    okAt: null,
    failAt: null,
    detail: 'no registry polled yet',
  };

  constructor(options: RegistryTrackerOptions) {
    const c = options.config;
    this.#enabled = c !== false;
    this.#url = c && c.url ? c.url.replace(/\/+$/, '') : undefined;
    this.pollIntervalMs = c === false ? null : (c.pollIntervalMs ?? 15_000);
    this.#client = createRegistryClient({
      ...(c && c.fetch ? { fetch: c.fetch } : {}),
      signal: options.signal,
    });
    this.#now = options.now;
    this.#log = options.log;
  }

  /** Keep track of `tag:registry` peers from the device stream. */
  noteDevice(d: TailnetDevice): void {
    if (d.tags.includes(REGISTRY_TAG)) this.#peers.set(d.id, d);
    else this.#peers.delete(d.id);
  }

  forgetDevice(id: string): void {
    this.#peers.delete(id);
  }

  knownDeviceIds(): string[] {
    return [...this.#peers.keys()];
  }

  url(): string | null {
    if (!this.#enabled) return null;
    if (this.#url) return this.#url;
    const address = chooseRegistry(
      [...this.#peers.values()].map((d) => ({ address: deviceAddress(d), online: d.online })),
    );
    return address ? `http://${hostPort(address, REGISTRY_HTTP_PORT)}` : null;
  }

  /** Read the registry's farm list; false when there is none or it did not answer. */
  async poll(): Promise<boolean> {
    const url = this.url();
    this.#state.url = url;
    if (!url) {
      this.#state.detail = this.#enabled
        ? 'no registry: none configured and no online tag:registry peer'
        : 'registry disabled';
      return false;
    }
    try {
      const records = await this.#client.listFarms(url);
      this.#records = new Map(records.map((r) => [r.address, r]));
      this.#state.okAt = this.#now();
      this.#state.detail = `${records.length} records`;
      return true;
    } catch (err) {
      this.#state.failAt = this.#now();
      this.#state.detail = err instanceof Error ? err.message : String(err);
      this.#log.warn('registry not reachable; listing farms from the tailnet alone', { url, err });
      return false;
    }
  }

  records(): FarmRecord[] {
    return [...this.#records.values()];
  }

  recordFor(device: TailnetDevice): FarmRecord | null {
    for (const a of deviceAddresses(device)) {
      const r = this.#records.get(a);
      if (r) return r;
    }
    return null;
  }

  /** Write people's fields for an address; needs a registry. */
  async update(address: string, patch: FarmMetadataUpdate): Promise<FarmRecord> {
    const url = this.url();
    if (!url) {
      throw new AgromeshError(
        'UNAVAILABLE',
        'No discovery registry is known: configure one, or tag a node tag:registry and run the registry there.',
      );
    }
    const record = await this.#client.updateFarm(url, address, patch);
    this.#records.set(record.address, record);
    return record;
  }

  status(): RegistryStatus {
    const r = this.#state;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    if (r.url === null) return { url: null, state: 'none', at: iso(r.okAt), detail: r.detail };
    const down = r.failAt !== null && (r.okAt === null || r.failAt > r.okAt);
    return { url: r.url, state: down ? 'down' : 'ok', at: iso(r.okAt), detail: r.detail };
  }
}
