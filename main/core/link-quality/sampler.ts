/**
 * Samples how this control room reaches every farm, from its own tailscaled: one LocalAPI status per
 * interval (path, DERP region, last handshake, byte counters of every peer at once) and a disco ping per farm
 * at a lower rate — and at once for a farm whose stream is down, since only a ping tells a dead path from a
 * dead gateway. The daemon's `Online` comes from the control server, which may still reach a farm this
 * machine cannot; the ping is the data-plane answer and wins over the status.
 */
import type { LinkKind, LinkSample, LinkSource } from '../../../protocol/app/index.ts';
import type { Resource } from '../../../kit/resources.ts';
import type { Logger } from '../../../kit/log.ts';
import type { LocalApiClient } from '../../../kit/tailscale/localapi.ts';
import { type PeerStatus, type Status, timeOrNull } from '../../../kit/tailscale/localapi-types.ts';
import { type PingResult, pingPeer } from '../../../kit/tailscale/localapi-ping.ts';
import type { LinkStore } from './store.ts';

export interface SampledFarm {
  farmId: string;
  /** Tailnet IP (or MagicDNS name) the app dials. */
  address: string;
  /** false when the app's stream to the gateway is down or stale; undefined when not connected yet. */
  streamLive?: boolean | undefined;
}

export interface LinkSamplerTuning {
  intervalMs: number;
  pingEveryMs: number;
  pingConcurrency: number;
  pingTimeoutMs: number;
  /**
   * Pings per round at most (farms with a dead stream first, then the longest unpinged). The default keeps
   * a round of unanswered pings inside the interval: 60 s / 5 s × 4 at a time × 0.75.
   */
  maxPingsPerTick: number;
}

export const defaultSamplerTuning: LinkSamplerTuning = {
  intervalMs: 60_000,
  pingEveryMs: 5 * 60_000,
  pingConcurrency: 4,
  pingTimeoutMs: 5_000,
  maxPingsPerTick: 36,
};

export interface LinkSamplerOptions {
  localApi: Pick<LocalApiClient, 'status' | 'request'>;
  farms: () => SampledFarm[];
  store: LinkStore;
  now: () => number;
  log: Logger;
  tuning?: Partial<LinkSamplerTuning>;
}

export interface LinkSampler extends Resource {
  readonly intervalMs: number;
  /** Start the timer (the first sample is taken at once). */
  start(): void;
  /** One sampling round now (tests; the timer calls it too). Never overlaps another round. */
  tick(): Promise<void>;
  source(): LinkSource;
}

const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v));
const stripDot = (s: string) => s.replace(/\.$/, '').toLowerCase();

/** The path tailscaled reports for an active peer (see main/core/tailnet/normalize.ts for the same rule). */
function pathOf(peer: PeerStatus | undefined): { kind: LinkKind; region: string | null } {
  if (!peer || !peer.Online) return { kind: 'unreachable', region: null };
  if (peer.CurAddr !== '') return { kind: 'direct', region: null };
  if (peer.Relay !== '' && peer.Active) return { kind: 'relayed', region: peer.Relay };
  return { kind: 'unknown', region: null };
}

