/**
 * Local cache of recent history per farm (SQLite): charts open instantly, offline farms show what was last
 * known with its age, and getHistory answers from here when a farm is unreachable. It is also the
 * authority for "have we seen this reading?", which keeps backfills exact.
 *
 * Readings are kept in blocks: each farm's new readings are collected in memory (numbers in reused typed
 * arrays, blocks.ts) and written as one row per sensor (packed ts/value/quality) when the farm's block is
 * 15–30 s old (`maxBlockAgeMs`, spread so farms that connected together write apart) or large. A thousand
 * farms at 1 Hz (10,000 readings/s) are ~500 small row writes a second, a flood one write per few hundred
 * readings. Reads see unwritten ones too. A farm's stream position is written in the same transaction as
 * its block, so a crash loses only readings past the saved position, which the stream replays on restart
 * (at most one block age). Pruning deletes a bounded number of expired blocks per flush; the file holds one
 * retention (24 h) and reuses freed pages, about 15–17 MB per farm per day at 10 sensors × 1 Hz
 * (bench/farms-scale.ts). Retention is
 * measured on this machine's clock, so a gateway whose clock lags by more than the retention gets no cache.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { FarmInfo, type HistoryResponse, type Reading } from '../../../protocol/farm-api.ts';
import { lttbPoints, type Point } from '../../../protocol/downsample.ts';
import { transaction } from '../../../kit/sqlite.ts';
import type { Logger } from '../../../kit/log.ts';
import type { Clock } from './types.ts';
import { type ClosedBlock, decode, OpenBlock } from './blocks.ts';

export interface ReadingCacheOptions {
  db: DatabaseSync;
  clock: Clock;
  log: Logger;
  /** Readings older than this are dropped from the cache (the gateway keeps the long history). */
  retentionMs?: number;
  /** How often full or old blocks are written. */
  flushMs?: number;
  /** Readings per sensor row when a farm is busy (a farm's list closes at 8 × this). */
  blockSize?: number;
  /** A farm's block is written once it is ½–1 × this old. */
  maxBlockAgeMs?: number;
  /** Blocks pruned per flush. */
  pruneBatch?: number;
  /** Stream positions are kept in memory and written for all farms in one transaction this often (and at dispose). */
  seqSaveMs?: number;
  /** [0, 1) for the spread of block deadlines (tests pin it). */
  random?: () => number;
}

export interface ReadingCache {
  add(farmId: string, readings: readonly Reading[]): void;
  /** Write every block, open or full, now (before reads that must see everything, and at shutdown). */
  flush(): void;
  /** Timestamps cached for a sensor in [from, to]. */
  tsIn(farmId: string, sensorId: string, from: number, to: number): Set<number>;
  has(farmId: string, sensorId: string, ts: number): boolean;
  latest(farmId: string): Reading[];
  query(farmId: string, sensorId: string, from: number, to: number, maxPoints: number): HistoryResponse;
  /** Oldest timestamp the cache keeps (older readings are neither stored nor backfilled). */
  horizon(): number;
  saveInfo(farmId: string, info: FarmInfo): void;
  loadInfo(farmId: string): { info: FarmInfo; at: number } | null;
  saveSeq(farmId: string, seq: number | null): void;
  loadSeq(farmId: string): number | null;
  dispose(): void;
}

