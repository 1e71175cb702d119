/**
 * The live stream's source of truth: numbers every message (seq, persisted so it keeps increasing across
 * restarts), keeps the last N messages for `?since=` replay, and remembers roughly which time each seq
 * belongs to so a client that fell out of the buffer is told which time range to backfill.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { CommandRecord, Reading, StreamMessage } from '../../protocol/farm-api.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../../kit/log.ts';
import { getMeta, setMeta, write } from '../store/db.ts';

export interface BufferedMessage {
  seq: number;
  /** Data time of the message (earliest reading, or when a command changed). */
  ts: number;
  text: string;
}

export type Subscriber = (message: BufferedMessage) => void;

export interface ReplayPlan {
  hello: StreamMessage;
  gap: StreamMessage | null;
  messages: BufferedMessage[];
}

export interface StreamHub {
  readonly farmId: string;
  seq(): number;
  publishReadings(readings: readonly Reading[]): void;
  publishCommand(command: CommandRecord): void;
  subscribe(fn: Subscriber): () => void;
  /** What a client connecting with `since` (or none) must receive before live messages. */
  replay(since: number | undefined): ReplayPlan;
}

const MARK_EVERY_MS = 60_000;

export interface StreamHubOptions {
  db: DatabaseSync;
  farmId: string;
  clock: Clock;
  /** Most messages kept for replay. */
  bufferSize: number;
  /** Most bytes kept for replay (a few huge batches must not pin memory). */
  bufferBytes?: number;
  log?: Logger;
}

export function createStreamHub(options: StreamHubOptions): StreamHub {
  const { db, farmId, clock, bufferSize } = options;
  const bufferBytes = options.bufferBytes ?? 16 * 1024 * 1024;
  let bytes = 0;
  let seq = Number(getMeta(db, 'stream_seq') ?? '0');
  const ring: BufferedMessage[] = [];
  const subscribers = new Set<Subscriber>();
  let lastMarkAt = -Infinity;
  const insertMark = db.prepare('INSERT OR REPLACE INTO stream_marks (seq, ts) VALUES (?, ?)');
  const markAtOrBefore = db.prepare('SELECT ts FROM stream_marks WHERE seq <= ? ORDER BY seq DESC LIMIT 1');
  const firstMark = db.prepare('SELECT ts FROM stream_marks ORDER BY seq LIMIT 1');

  function publish(ts: number, build: (seq: number) => StreamMessage): void {
    seq += 1;
    // Persist the counter before anyone sees the number, so a restart never reuses it. On a full disk
    // the message still goes out: what it reports is already stored (or refused to its sender), and a
    // client that saw numbers a restarted gateway reissues is told to resync (replay, `since > seq`).
    try {
      setMeta(db, 'stream_seq', String(seq));
      if (ts - lastMarkAt >= MARK_EVERY_MS || ts < lastMarkAt) {
        write(db, () => insertMark.run(seq, ts));
        lastMarkAt = ts;
      }
    } catch (err) {
      if (!(err instanceof AgromeshError && err.code === 'STORAGE_FULL')) throw err;
      options.log?.debug('stream counter not persisted (disk full)', { seq });
    }
    const message: BufferedMessage = { seq, ts, text: JSON.stringify(build(seq)) };
    ring.push(message);
    bytes += message.text.length;
    let drop = 0;
    while (ring.length - drop > 1 && (ring.length - drop > bufferSize || bytes > bufferBytes)) {
      bytes -= ring[drop]!.text.length;
      drop++;
    }
    if (drop > 0) ring.splice(0, drop);
    for (const fn of subscribers) fn(message);
  }

  return {
    farmId,
    seq: () => seq,
    publishReadings(readings) {
      if (readings.length === 0) return;
      let ts = Infinity;
      for (const r of readings) ts = Math.min(ts, r.ts);
      publish(ts, (s) => ({ type: 'readings', seq: s, readings: [...readings] }));
    },
    publishCommand(command) {
      publish(clock.now(), (s) => ({ type: 'command', seq: s, command }));
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
    replay(since) {
      const oldestSeq = ring[0]?.seq ?? seq + 1;
      const hello: StreamMessage = { type: 'hello', farmId, seq, oldestSeq };
      if (since === undefined || since === seq) return { hello, gap: null, messages: [] };
      if (since > seq) {
        // The client saw numbers this gateway never issued (its data was reset): resync everything.
        return { hello, gap: gapMessage(1, oldestSeq - 1), messages: [...ring] };
      }
      if (since + 1 >= oldestSeq) return { hello, gap: null, messages: ring.filter((m) => m.seq > since) };
      return { hello, gap: gapMessage(since + 1, oldestSeq - 1), messages: [...ring] };
    },
  };

  function gapMessage(fromSeq: number, toSeq: number): StreamMessage {
    const mark = markAtOrBefore.get(fromSeq) as { ts: number } | undefined;
    const first = firstMark.get() as { ts: number } | undefined;
    // A mark is at or before the missed data; step back a minute more for out-of-order batches.
    const fromTs = (mark?.ts ?? first?.ts ?? clock.now()) - MARK_EVERY_MS;
    const toTs = ring[0]?.ts ?? clock.now();
    return { type: 'gap', fromSeq, toSeq: Math.max(fromSeq, toSeq), fromTs: Math.min(fromTs, toTs), toTs };
  }
}
