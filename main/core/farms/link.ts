/**
 * One link per farm: the HTTP client, the live stream, and the bookkeeping that makes the stream exact.
 *
 * - Resume: the last processed sequence number is kept (and persisted) and sent as `since` on reconnect.
 * - Gaps: a `gap` message (the replay buffer no longer reaches back) or a restarted gateway sequence queues a
 *   backfill of the missing time range through /api/data/history in raw chunks (a chunk that comes back
 *   downsampled is halved and asked again), retried until done or older than the cache keeps. Null points
 *   in history are gap markers, not readings, and are not restored.
 * - Exactly once: a reading newer than the newest seen for its sensor is new; anything else is checked
 *   against the cache (primary key farm, sensor, ts), so replays and overlapping backfills never count twice.
 */
import {
  type CommandRecord,
  type FarmInfo,
  type HistoryResponse,
  Limits,
  type Reading,
  type Sensor,
  type StreamMessage,
} from '../../../protocol/farm-api.ts';
import type { Logger } from '../../../kit/log.ts';
import type { ReadingCache } from './cache.ts';
import type { TailnetDialer } from './dialer.ts';
import { createFarmClient, type FarmClient } from './farm-client.ts';
import type { Hub } from './hub.ts';
import { createFarmStream, type FarmStream } from './stream.ts';
import type {
  BackoffPolicy,
  Clock,
  FarmEndpoint,
  FarmHealthSink,
  LinkState,
  LinkStateEvent,
} from './types.ts';

export interface LinkTuning {
  heartbeatMs: number;
  handshakeTimeoutMs: number;
  requestTimeoutMs: number;
  backoff: BackoffPolicy;
  random: () => number;
  /** Points asked for per history request while backfilling. */
  backfillChunkPoints: number;
  /** Farm info older than this is fetched again when the link comes back. */
  infoRefreshMs: number;
}

export interface FarmLinkOptions {
  endpoint: FarmEndpoint;
  dialer: TailnetDialer;
  log: Logger;
  clock: Clock;
  cache: ReadingCache;
  hub: Hub;
  healthSink: FarmHealthSink | undefined;
  tuning: LinkTuning;
  onCommandRecord: (farmId: string, record: CommandRecord) => void;
  onLinkState: (event: LinkStateEvent) => void;
}

export interface FarmLink {
  readonly farmId: string;
  readonly endpoint: FarmEndpoint;
  readonly client: FarmClient;
  readonly state: LinkState;
  readonly stream: FarmStream;
  info(): FarmInfo | null;
  start(): void;
  stop(): Promise<void>;
  /** Resolves when no backfill is queued or running (tests and benchmarks). */
  idle(): Promise<void>;
}

interface Gap {
  fromTs: number;
  toTs: number;
  /** First missing sequence number, when the gap came from the stream. */
  fromSeq: number | null;
}

const MAX_HALVINGS = 16;

function toReading(sensorId: string, point: [number, number]): Reading {
  return { sensorId, ts: point[0], value: point[1], quality: 'ok' };
}

