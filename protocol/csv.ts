/**
 * The one CSV cell rule for every export (history in the renderer, the command ledger in the core):
 * RFC 4180 — rows end in CRLF, a cell holding a quote, comma, CR or LF is quoted with its quotes doubled —
 * plus the spreadsheet formula-injection guard (OWASP "CSV Injection"): a text cell starting with = + - @,
 * or with a tab or CR that some spreadsheets strip first, gets a leading apostrophe so it is shown, not run.
 * Numbers are never prefixed (−3 °C stays a number). Cells with leading or trailing white space are quoted
 * so a reader that trims unquoted cells keeps them whole.
 */

export type CsvValue = string | number | boolean | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of cells as one CSV text, every row (the last too) ended by CRLF. */
export function toCsv(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
