/**
 * Link samples in the farm cache's SQLite file (`farms.sqlite`), as their own component (`link-quality`,
 * kit/sqlite.ts `migrate`). Compact rows: the farm as a small integer (`link_farms` names it), kind as an
 * integer, the DERP region only when relayed, the round trip in tenths of a millisecond, the handshake as
 * seconds before the sample, in a WITHOUT ROWID table keyed by (farm, time) — under 30 bytes a row on disk
 * (test/link-quality/cost.test.ts).
 * Bounded twice: rows older than the retention go (once per `pruneEveryMs`, a key-range delete per farm),
 * and no farm keeps more than `maxRowsPerFarm` (the newest): rows are counted in memory (from the file once
 * per farm, then per insert, an overestimate after expiry) and a farm is trimmed and recounted only when its
 * count passes the cap by a tenth (at most 500), so no write walks a farm's rows.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { LinkKind, LinkSample } from '../../../protocol/app/index.ts';
import { migrate, storageWrite, transaction } from '../../../kit/sqlite.ts';

const KINDS: readonly LinkKind[] = ['direct', 'relayed', 'unreachable', 'unknown'];

const migrations: ReadonlyArray<(db: DatabaseSync) => void> = [
  (db) =>
    db.exec(`
      CREATE TABLE link_farms (id INTEGER PRIMARY KEY, farm_id TEXT NOT NULL UNIQUE);
      CREATE TABLE link_samples (
        farm INTEGER NOT NULL,
        at INTEGER NOT NULL,
        kind INTEGER NOT NULL,
        region TEXT,
        rtt_tenths INTEGER,
        handshake_age_s INTEGER,
        rx INTEGER NOT NULL,
        tx INTEGER NOT NULL,
        PRIMARY KEY (farm, at)
      ) WITHOUT ROWID;
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
}

interface Row {
  at: number;
  kind: number;
  region: string | null;
  rtt_tenths: number | null;
  handshake_age_s: number | null;
  rx: number;
  tx: number;
}

const toSample = (r: Row): LinkSample => ({
  at: r.at,
  kind: KINDS[r.kind] ?? 'unknown',
  region: r.region,
  rttMs: r.rtt_tenths === null ? null : r.rtt_tenths / 10,
  handshakeAt: r.handshake_age_s === null ? null : r.at - r.handshake_age_s * 1000,
  rxBytes: r.rx,
  txBytes: r.tx,
});

const COLUMNS = 'at, kind, region, rtt_tenths, handshake_age_s, rx, tx';

export function createLinkStore(options: LinkStoreOptions): LinkStore {
  const { db, now } = options;
  migrate(db, { component: 'link-quality', migrations });
  const retentionMs = options.retentionMs ?? 30 * 86_400_000;
  const maxRows = options.maxRowsPerFarm ?? 50_000;
  const pruneEveryMs = options.pruneEveryMs ?? 3_600_000;
  const slack = Math.min(500, Math.ceil(maxRows / 10));
  let prunedAt = -Infinity;
  /** Row count per farm key (an upper bound). */
  const counts = new Map<number, number>();
  const keys = new Map<string, number>();

  const findFarm = db.prepare('SELECT id FROM link_farms WHERE farm_id = ?');
  const addFarm = db.prepare('INSERT INTO link_farms (farm_id) VALUES (?) RETURNING id');
  const allFarms = db.prepare('SELECT id FROM link_farms');
  const insert = db.prepare(
    `INSERT OR REPLACE INTO link_samples (farm, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const range = db.prepare(
    `SELECT * FROM (SELECT ${COLUMNS} FROM link_samples
       WHERE farm = ? AND at BETWEEN ? AND ? ORDER BY at DESC LIMIT ?) ORDER BY at`,
  );
  const last = db.prepare(
    `SELECT ${COLUMNS} FROM link_samples WHERE farm = ? AND at <= ? ORDER BY at DESC LIMIT 1`,
  );
  const expire = db.prepare('DELETE FROM link_samples WHERE farm = ? AND at < ?');
  const trim = db.prepare(
    `DELETE FROM link_samples WHERE farm = ?1 AND at <
       (SELECT at FROM link_samples WHERE farm = ?1 ORDER BY at DESC LIMIT 1 OFFSET ?2)`,
  );
  const countAll = db.prepare('SELECT COUNT(*) AS n FROM link_samples');
  const countFarm = db.prepare('SELECT COUNT(*) AS n FROM link_samples WHERE farm = ?');
  const count = (key: number) => (countFarm.get(key) as { n: number }).n;

  /** The farm's key; `create` adds it (inside the caller's transaction). */
  const keyOf = (farmId: string, create: boolean): number | undefined => {
    let key = keys.get(farmId);
    if (key !== undefined) return key;
    key = (findFarm.get(farmId) as { id: number } | undefined)?.id;
    if (key === undefined && create) key = (addFarm.get(farmId) as { id: number }).id;
    if (key !== undefined) keys.set(farmId, key);
    return key;
  };

  const prune = () => {
    prunedAt = now();
    storageWrite(() =>
      transaction(db, () => {
        for (const { id } of allFarms.all() as Array<{ id: number }>) expire.run(id, now() - retentionMs);
        for (const [key, n] of counts) {
          if (n <= maxRows) continue;
          trim.run(key, maxRows - 1);
          counts.set(key, maxRows);
        }
      }),
    );
  };

  return {
    add(samples) {
      if (samples.length === 0) return;
      const written: number[] = [];
      storageWrite(() =>
        transaction(db, () => {
          for (const { farmId, sample: s } of samples) {
            const key = keyOf(farmId, true)!;
            insert.run(
              key,
              s.at,
              KINDS.indexOf(s.kind),
              s.kind === 'relayed' ? s.region : null,
              s.rttMs === null ? null : Math.round(s.rttMs * 10),
              s.handshakeAt === null ? null : Math.round((s.at - s.handshakeAt) / 1000),
              s.rxBytes,
              s.txBytes,
            );
            written.push(key);
          }
        }),
      );
      for (const key of written) {
        const n = counts.has(key) ? counts.get(key)! + 1 : count(key);
        if (n <= maxRows + slack) counts.set(key, n);
        else {
          storageWrite(() => trim.run(key, maxRows - 1));
          counts.set(key, count(key));
        }
      }
      if (now() - prunedAt >= pruneEveryMs) prune();
    },
    query(farmId, from, to, limit = 50_000) {
      const key = keyOf(farmId, false);
      return key === undefined ? [] : (range.all(key, from, to, limit) as unknown as Row[]).map(toSample);
    },
    before(farmId, at) {
      const key = keyOf(farmId, false);
      const row = key === undefined ? undefined : (last.get(key, at) as Row | undefined);
      return row ? toSample(row) : null;
    },
    rowCount(farmId) {
      if (farmId === undefined) return (countAll.get() as { n: number }).n;
      const key = keyOf(farmId, false);
      return key === undefined ? 0 : count(key);
    },
    prune,
  };
}