export function createReadingCache(options: ReadingCacheOptions): ReadingCache {
  const { db, clock, log } = options;
  const retentionMs = options.retentionMs ?? 24 * 3600_000;
  const flushMs = options.flushMs ?? 250;
  const blockSize = options.blockSize ?? 256;
  const maxBlockAgeMs = options.maxBlockAgeMs ?? 30_000;
  const pruneBatch = options.pruneBatch ?? 2_000;
  const seqSaveMs = options.seqSaveMs ?? 30_000;
  const random = options.random ?? Math.random;
  /** Blocks per transaction, one transaction per turn of the event loop. */
  const writeSlice = 128;

  const st = {
    insert: db.prepare(
      'INSERT OR REPLACE INTO reading_blocks (farm_id, sensor_id, first_ts, last_ts, n, data) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    overlapping: db.prepare(
      'SELECT n, data FROM reading_blocks WHERE farm_id = ? AND sensor_id = ? AND first_ts <= ? AND last_ts >= ?',
    ),
    latest: db.prepare(
      'SELECT sensor_id, MAX(last_ts) AS last_ts, n, data FROM reading_blocks WHERE farm_id = ? GROUP BY sensor_id',
    ),
    prune: db.prepare(
      'DELETE FROM reading_blocks WHERE rowid IN (SELECT rowid FROM reading_blocks WHERE last_ts < ? ORDER BY last_ts LIMIT ?)',
    ),
    saveInfo: db.prepare(
      'INSERT INTO farm_state (farm_id, info_json, info_at) VALUES (?, ?, ?) ON CONFLICT (farm_id) DO UPDATE SET info_json = excluded.info_json, info_at = excluded.info_at',
    ),
    loadState: db.prepare('SELECT info_json, info_at, last_seq FROM farm_state WHERE farm_id = ?'),
    saveSeq: db.prepare(
      'INSERT INTO farm_state (farm_id, last_seq) VALUES (?, ?) ON CONFLICT (farm_id) DO UPDATE SET last_seq = excluded.last_seq',
    ),
  } satisfies Record<string, StatementSync>;

  /** farmId → its open block (kept and reused; count 0 when nothing is waiting). */
  const open = new Map<string, OpenBlock>();
  /** Closed blocks waiting to be written (still readable). */
  let full: ClosedBlock[] = [];
  /** farmId → its newest block in `full`. */
  const waiting = new Map<string, ClosedBlock>();
  const close = (p: OpenBlock) => {
    const c = p.close();
    full.push(c);
    waiting.set(c.farmId, c);
  };
  let timer: NodeJS.Timeout | undefined;
  let writing: NodeJS.Immediate | undefined;
  let disposed = false;
  /**
   * farmId → stream position not yet written, for farms with no unwritten readings (one transaction for
   * all farms every seqSaveMs). A farm with unwritten readings saves its position with them, in the same
   * transaction, so the saved position never covers readings a crash would lose.
   */
  const pendingSeqs = new Map<string, number | null>();
  const saveSeqs = () => {
    if (pendingSeqs.size === 0) return;
    const batch = [...pendingSeqs];
    pendingSeqs.clear();
    try {
      transaction(db, () => {
        for (const [farmId, seq] of batch) st.saveSeq.run(farmId, seq);
      });
    } catch (err) {
      // Keep them for the next try unless a newer position arrived meanwhile.
      for (const [farmId, seq] of batch) if (!pendingSeqs.has(farmId)) pendingSeqs.set(farmId, seq);
      log.warn('could not save stream positions; retrying later', { err });
    }
  };
  const seqTimer = setInterval(saveSeqs, seqSaveMs);
  seqTimer.unref();

  /** One row per sensor of each pending list, in one transaction. */
  const write = (lists: ClosedBlock[]) => {
    if (lists.length === 0) return;
    try {
      transaction(db, () => {
        for (const p of lists) {
          for (const e of p.rows) st.insert.run(p.farmId, e.sensorId, e.first, e.last, e.n, e.data);
          if (p.seq !== undefined) st.saveSeq.run(p.farmId, p.seq);
        }
        st.prune.run(clock.now() - retentionMs, pruneBatch);
      });
    } catch (err) {
      log.error('reading cache write failed', { err, farms: lists.length });
    }
    for (const p of lists) if (waiting.get(p.farmId) === p) waiting.delete(p.farmId);
  };

  /** Write waiting lists a slice per turn of the event loop (they stay readable until written). */
  const drain = () => {
    writing = undefined;
    if (full.length === 0) return;
    const slice = full.slice(0, writeSlice);
    write(slice);
    full = full.slice(slice.length);
    if (full.length > 0 && !disposed) writing = setImmediate(drain);
  };

  /** Periodic: close lists older than maxBlockAgeMs (big ones close as they fill) and write. */
  const tick = () => {
    timer = undefined;
    const now = performance.now();
    let remaining = false;
    for (const p of open.values()) {
      if (p.count === 0) continue;
      if (now >= p.deadline) close(p);
      else remaining = true;
    }
    if (!writing) drain();
    if (remaining && !disposed) schedule();
  };

  const schedule = () => {
    if (timer || disposed) return;
    timer = setTimeout(tick, flushMs);
    timer.unref();
  };

  const flush = () => {
    if (writing) clearImmediate(writing);
    writing = undefined;
    for (const p of open.values()) if (p.count > 0) close(p);
    const all = full;
    full = [];
    write(all);
  };

  const openReadings = (
    farmId: string,
    sensorId: string | null,
    from: number,
    to: number,
    out: Reading[],
  ) => {
    open.get(farmId)?.scan(sensorId, from, to, out);
    for (const p of full) {
      if (p.farmId !== farmId) continue;
      for (const e of p.rows)
        if (sensorId === null || e.sensorId === sensorId) decode(e.data, e.n, e.sensorId, from, to, out);
    }
  };

  /** Every cached reading of a sensor in [from, to] (unsorted). */
  const readingsIn = (farmId: string, sensorId: string, from: number, to: number): Reading[] => {
    const out: Reading[] = [];
    for (const row of st.overlapping.all(farmId, sensorId, to, from) as Array<{
      n: number;
      data: Uint8Array;
    }>) {
      decode(row.data, row.n, sensorId, from, to, out);
    }
    openReadings(farmId, sensorId, from, to, out);
    return out;
  };

  const horizon = () => clock.now() - retentionMs;

  return {
    add(farmId, readings) {
      if (disposed) return;
      const h = horizon();
      let p = open.get(farmId);
      if (!p) open.set(farmId, (p = new OpenBlock(farmId)));
      const now = performance.now();
      for (const r of readings) {
        if (r.ts < h) continue;
        // Deadlines spread over [½, 1] × maxBlockAgeMs so farms that connected together write apart.
        if (p.count === 0) p.deadline = now + maxBlockAgeMs * (0.5 + random() / 2);
        p.add(r);
        // A busy farm: close its block now (about `blockSize` readings per sensor row at 8 sensors).
        if (p.count >= blockSize * 8) close(p);
      }
      schedule();
    },
    flush,
    tsIn(farmId, sensorId, from, to) {
      return new Set(readingsIn(farmId, sensorId, from, to).map((r) => r.ts));
    },
    has(farmId, sensorId, ts) {
      return readingsIn(farmId, sensorId, ts, ts).length > 0;
    },
    latest(farmId) {
      const out = new Map<string, Reading>();
      const rows = st.latest.all(farmId) as Array<{
        sensor_id: string;
        last_ts: number;
        n: number;
        data: Uint8Array;
      }>;
      for (const row of rows) {
        const rs: Reading[] = [];
        decode(row.data, row.n, row.sensor_id, row.last_ts, row.last_ts, rs);
        if (rs[0]) out.set(row.sensor_id, rs[0]);
      }
      const pending: Reading[] = [];
      openReadings(farmId, null, -Infinity, Infinity, pending);
      for (const r of pending) {
        const prev = out.get(r.sensorId);
        if (!prev || prev.ts < r.ts) out.set(r.sensorId, r);
      }
      return [...out.values()];
    },
    query(farmId, sensorId, from, to, maxPoints) {
      const rows = readingsIn(farmId, sensorId, from, to).sort((a, b) => a.ts - b.ts);
      const raw: Point[] = rows.map((r) => [r.ts, r.value]);
      const points = raw.length > maxPoints ? lttbPoints(raw, maxPoints) : raw;
      const span = points.length > 1 ? points[points.length - 1]![0] - points[0]![0] : 0;
      return {
        farmId,
        sensorId,
        from,
        to,
        method: raw.length > maxPoints ? 'lttb' : 'raw',
        resolutionMs: points.length > 1 ? Math.round(span / (points.length - 1)) : 0,
        sourcePoints: raw.length,
        points,
      };
    },
    horizon,
    saveInfo(farmId, info) {
      st.saveInfo.run(farmId, JSON.stringify(info), clock.now());
    },
    loadInfo(farmId) {
      const row = st.loadState.get(farmId) as
        { info_json: string | null; info_at: number | null } | undefined;
      if (!row?.info_json) return null;
      const parsed = FarmInfo.safeParse(JSON.parse(row.info_json));
      return parsed.success ? { info: parsed.data, at: row.info_at ?? 0 } : null;
    },
    saveSeq(farmId, seq) {
      if (disposed) return;
      const holder = open.get(farmId)?.count ? open.get(farmId) : waiting.get(farmId);
      if (holder) {
        holder.seq = seq;
        pendingSeqs.delete(farmId);
      } else pendingSeqs.set(farmId, seq);
    },
    loadSeq(farmId) {
      for (const held of [open.get(farmId)?.seq, waiting.get(farmId)?.seq])
        if (held !== undefined) return held;
      if (pendingSeqs.has(farmId)) return pendingSeqs.get(farmId) ?? null;
      const row = st.loadState.get(farmId) as { last_seq: number | null } | undefined;
      return row?.last_seq ?? null;
    },
    dispose() {
      if (disposed) return;
      if (timer) clearTimeout(timer);
      clearInterval(seqTimer);
      flush();
      saveSeqs();
      timer = undefined;
      disposed = true;
    },
  };
}
