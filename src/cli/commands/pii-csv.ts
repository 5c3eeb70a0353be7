// RFC 4180 CSV: fields separated by commas, quoted with '"' when they hold commas, quotes or line breaks.

/**
 * Whether a physical line leaves a quoted field open. A quote opens a field only at its start: inside an
 * unquoted field it is a character (`5" tall`), as spreadsheets write and read it.
 */
export function quoteBalance(line: string, open: boolean): boolean {
  let fieldStart = !open;
  for (let k = 0; k < line.length; k++) {
    const c = line.charCodeAt(k);
    if (open) {
      if (c === 34) {
        if (line.charCodeAt(k + 1) === 34) k++;
        else open = false;
      }
    } else if (c === 34 && fieldStart) open = true;
    else fieldStart = c === 44;
  }
  return open;
}

/** Splits one CSV record (possibly holding line breaks inside quotes) into fields. */
export function parseCsvRecord(record: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStart = true;
  for (let k = 0; k < record.length; k++) {
    const c = record[k];
    if (quoted) {
      if (c === '"') {
        if (record[k + 1] === '"') {
          field += '"';
          k++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      fieldStart = true;
    } else {
      field += c;
      fieldStart = false;
    }
  }
  fields.push(field);
  return fields;
}

/** Formats fields as one CSV record. */
export function formatCsvRecord(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}
