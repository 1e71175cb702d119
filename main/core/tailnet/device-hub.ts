/**
 * The shared side of `watch()`: one upstream source (a LocalAPI bus or a poll loop) feeding any number
 * of listeners. A listener gets a snapshot first, then upserts/removes; a full refresh is diffed so
 * listeners only hear what changed.
 */
import { type BackoffRule, backoffDelay } from '../../../protocol/backoff.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';
import type { Logger } from '../../../kit/log.ts';
import type { DeviceChange } from './manager.ts';

export interface DeviceSource {
  /** Start feeding the hub; returns a stop function. */
  start(hub: DeviceHub): () => void;
}

export class DeviceHub {
  readonly #devices = new Map<string, TailnetDevice>();
  readonly #listeners = new Set<(c: DeviceChange) => void>();
  readonly #source: DeviceSource;
  readonly #log: Logger;
  #ready = false;
  #stop: (() => void) | undefined;

  constructor(source: DeviceSource, log: Logger) {
    this.#source = source;
    this.#log = log;
  }

  get ready(): boolean {
    return this.#ready;
  }

  get(id: string): TailnetDevice | undefined {
    return this.#devices.get(id);
  }

  all(): TailnetDevice[] {
    return [...this.#devices.values()];
  }

  subscribe(listener: (c: DeviceChange) => void): () => void {
    this.#listeners.add(listener);
    if (this.#ready) {
      const snapshot = this.all();
      queueMicrotask(() => {
        if (this.#listeners.has(listener)) this.#deliver(listener, { type: 'snapshot', devices: snapshot });
      });
    }
    this.#stop ??= this.#source.start(this);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.close();
    };
  }

  /** Replace the whole set: the first call is the snapshot, later calls emit only differences. */
  replaceAll(devices: TailnetDevice[]): void {
    if (!this.#ready) {
      for (const d of devices) this.#devices.set(d.id, d);
      this.#ready = true;
      this.#emit({ type: 'snapshot', devices: this.all() });
      return;
    }
    const next = new Map(devices.map((d) => [d.id, d]));
    for (const id of [...this.#devices.keys()]) if (!next.has(id)) this.remove(id);
    for (const d of next.values()) this.upsert(d);
  }

  upsert(device: TailnetDevice): void {
    const prev = this.#devices.get(device.id);
    if (prev && JSON.stringify(prev) === JSON.stringify(device)) return;
    this.#devices.set(device.id, device);
    if (this.#ready) this.#emit({ type: 'upsert', device });
  }

  remove(id: string): void {
    if (!this.#devices.delete(id)) return;
    if (this.#ready) this.#emit({ type: 'remove', id });
  }

  #deliver(listener: (c: DeviceChange) => void, change: DeviceChange): void {
    try {
      listener(change);
    } catch (err) {
      this.#log.error('device watch listener threw', { err });
    }
  }

  #emit(change: DeviceChange): void {
    for (const l of [...this.#listeners]) this.#deliver(l, change);
  }

  /** Stop the source and forget state (the next subscriber starts afresh). */
  close(): void {
    this.#stop?.();
    this.#stop = undefined;
    this.#devices.clear();
    this.#ready = false;
    this.#listeners.clear();
  }
}

/** A poll loop as a source: list every `intervalMs`, backing off on failures (up to 8×). */
export function pollingSource(
  list: () => Promise<TailnetDevice[]>,
  intervalMs: number,
  log: Logger,
): DeviceSource {
  // One poller per app against its control plane: no herd to spread, so no jitter.
  const pollBackoff: BackoffRule = { baseMs: intervalMs, factor: 2, capMs: 8 * intervalMs, jitter: 'none' };
  return {
    start(hub) {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let failures = 0;
      const tick = async () => {
        try {
          const devices = await list();
          if (stopped) return;
          failures = 0;
          hub.replaceAll(devices);
        } catch (err) {
          failures += 1;
          log.warn('device poll failed', { err, failures });
        }
        if (!stopped) timer = setTimeout(() => void tick(), backoffDelay(pollBackoff, failures - 1));
      };
      void tick();
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    },
  };
}
