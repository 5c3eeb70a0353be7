/** A CSV text that cannot be read, with the line its record starts on. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

/**
 * RFC 4180 records with the line each starts on; quoted cells may hold commas, quotes and line breaks. Empty
 * lines (and lines of separators only) are skipped and a byte-order mark (spreadsheets write one) is dropped.
 * @example parseCsv('a,"b,c"\n') // [{ line: 1, cells: ['a', 'b,c'] }]
 */
export function parseCsv(text: string): Array<{ line: number; cells: string[] }> {
  const out: Array<{ line: number; cells: string[] }> = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  // Cells are cut out with slices rather than built a character at a time: a 10 MB file stays cheap.
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        let j = i + 1;
        let parts = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) throw new CsvError(start, 'a quoted cell is not closed');
          parts += text.slice(j, q);
          if (text.charCodeAt(q + 1) === 34) {
            parts += '"';
            j = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        // Line breaks inside the cell count as between records: \r\n, \n, or a lone \r (old Mac files).
        line += parts.match(/\r\n|\r|\n/g)?.length ?? 0;
        cell = parts;
        // Anything between the closing quote and the next separator is kept, as lenient readers do.
        const rest = /[^,\r\n]*/y;
        rest.lastIndex = i;
        const m = rest.exec(text)!;
        cell += m[0];
        i += m[0].length;
      } else {
        const plain = /[^,\r\n]*/y;
        plain.lastIndex = i;
        const m = plain.exec(text)!;
        cell = m[0];
        i += m[0].length;
      }
      cells.push(cell);
      const c = text.charCodeAt(i);
      if (c === 44 /* , */) {
        i++;
        continue;
      }
      if (c === 13 /* \r */) i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
      else if (c === 10) i++;
      line++;
      break;
    }
    // A line of separators only (spreadsheets write them for empty rows) is as empty as a blank line.
    if (cells.some((c) => c !== '')) out.push({ line: start, cells });
  }
  return out;
}

/**
 * One CSV cell: always quoted, and a leading `= + - @` (or tab, CR) is neutralised with an apostrophe so a
 * spreadsheet never runs an exported value as a formula (CSV injection).
 */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}
