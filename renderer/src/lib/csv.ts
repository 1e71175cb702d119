/** History as CSV for people's spreadsheets (cells by protocol/csv.ts), with a UTF-8 BOM for Excel. */
import { toCsv } from '../../../protocol/csv.ts';
import type { HistoryResponse } from '../../../protocol/farm-api.ts';

/** One row per timestamp (UTC ISO and epoch ms), one column per sensor; gaps are empty cells. */
export function historyCsv(
  series: readonly Pick<HistoryResponse, 'sensorId' | 'points'>[],
  columns: readonly { sensorId: string; header: string }[],
): string {
  const byTs = new Map<number, Map<string, number | null>>();
  for (const s of series) {
    for (const [ts, v] of s.points) {
      let row = byTs.get(ts);
      if (!row) byTs.set(ts, (row = new Map<string, number | null>()));
      row.set(s.sensorId, v);
    }
  }
  const rows: (string | number | null)[][] = [['time_utc', 'epoch_ms', ...columns.map((c) => c.header)]];
  for (const ts of [...byTs.keys()].sort((a, b) => a - b)) {
    const row = byTs.get(ts)!;
    rows.push([new Date(ts).toISOString(), ts, ...columns.map((c) => row.get(c.sensorId) ?? null)]);
  }
  return toCsv(rows);
}

export const CSV_BOM = '\uFEFF';