function pathOfPing(p: PingResult): { kind: LinkKind; region: string | null } {
  if (p.Err !== '') return { kind: 'unreachable', region: null };
  if (p.Endpoint !== '' || p.PeerRelay !== '') return { kind: 'direct', region: null };
  if (p.DERPRegionID !== 0) return { kind: 'relayed', region: p.DERPRegionCode || String(p.DERPRegionID) };
  return { kind: 'unknown', region: null };
}

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function createLinkSampler(options: LinkSamplerOptions): LinkSampler {
  const tuning = { ...defaultSamplerTuning, ...options.tuning };
  const { store, now, log } = options;
  const lastPing = new Map<string, number>();
  const counters = new Map<string, { rx: number; tx: number }>();
  let source: LinkSource = { kind: 'localapi', problem: null };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let disposed = false;
  let started = false;

  /** Peers by tailnet IP and by MagicDNS name (lower case, no trailing dot): one pass per round. */
  const peerIndex = (status: Status): Map<string, PeerStatus> => {
    const index = new Map<string, PeerStatus>();
    for (const p of Object.values(status.Peer)) {
      for (const ip of p.TailscaleIPs) index.set(ip, p);
      if (p.DNSName !== '') index.set(stripDot(p.DNSName), p);
    }
    return index;
  };

  const round = async () => {
    const farms = options.farms();
    if (farms.length === 0) return;
    let status: Status;
    try {
      status = await options.localApi.status();
      source = { kind: 'localapi', problem: null };
    } catch (err) {
      // No sample is better than a wrong one: the band shows "not sampled" and the card says why.
      source = { kind: 'unavailable', problem: (err as Error).message };
      log.debug('link sampling skipped: LocalAPI unavailable', { err });
      return;
    }
    const at = now();
    const peers = peerIndex(status);
    const rows = farms.map((farm) => {
      const peer = peers.get(farm.address) ?? peers.get(stripDot(farm.address));
      const rx = peer ? num(peer.RxBytes) : 0;
      const tx = peer ? num(peer.TxBytes) : 0;
      const prev = counters.get(farm.farmId);
      counters.set(farm.farmId, { rx, tx });
      const handshake = timeOrNull(peer?.LastHandshake);
      const sample: LinkSample = {
        at,
        ...pathOf(peer),
        rttMs: null,
        handshakeAt: handshake === null ? null : Date.parse(handshake),
        // A counter below the last one means tailscaled restarted: count from zero.
        rxBytes: prev === undefined ? 0 : rx >= prev.rx ? rx - prev.rx : rx,
        txBytes: prev === undefined ? 0 : tx >= prev.tx ? tx - prev.tx : tx,
      };
      return { farm, peer, sample };
    });
    const ip = (r: (typeof rows)[number]) =>
      r.peer?.TailscaleIPs.find((a) => !a.includes(':')) ?? r.peer?.TailscaleIPs[0];
    const due = rows
      .filter((r) => r.peer?.Online && ip(r) !== undefined)
      .filter(
        (r) =>
          r.farm.streamLive === false ||
          at - (lastPing.get(r.farm.farmId) ?? -Infinity) >= tuning.pingEveryMs,
      )
      .sort(
        (a, b) =>
          Number(a.farm.streamLive !== false) - Number(b.farm.streamLive !== false) ||
          (lastPing.get(a.farm.farmId) ?? -Infinity) - (lastPing.get(b.farm.farmId) ?? -Infinity),
      )
      .slice(0, tuning.maxPingsPerTick);
    await eachLimited(due, tuning.pingConcurrency, async (r) => {
      if (disposed) return;
      lastPing.set(r.farm.farmId, at);
      try {
        const result = await pingPeer(options.localApi, ip(r)!, { timeoutMs: tuning.pingTimeoutMs });
        const path = pathOfPing(result);
        Object.assign(r.sample, path);
        r.sample.rttMs = result.Err === '' ? result.LatencySeconds * 1000 : null;
      } catch (err) {
        log.debug('ping failed', { farmId: r.farm.farmId, err });
      }
    });
    if (disposed) return;
    store.add(rows.map((r) => ({ farmId: r.farm.farmId, sample: r.sample })));
    const known = new Set(farms.map((f) => f.farmId));
    for (const id of counters.keys()) if (!known.has(id)) counters.delete(id);
    for (const id of lastPing.keys()) if (!known.has(id)) lastPing.delete(id);
  };

  const tick = (): Promise<void> => {
    running ??= round()
      .catch((err: unknown) => log.warn('link sampling failed', { err }))
      .finally(() => {
        running = null;
      });
    return running;
  };

  const schedule = () => {
    if (disposed) return;
    timer = setTimeout(() => void tick().finally(schedule), tuning.intervalMs);
    timer.unref();
  };

  return {
    intervalMs: tuning.intervalMs,
    start() {
      if (started || disposed) return;
      started = true;
      void tick().finally(schedule);
    },
    tick,
    source: () => source,
    async dispose() {
      disposed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
