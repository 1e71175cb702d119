/**
 * Bytes a month of link samples adds to a real SQLite file, at the default rate (one sample a minute, a ping
 * every fifth, relayed a tenth of the time): used by cost.test.ts and for the figures in docs/link-quality.md.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../kit/sqlite.ts';
import type { LinkSample } from '../../protocol/app/index.ts';
import { createLinkStore } from '../../main/core/link-quality/store.ts';
import { tempDir } from '../tailnet/helpers.ts';

const MIN = 60_000;
export const DAY = 1440;

/** Bytes the link samples of `farms` farms over `days` days add to the file (WAL checkpointed). */
export function measureLinkStorage(farms: number, days: number): { bytes: number; rows: number } {
  const tmp = tempDir('agromesh-linkcost-');
  const file = join(tmp.dir, 'farms.sqlite');
  const db = openDatabase({ file, migrations: [] });
  const start = Date.parse('2026-11-01T00:00:00Z');
  let now = start;
  const store = createLinkStore({ db, now: () => now, retentionMs: 31 * DAY * MIN });
  const size = () => {
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return statSync(file).size;
  };
  const empty = size();
  // Written an hour at a time (the sampler writes a minute at a time; the rows are the same).
  for (let hour = 0; hour < days * 24; hour++) {
    const batch = Array.from({ length: 60 * farms }, (_, i) => {
      const f = i % farms;
      const minute = hour * 60 + Math.floor(i / farms);
      const at = start + minute * MIN;
      const relayed = (minute + f * 97) % 600 < 60;
      const sample: LinkSample = {
        at,
        kind: relayed ? 'relayed' : 'direct',
        region: relayed ? 'fra' : null,
        rttMs: minute % 5 === 0 ? (relayed ? 95.4 : 17.2) + (minute % 13) : null,
        handshakeAt: at - ((minute * 7919) % 120_000),
        rxBytes: 40_000 + ((minute * 31) % 9_000),
        txBytes: 9_000 + ((minute * 17) % 2_000),
      };
      return { farmId: `farm-${String(f).padStart(4, '0')}`, sample };
    });
    now = start + (hour + 1) * 60 * MIN;
    store.add(batch);
  }
  const bytes = size() - empty;
  const rows = store.rowCount();
  db.close();
  tmp.cleanup();
  return { bytes, rows };
}
