/**
 * The rollup tiers: per sensor and time bucket, the count of values, the faults, the sum, and the min and
 * max with their own timestamps (so a spike stays visible at any zoom). `rollups_1m` answers ranges up to
 * weeks, `rollups_1h` a year in a few thousand rows. Both are written in the transaction that stores the
 * readings, one upsert per sensor and bucket per batch (not per reading).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Reading } from '../../protocol/farm-api.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export const rollupTiers = {
  '1m': { table: 'rollups_1m', widthMs: MINUTE },
  '1h': { table: 'rollups_1h', widthMs: HOUR },
} as const;
export type RollupTier = keyof typeof rollupTiers;

export const floorTo = (ts: number, widthMs: number) => Math.floor(ts / widthMs) * widthMs;

export interface RollupRow {
  bucket: number;
  n: number;
  faults: number;
  sum: number;
  min: number | null;
  min_ts: number | null;
  max: number | null;
  max_ts: number | null;
}

export function createRollupTableSql(table: string): string {
  return `CREATE TABLE ${table} (
    sensor_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    faults INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL,
    min_ts INTEGER,
    max REAL,
    max_ts INTEGER,
    PRIMARY KEY (sensor_id, bucket)
  ) WITHOUT ROWID`;
}

/**
 * Schema step: the hourly tier, filled from the minutes already stored so an upgraded gateway answers a
 * year fast at once. One min() (or max()) per aggregate query, so SQLite takes the bare min_ts (max_ts)
 * from the row that holds it.
 */
export function addHourlyTier(db: DatabaseSync): void {
  db.exec(createRollupTableSql('rollups_1h'));
  const hourOf = `(bucket - bucket % ${HOUR})`;
  db.exec(`
    INSERT INTO rollups_1h (sensor_id, bucket, n, faults, sum, min, min_ts)
      SELECT sensor_id, ${hourOf} AS h, sum(n), sum(faults), sum(sum), min(min), min_ts
      FROM rollups_1m GROUP BY sensor_id, h;
    UPDATE rollups_1h SET max = m.v, max_ts = m.ts
      FROM (SELECT sensor_id, ${hourOf} AS h, max(max) AS v, max_ts AS ts FROM rollups_1m GROUP BY sensor_id, h) AS m
      WHERE rollups_1h.sensor_id = m.sensor_id AND rollups_1h.bucket = m.h;
  `);
}

interface Acc {
  n: number;
  faults: number;
  sum: number;
  min: number | null;
  minTs: number | null;
  max: number | null;
  maxTs: number | null;
}

export interface RollupWriter {
  /** Count a stored reading into its minute and its hour. */
  add(r: Reading): void;
  /** Upsert every touched bucket (inside the caller's transaction) and start over. */
  flush(): void;
  /** Forget what was counted (the transaction failed and rolled back). */
  discard(): void;
}

/** Buckets per multi-row upsert: one call into SQLite per 128 rows is ~2.5× faster than one per row. */
const ROWS_PER_UPSERT = 128;

export function createRollupWriter(db: DatabaseSync): RollupWriter {
  const tiers = (Object.keys(rollupTiers) as RollupTier[]).map((tier) => ({
    widthMs: rollupTiers[tier].widthMs,
    upsert: upsertStatement(db, rollupTiers[tier].table, 1),
    upsertMany: upsertStatement(db, rollupTiers[tier].table, ROWS_PER_UPSERT),
    // sensor → bucket → totals of this batch
    pending: new Map<string, Map<number, Acc>>(),
  }));
  return {
    add(r) {
      const v = r.value;
      for (const t of tiers) {
        let bySensor = t.pending.get(r.sensorId);
        if (!bySensor) t.pending.set(r.sensorId, (bySensor = new Map<number, Acc>()));
        const bucket = floorTo(r.ts, t.widthMs);
        const a = bySensor.get(bucket);
        if (!a) {
          bySensor.set(bucket, {
            n: v === null ? 0 : 1,
            faults: v === null ? 1 : 0,
            sum: v ?? 0,
            min: v,
            minTs: v === null ? null : r.ts,
            max: v,
            maxTs: v === null ? null : r.ts,
          });
          continue;
        }
        if (v === null) {
          a.faults++;
          continue;
        }
        a.n++;
        a.sum += v;
        // Strictly lower/higher: on a tie the earlier reading keeps it, as the SQL upsert does.
        if (a.min === null || v < a.min) [a.min, a.minTs] = [v, r.ts];
        if (a.max === null || v > a.max) [a.max, a.maxTs] = [v, r.ts];
      }
    },
    flush() {
      const args: (string | number | null)[] = [];
      for (const t of tiers) {
        for (const [sensor, buckets] of t.pending)
          for (const [bucket, a] of buckets) {
            args.push(sensor, bucket, a.n, a.faults, a.sum, a.min, a.minTs, a.max, a.maxTs);
            if (args.length === ROWS_PER_UPSERT * 9) {
              t.upsertMany.run(...args);
              args.length = 0;
            }
          }
        for (let i = 0; i < args.length; i += 9) t.upsert.run(...args.slice(i, i + 9));
        args.length = 0;
        t.pending.clear();
      }
    },
    discard() {
      for (const t of tiers) t.pending.clear();
    },
  };
}

/** Adds `rows` buckets' totals to what the table holds (each key at most once per statement). */
function upsertStatement(db: DatabaseSync, table: string, rows: number): StatementSync {
  const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  return db.prepare(`
    INSERT INTO ${table} (sensor_id, bucket, n, faults, sum, min, min_ts, max, max_ts)
    VALUES ${values}
    ON CONFLICT(sensor_id, bucket) DO UPDATE SET
      n = n + excluded.n,
      faults = faults + excluded.faults,
      sum = sum + excluded.sum,
      min_ts = CASE WHEN excluded.min IS NOT NULL AND (min IS NULL OR excluded.min < min) THEN excluded.min_ts ELSE min_ts END,
      min = CASE WHEN excluded.min IS NOT NULL AND (min IS NULL OR excluded.min < min) THEN excluded.min ELSE min END,
      max_ts = CASE WHEN excluded.max IS NOT NULL AND (max IS NULL OR excluded.max > max) THEN excluded.max_ts ELSE max_ts END,
      max = CASE WHEN excluded.max IS NOT NULL AND (max IS NULL OR excluded.max > max) THEN excluded.max ELSE max END
  `);
}
