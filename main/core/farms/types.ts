/**
 * Shared shapes of the farm-connections module: what a farm endpoint is, how a link reports its state,
 * and the small interfaces other services inject (clock, health sink).
 */
import type { BackoffRule } from '../../../protocol/backoff.ts';
import type { FarmInfo, Reading } from '../../../protocol/farm-api.ts';

/** Where a farm gateway listens: its tailnet address (or MagicDNS name) and port. */
export interface FarmEndpoint {
  farmId: string;
  address: string;
  port: number;
}

/** Reconnection (and command retry) backoff: full jitter unless the rule says otherwise. */
export interface BackoffPolicy extends BackoffRule {
  /** A link must stay up this long before its attempt counter resets (a flapping link keeps backing off). */
  minUptimeMs: number;
}

/**
 * connecting: dialling (first time or after a drop); live: stream open and heartbeats answered;
 * stale: the stream stopped answering (half-open) and is being torn down; down: waiting to retry;
 * closed: disconnected on purpose.
 */
export type LinkState = 'connecting' | 'live' | 'stale' | 'down' | 'closed';

export interface LinkStateEvent {
  farmId: string;
  state: LinkState;
  /** Epoch ms when the link entered this state. */
  since: number;
  detail: string;
  /** Reconnection attempt number (0 for the first dial after live). */
  attempt: number;
}

/** What the app knows about one farm right now, live or last known. */
export interface FarmLive {
  farmId: string;
  link: LinkState;
  linkSince: number;
  linkDetail: string;
  info: FarmInfo | null;
  /** Latest reading per sensor (possibly old: compare `ts` with the clock). */
  latest: Reading[];
  lastReadingAt: number | null;
}

export interface ReadingsBatch {
  /** Epoch ms of the flush. */
  at: number;
  farms: Array<{ farmId: string; readings: Reading[] }>;
}

export interface LiveBatch {
  at: number;
  changed: FarmLive[];
  /** Farms disconnected since the previous batch. */
  removed: string[];
}

/** Injected time source so tests can run simulated hours in seconds. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Where links report liveness; FarmDiscoveryService implements it to compute each farm's health.
 * Calls are cheap and frequent (noteReading at most once per batch per farm).
 */
export interface FarmHealthSink {
  noteReading(farmId: string, ts: number): void;
  noteGatewayStatus(farmId: string, ok: boolean, detail: string): void;
}