export function createFarmLink(options: FarmLinkOptions): FarmLink {
  const { endpoint, cache, hub, log, clock, tuning } = options;
  const farmId = endpoint.farmId;
  const client = createFarmClient({
    dialer: options.dialer,
    address: endpoint.address,
    port: endpoint.port,
    requestTimeoutMs: tuning.requestTimeoutMs,
  });

  const stored = cache.loadInfo(farmId);
  let info: FarmInfo | null = stored?.info ?? null;
  let infoAt = stored?.at ?? 0;
  let lastSeq: number | null = cache.loadSeq(farmId);
  let savedSeq = lastSeq;
  const seeded = cache.latest(farmId);
  const lastTs = new Map<string, number>(seeded.map((r) => [r.sensorId, r.ts]));
  const gaps: Gap[] = [];
  let backfilling: Promise<void> | null = null;
  let state: LinkState = 'connecting';
  let stopped = false;
  let seqTimer: NodeJS.Timeout | undefined;

  hub.track(farmId, { info, latest: seeded, link: 'connecting', since: clock.now() });

  /** The sequence number to resume from after a restart: never past the start of an unfinished backfill. */
  const resumableSeq = (): number | null => {
    let seq = lastSeq;
    for (const g of gaps)
      if (g.fromSeq !== null) seq = seq === null ? g.fromSeq - 1 : Math.min(seq, g.fromSeq - 1);
    return seq;
  };

  /** Persist at most once a second (or now). */
  const persistSeq = (now = false) => {
    const write = () => {
      if (seqTimer) clearTimeout(seqTimer);
      seqTimer = undefined;
      const value = resumableSeq();
      if (value === savedSeq) return;
      savedSeq = value;
      cache.saveSeq(farmId, value);
    };
    if (now) write();
    else if (!seqTimer && resumableSeq() !== savedSeq) {
      seqTimer = setTimeout(write, 1_000);
      seqTimer.unref();
    }
  };

  const accept = (readings: readonly Reading[]) => {
    if (readings.length === 0) return;
    cache.add(farmId, readings);
    hub.ingest(farmId, readings);
  };

  /** Live path: newer than the newest seen is new; anything older is checked against the cache. */
  const ingestLive = (readings: readonly Reading[]) => {
    const out: Reading[] = [];
    let slowSeen: Set<string> | undefined;
    const horizon = cache.horizon();
    for (const r of readings) {
      const last = lastTs.get(r.sensorId);
      if (last === undefined || r.ts > last) {
        lastTs.set(r.sensorId, r.ts);
        out.push(r);
        continue;
      }
      if (r.ts === last || r.ts < horizon) continue;
      const key = `${r.sensorId}\u0000${r.ts}`;
      if (slowSeen?.has(key)) continue;
      if (out.some((o) => o.sensorId === r.sensorId && o.ts === r.ts)) continue;
      if (cache.has(farmId, r.sensorId, r.ts)) continue;
      (slowSeen ??= new Set()).add(key);
      out.push(r);
    }
    accept(out);
  };

  const ensureInfo = async (force = false): Promise<FarmInfo> => {
    if (info && !force && clock.now() - infoAt < tuning.infoRefreshMs) return info;
    const fresh = await client.info();
    if (fresh.farmId !== farmId) {
      log.warn('gateway reports a different farm id', { farmId, reported: fresh.farmId });
    }
    info = fresh;
    infoAt = clock.now();
    cache.saveInfo(farmId, fresh);
    hub.setInfo(farmId, fresh);
    return fresh;
  };

  /** Raw history for one sensor over [from, to], in chunks small enough to come back undownsampled. */
  const backfillSensor = async (sensor: Sensor, from: number, to: number): Promise<number> => {
    let chunk = Math.max(1_000, sensor.intervalMs * tuning.backfillChunkPoints);
    let added = 0;
    let a = from;
    let halvings = 0;
    while (a <= to && !stopped) {
      const b = Math.min(to, a + chunk - 1);
      // maxPoints at the protocol cap: a gateway that treats a missing maxPoints as "raw" and one that
      // applies a default cap both answer raw for a chunk this size.
      const res: HistoryResponse = await client.history(
        { sensor: sensor.id, from: a, to: b, maxPoints: Limits.historyMaxPoints },
        tuning.requestTimeoutMs,
      );
      if (res.method !== 'raw' && chunk > 1_000 && halvings < MAX_HALVINGS) {
        // The gateway thinned the answer: ask for less at a time.
        chunk = Math.max(1_000, Math.floor(chunk / 2));
        halvings++;
        continue;
      }
      const seen = cache.tsIn(farmId, sensor.id, a, b);
      const fresh: Reading[] = [];
      for (const p of res.points) {
        // A null in history marks missing data (or a fault) and is not a reading we can restore.
        if (p[1] === null || p[0] < a || p[0] > b || seen.has(p[0])) continue;
        seen.add(p[0]);
        fresh.push(toReading(sensor.id, [p[0], p[1]]));
      }
      for (const r of fresh) if ((lastTs.get(r.sensorId) ?? -Infinity) < r.ts) lastTs.set(r.sensorId, r.ts);
      accept(fresh);
      added += fresh.length;
      a = b + 1;
    }
    return added;
  };

  const runBackfills = async () => {
    while (gaps.length > 0 && !stopped && state === 'live') {
      const gap = gaps[0]!;
      const from = Math.max(gap.fromTs, cache.horizon());
      if (from <= gap.toTs) {
        const farm = await ensureInfo();
        let added = 0;
        for (const sensor of farm.sensors) added += await backfillSensor(sensor, from, gap.toTs);
        log.info('backfilled a gap', { farmId, from, to: gap.toTs, added });
      }
      if (gaps[0] === gap) gaps.shift();
      persistSeq();
    }
  };

  const kickBackfill = () => {
    if (backfilling || gaps.length === 0 || stopped) return;
    backfilling = runBackfills()
      .catch((err: unknown) => {
        // Left queued: retried when the link is live again.
        log.warn('backfill failed; will retry on the next connection', { farmId, err });
      })
      .finally(() => {
        backfilling = null;
      });
  };

  const queueGap = (gap: Gap) => {
    if (gap.toTs < gap.fromTs) return;
    gaps.push(gap);
    persistSeq();
    kickBackfill();
  };

  /** An open stream counts as live only once its hello names this farm. */
  let awaitingHello = false;

  const onMessage = (msg: StreamMessage) => {
    // Nothing counts before the gateway has said which farm it is (or after it named another one).
    if (awaitingHello && msg.type !== 'hello') return;
    switch (msg.type) {
      case 'hello': {
        if (msg.farmId !== farmId) {
          log.error('the address serves another farm; not using its stream', {
            farmId,
            reported: msg.farmId,
          });
          stream.redial(`the gateway at this address is farm ${msg.farmId}`, false);
          return;
        }
        if (awaitingHello) {
          awaitingHello = false;
          publish('live', 'stream live', 0);
        }
        if (lastSeq !== null && msg.seq < lastSeq) {
          // The gateway's sequence restarted: resume by time from the newest reading we hold.
          const newest = [...lastTs.values()].reduce((m, t) => Math.max(m, t), -Infinity);
          log.info('gateway sequence restarted; backfilling by time', { farmId, lastSeq, seq: msg.seq });
          if (Number.isFinite(newest)) queueGap({ fromTs: newest + 1, toTs: clock.now(), fromSeq: null });
          lastSeq = msg.seq;
          persistSeq(true);
        } else if (lastSeq === null) {
          lastSeq = msg.seq;
          persistSeq();
        }
        return;
      }
      case 'readings':
        ingestLive(msg.readings);
        if (lastSeq === null || msg.seq > lastSeq) lastSeq = msg.seq;
        persistSeq();
        return;
      case 'gap':
        queueGap({ fromTs: msg.fromTs, toTs: msg.toTs, fromSeq: msg.fromSeq });
        if (lastSeq === null || msg.toSeq > lastSeq) lastSeq = msg.toSeq;
        persistSeq();
        return;
      case 'command':
        if (lastSeq === null || msg.seq > lastSeq) lastSeq = msg.seq;
        options.onCommandRecord(farmId, msg.command);
        return;
    }
  };

  const publish = (next: LinkState, detail: string, attempt: number) => {
    const prev = state;
    state = next;
    const since = clock.now();
    hub.setLink(farmId, next, since, detail);
    options.onLinkState({ farmId, state: next, since, detail, attempt });
    if (next === 'live') {
      if (prev !== 'live') options.healthSink?.noteGatewayStatus(farmId, true, 'stream live');
      ensureInfo().catch((err: unknown) => log.warn('farm info unavailable', { farmId, err }));
      // Slow sensors may not report for a minute: show their latest readings now (deduplicated as live).
      client
        .current()
        .then((current) => {
          if (!stopped) ingestLive(current.readings);
        })
        .catch((err: unknown) => log.debug('current readings unavailable', { farmId, err }));
      kickBackfill();
    } else if (next === 'stale' || (next === 'down' && prev !== 'down')) {
      options.healthSink?.noteGatewayStatus(farmId, false, detail);
    }
  };

  const onState = (next: LinkState, detail: string, attempt: number) => {
    awaitingHello = next === 'live';
    if (awaitingHello)
      publish('connecting', 'stream open; waiting for the gateway to introduce itself', attempt);
    else publish(next, detail, attempt);
  };

  const stream = createFarmStream({
    farmId,
    dialer: options.dialer,
    address: endpoint.address,
    port: endpoint.port,
    log,
    heartbeatMs: tuning.heartbeatMs,
    handshakeTimeoutMs: tuning.handshakeTimeoutMs,
    backoff: tuning.backoff,
    random: tuning.random,
    resumeFrom: () => lastSeq,
    onMessage,
    onState,
  });

  return {
    farmId,
    endpoint,
    client,
    stream,
    get state() {
      return state;
    },
    info: () => info,
    start: () => stream.start(),
    async stop() {
      stopped = true;
      await stream.stop();
      await client.dispose(); // aborts a backfill request in flight
      await backfilling;
      persistSeq(true);
      state = 'closed';
    },
    async idle() {
      while (backfilling) await backfilling;
    },
  };
}
