// RFC 4180 CSV: fields separated by commas, quoted with '"' when they hold commas, quotes or line breaks.

/** Whether a physical line leaves a quoted field open (odd number of quotes so far). */
export function quoteBalance(line: string, open: boolean): boolean {
  for (let k = 0; k < line.length; k++) if (line.charCodeAt(k) === 34) open = !open;
  return open;
}

/** Splits one CSV record (possibly holding line breaks inside quotes) into fields. */
export function parseCsvRecord(record: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < record.length; k++) {
    const c = record[k];
    if (quoted) {
      if (c === '"') {
        if (record[k + 1] === '"') {
          field += '"';
          k++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** Formats fields as one CSV record. */
export function formatCsvRecord(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}
