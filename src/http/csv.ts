/**
 * One CSV cell: always quoted, and a leading `= + - @` (or tab, CR) is neutralised with an apostrophe so a
 * spreadsheet never runs an exported value as a formula (CSV injection).
 */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}
