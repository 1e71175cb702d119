/**
 * CSV export of the command ledger (RFC 4180: CRLF rows, quotes doubled, fields with separators quoted).
 * Cells that a spreadsheet would run as a formula (starting with = + - @, or a tab/CR that some apps strip
 * first) get a leading apostrophe (OWASP "CSV Injection").
 */
import type { LedgerCommand } from '../../../protocol/app/index.ts';

export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

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
  const rows = [CSV_COLUMNS.join(',')];
  for (const c of commands) {
    rows.push(
      [
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
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}

export function csvFilename(filter: { farmId?: string | undefined }, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const scope = (filter.farmId ?? 'all-farms').replace(/[^A-Za-z0-9._-]/g, '_');
  return `agromesh-commands-${scope}-${stamp}.csv`;
}
