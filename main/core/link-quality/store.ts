/**
 * Link samples in the farm cache's SQLite file (`farms.sqlite`), as their own component (`link-quality`,
 * kit/sqlite.ts `migrate`). One compact row per farm and sample: kind as a small integer, the DERP region
 * only when relayed, times in epoch ms, and a WITHOUT ROWID table keyed by (farm, time) so a row costs
 * little more than its values. Bounded twice: rows older than the retention go, and no farm keeps more than
 * `maxRowsPerFarm` (the newest), pruned at most once per `pruneEveryMs`.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { LinkKind, LinkSample } from '../../../protocol/app/index.ts';
import { migrate, storageWrite, transaction } from '../../../kit/sqlite.ts';

const KINDS: readonly LinkKind[] = ['direct', 'relayed', 'unreachable', 'unknown'];

const migrations: ReadonlyArray<(db: DatabaseSync) => void> = [
  (db) =>
    db.exec(`
      CREATE TABLE link_samples (
        farm_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        kind INTEGER NOT NULL,
        region TEXT,
        rtt_ms REAL,
        handshake_at INTEGER,
        rx INTEGER NOT NULL,
        tx INTEGER NOT NULL,
        PRIMARY KEY (farm_id, at)
      ) WITHOUT ROWID;
      CREATE INDEX link_samples_by_time ON link_samples (at);
    `),
];

export interface LinkStoreOptions {
  db: DatabaseSync;
  now: () => number;
  /** Default 30 days. */
  retentionMs?: number;
  /** Default 50,000: a month at one sample a minute, with room for a shorter interval. */
  maxRowsPerFarm?: number;
  /** Default one hour. */
  pruneEveryMs?: number;
}

export interface LinkStore {
  add(samples: ReadonlyArray<{ farmId: string; sample: LinkSample }>): void;
  /** Samples of a farm in [from, to], oldest first, at most `limit` (the newest of them). */
  query(farmId: string, from: number, to: number, limit?: number): LinkSample[];
  /** The last sample at or before `at` (a span that began before a window still shows in it). */
  before(farmId: string, at: number): LinkSample | null;
  rowCount(farmId?: string): number;
  prune(): void;
  forget(farmId: string): void;
}

interface Row {
  at: number;
  kind: number;
  region: string | null;
  rtt_ms: number | null;
  handshake_at: number | null;
  rx: number;
  tx: number;
}

const toSample = (r: Row): LinkSample => ({
  at: r.at,
  kind: KINDS[r.kind] ?? 'unknown',
  region: r.region,
  rttMs: r.rtt_ms,
  handshakeAt: r.handshake_at,
  rxBytes: r.rx,
  txBytes: r.tx,
});

export function createLinkStore(options: LinkStoreOptions): LinkStore {
  const { db, now } = options;
  migrate(db, { component: 'link-quality', migrations });
  const retentionMs = options.retentionMs ?? 30 * 86_400_000;
  const maxRows = options.maxRowsPerFarm ?? 50_000;
  const pruneEveryMs = options.pruneEveryMs ?? 3_600_000;
  let prunedAt = -Infinity;

  const insert = db.prepare(
    `INSERT OR REPLACE INTO link_samples (farm_id, at, kind, region, rtt_ms, handshake_at, rx, tx)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const range = db.prepare(
    `SELECT * FROM (SELECT at, kind, region, rtt_ms, handshake_at, rx, tx FROM link_samples
       WHERE farm_id = ? AND at BETWEEN ? AND ? ORDER BY at DESC LIMIT ?) ORDER BY at`,
  );
  const last = db.prepare(
    `SELECT at, kind, region, rtt_ms, handshake_at, rx, tx FROM link_samples
     WHERE farm_id = ? AND at <= ? ORDER BY at DESC LIMIT 1`,
  );
  const expire = db.prepare('DELETE FROM link_samples WHERE at < ?');
  const farms = db.prepare('SELECT farm_id, COUNT(*) AS n FROM link_samples GROUP BY farm_id');
  const trim = db.prepare(
    `DELETE FROM link_samples WHERE farm_id = ?1 AND at <
       (SELECT at FROM link_samples WHERE farm_id = ?1 ORDER BY at DESC LIMIT 1 OFFSET ?2)`,
  );
  const forget = db.prepare('DELETE FROM link_samples WHERE farm_id = ?');
  const countAll = db.prepare('SELECT COUNT(*) AS n FROM link_samples');
  const countFarm = db.prepare('SELECT COUNT(*) AS n FROM link_samples WHERE farm_id = ?');

  const prune = () => {
    prunedAt = now();
    storageWrite(() =>
      transaction(db, () => {
        expire.run(now() - retentionMs);
        for (const r of farms.all() as Array<{ farm_id: string; n: number }>)
          if (r.n > maxRows) trim.run(r.farm_id, maxRows - 1);
      }),
    );
  };

  const run = (stmt: StatementSync, farmId: string, s: LinkSample) =>
    stmt.run(
      farmId,
      s.at,
      KINDS.indexOf(s.kind),
      s.kind === 'relayed' ? s.region : null,
      s.rttMs === null ? null : Math.round(s.rttMs * 10) / 10,
      s.handshakeAt,
      s.rxBytes,
      s.txBytes,
    );

  return {
    add(samples) {
      if (samples.length === 0) return;
      storageWrite(() => transaction(db, () => samples.forEach((s) => run(insert, s.farmId, s.sample))));
      if (now() - prunedAt >= pruneEveryMs) prune();
    },
    query: (farmId, from, to, limit = 50_000) =>
      (range.all(farmId, from, to, limit) as unknown as Row[]).map(toSample),
    before(farmId, at) {
      const row = last.get(farmId, at) as Row | undefined;
      return row ? toSample(row) : null;
    },
    rowCount: (farmId) =>
      ((farmId === undefined ? countAll.get() : countFarm.get(farmId)) as { n: number }).n,
    prune,
    forget: (farmId) => void storageWrite(() => forget.run(farmId)),
  };
}
