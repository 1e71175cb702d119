/** CSV export of the command ledger: one row per command, cells by the shared rule in protocol/csv.ts. */
import type { LedgerCommand } from '../../../protocol/app/index.ts';
import { toCsv } from '../../../protocol/csv.ts';

export const CSV_COLUMNS = [
  'id',
  'farmId',
  'farmName',
  'action',
  'target',
  'params',
  'requestedBy',
  'createdAt',
  'updatedAt',
  'state',
  'reason',
  'history',
] as const;

export function commandsToCsv(commands: readonly LedgerCommand[]): string {
  return toCsv([
    CSV_COLUMNS,
    ...commands.map((c) => [
      c.id,
      c.farmId,
      c.farmName,
      c.action,
      c.target,
      JSON.stringify(c.params),
      c.requestedBy,
      c.createdAt,
      c.updatedAt,
      c.state,
      c.reason,
      c.history.map((h) => `${h.at} ${h.state}${h.reason ? ` (${h.reason})` : ''}`).join('; '),
    ]),
  ]);
}

export function csvFilename(filter: { farmId?: string | undefined }, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const scope = (filter.farmId ?? 'all-farms').replace(/[^A-Za-z0-9._-]/g, '_');
  return `agromesh-commands-${scope}-${stamp}.csv`;
}
