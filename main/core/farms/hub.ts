/**
 * Live state of every connected farm (latest reading per sensor, link state, farm info) with coalesced
 * delivery: changes are collected and pushed to subscribers in batches at most every `intervalMs`
 * (100 ms → ≤ 10 batches a second), so 1,000 farms at 1 Hz do not flood the renderer.
 */
import type { FarmInfo, Reading } from '../../../protocol/farm-api.ts';
import type { Logger } from '../../../kit/log.ts';
import type { FarmHealthSink, FarmLive, LinkState, LiveBatch, ReadingsBatch } from './types.ts';

export interface HubOptions {
  intervalMs?: number;
  /** Readings kept per farm between two flushes; beyond it the oldest are dropped from the event (not the cache). */
  maxPendingPerFarm?: number;
  healthSink?: FarmHealthSink;
  log: Logger;
}

interface FarmEntry {
  farmId: string;
  link: LinkState;
  linkSince: number;
  linkDetail: string;
  info: FarmInfo | null;
  latest: Map<string, Reading>;
  lastReadingAt: number | null;
  pending: Reading[];
  dropped: number;
}

export interface Hub {
  /** Creates the entry if needed; seeds come from the cache so offline farms show what was last known. */
  track(
    farmId: string,
    seed: { info: FarmInfo | null; latest: readonly Reading[]; link: LinkState; since: number },
  ): void;
  ingest(farmId: string, readings: readonly Reading[]): void;
  setLink(farmId: string, state: LinkState, since: number, detail: string): void;
  setInfo(farmId: string, info: FarmInfo): void;
  remove(farmId: string): void;
  get(farmId: string): FarmLive | undefined;
  all(): FarmLive[];
  onReadings(listener: (batch: ReadingsBatch) => void): () => void;
  onLive(listener: (batch: LiveBatch) => void): () => void;
  /** Push whatever is pending now (tests, shutdown). */
  flush(): void;
  dispose(): void;
}

function snapshot(e: FarmEntry): FarmLive {
  return {
    farmId: e.farmId,
    link: e.link,
    linkSince: e.linkSince,
    linkDetail: e.linkDetail,
    info: e.info,
    latest: [...e.latest.values()],
    lastReadingAt: e.lastReadingAt,
  };
}

export function createHub(options: HubOptions): Hub {
  const intervalMs = options.intervalMs ?? 100;
  const maxPending = options.maxPendingPerFarm ?? 10_000;
  const farms = new Map<string, FarmEntry>();
  const dirty = new Set<string>();
  const removed = new Set<string>();
  const readingListeners = new Set<(batch: ReadingsBatch) => void>();
  const liveListeners = new Set<(batch: LiveBatch) => void>();
  let timer: NodeJS.Timeout | undefined;
  let lastFlush = 0;
  let disposed = false;

  const emit = <T>(listeners: Set<(b: T) => void>, batch: T) => {
    for (const l of listeners) {
      try {
        l(batch);
      } catch (err) {
        options.log.error('hub listener failed', { err });
      }
    }
  };

  const flush = () => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (dirty.size === 0 && removed.size === 0) return;
    lastFlush = performance.now();
    const at = Date.now();
    const readings: ReadingsBatch['farms'] = [];
    const changed: FarmLive[] = [];
    for (const id of dirty) {
      const e = farms.get(id);
      if (!e) continue;
      if (e.pending.length > 0) {
        if (e.pending.length > maxPending) {
          e.dropped += e.pending.length - maxPending;
          e.pending = e.pending.slice(-maxPending);
        }
        readings.push({ farmId: id, readings: e.pending });
        if (e.lastReadingAt !== null) options.healthSink?.noteReading(id, e.lastReadingAt);
        if (e.dropped > 0)
          options.log.warn('readings dropped from a live batch', { farmId: id, dropped: e.dropped });
        e.pending = [];
        e.dropped = 0;
      }
      if (liveListeners.size > 0) changed.push(snapshot(e));
    }
    const gone = [...removed];
    dirty.clear();
    removed.clear();
    if (readings.length > 0) emit(readingListeners, { at, farms: readings });
    if (changed.length > 0 || gone.length > 0) emit(liveListeners, { at, changed, removed: gone });
  };

  const markDirty = (farmId: string) => {
    dirty.add(farmId);
    if (timer || disposed) return;
    const wait = Math.max(0, lastFlush + intervalMs - performance.now());
    timer = setTimeout(flush, wait);
    timer.unref();
  };

  return {
    track(farmId, seed) {
      if (farms.has(farmId)) return;
      const latest = new Map(seed.latest.map((r) => [r.sensorId, r] as const));
      let last: number | null = null;
      for (const r of seed.latest) last = last === null ? r.ts : Math.max(last, r.ts);
      farms.set(farmId, {
        farmId,
        link: seed.link,
        linkSince: seed.since,
        linkDetail: '',
        info: seed.info,
        latest,
        lastReadingAt: last,
        pending: [],
        dropped: 0,
      });
      markDirty(farmId);
    },
    ingest(farmId, readings) {
      const e = farms.get(farmId);
      if (!e || readings.length === 0) return;
      for (const r of readings) {
        const prev = e.latest.get(r.sensorId);
        if (!prev || prev.ts < r.ts) e.latest.set(r.sensorId, r);
        if (e.lastReadingAt === null || r.ts > e.lastReadingAt) e.lastReadingAt = r.ts;
        e.pending.push(r);
      }
      // Trim rarely (amortised): keep the newest `maxPending` when a flush is late.
      if (e.pending.length > 2 * maxPending) {
        const excess = e.pending.length - maxPending;
        e.pending = e.pending.slice(excess);
        e.dropped += excess;
      }
      markDirty(farmId);
    },
    setLink(farmId, state, since, detail) {
      const e = farms.get(farmId);
      if (!e) return;
      e.link = state;
      e.linkSince = since;
      e.linkDetail = detail;
      markDirty(farmId);
    },
    setInfo(farmId, info) {
      const e = farms.get(farmId);
      if (!e) return;
      e.info = info;
      markDirty(farmId);
    },
    remove(farmId) {
      if (!farms.delete(farmId)) return;
      dirty.delete(farmId);
      removed.add(farmId);
      markDirty(farmId);
    },
    get(farmId) {
      const e = farms.get(farmId);
      return e ? snapshot(e) : undefined;
    },
    all: () => [...farms.values()].map(snapshot),
    onReadings(listener) {
      readingListeners.add(listener);
      return () => readingListeners.delete(listener);
    },
    onLive(listener) {
      liveListeners.add(listener);
      return () => liveListeners.delete(listener);
    },
    flush,
    dispose() {
      if (disposed) return;
      flush();
      disposed = true;
      if (timer) clearTimeout(timer);
      readingListeners.clear();
      liveListeners.clear();
    },
  };
}
