// Turns input records into output lines for `custodian pii scan|redact`. Runs in worker threads and in process.
import { decryptText, piiTypeInfo, redact, scan, type Finding, type PiiType } from '../../pii/index.js';
import { formatCsvRecord, parseCsvRecord } from './pii-csv.js';

export type PiiInputFormat = 'text' | 'jsonl' | 'csv';
export type PiiCliOperator = 'mask' | 'redact' | 'replace' | 'pseudonymize' | 'encrypt';

export interface PiiJobConfig {
  /** decrypt: restores the values of `redact --operator encrypt` under the same key. */
  mode: 'scan' | 'redact' | 'decrypt';
  format: PiiInputFormat;
  /** jsonl: string fields to process. */
  fields: string[];
  /** csv: column indexes to process (null = all). */
  columns: number[] | null;
  /** csv: header names, for `column` in scan output. */
  header: string[];
  operator: PiiCliOperator;
  pseudonymKeyHex?: string;
  /** 32 bytes as hex, for the encrypt operator and for decrypt. */
  encryptionKeyHex?: string;
  types?: PiiType[];
  minScore?: number;
}

export interface PiiBatch {
  seq: number;
  /** 1-based line number of each record's first line. */
  lineNumbers: number[];
  records: string[];
}

export interface PiiBatchResult {
  seq: number;
  /** Output lines, in record order (bad records produce none). */
  out: string[];
  errors: { line: number; message: string }[];
  records: number;
  counts: Partial<Record<PiiType, number>>;
  sensitive: number;
}

interface OutFinding {
  field?: string;
  column?: string;
  type: PiiType;
  start: number;
  end: number;
  text: string;
  score: number;
}

class RecordError extends Error {}

function shape(f: Finding, where?: { field?: string; column?: string }): OutFinding {
  return { ...where, type: f.type, start: f.start, end: f.end, text: f.text, score: f.score };
}

/** Processes one batch: parse, scan or redact, serialise. */
export function processBatch(config: PiiJobConfig, batch: PiiBatch): PiiBatchResult {
  const result: PiiBatchResult = {
    seq: batch.seq,
    out: [],
    errors: [],
    records: 0,
    counts: {},
    sensitive: 0,
  };
  const scanOptions = { types: config.types, minScore: config.minScore };
  const redactOptions = {
    ...scanOptions,
    default: config.operator,
    pseudonymKey: config.pseudonymKeyHex,
    encryptionKey: config.encryptionKeyHex,
  };
  const tally = (fs: Finding[]) => {
    for (const f of fs) {
      result.counts[f.type] = (result.counts[f.type] ?? 0) + 1;
      if (piiTypeInfo(f.type).sensitive) result.sensitive++;
    }
  };

  /** redact or decrypt one value. */
  const rewrite = (value: string): string => {
    if (config.mode === 'decrypt') {
      try {
        return decryptText(value, config.encryptionKeyHex!);
      } catch {
        throw new RecordError('a token does not decrypt: another key, or the token was altered');
      }
    }
    const r = redact(value, redactOptions);
    tally(r.findings);
    return r.text;
  };

  for (let k = 0; k < batch.records.length; k++) {
    const raw = batch.records[k];
    const line = batch.lineNumbers[k];
    try {
      if (config.format === 'text') {
        if (config.mode === 'scan') {
          const fs = scan(raw, scanOptions);
          tally(fs);
          result.out.push(JSON.stringify({ line, findings: fs.map((f) => shape(f)) }));
        } else result.out.push(rewrite(raw));
      } else if (config.format === 'jsonl') {
        if (raw.trim() === '') continue;
        const rec = parseJsonRecord(raw);
        const multi = config.fields.length > 1;
        const all: OutFinding[] = [];
        // A record with none of the fields asked for is an error, never passed through as if clean: a
        // mistyped --fields would otherwise let every value out unmasked.
        if (multi && config.fields.every((f) => typeof rec[f] !== 'string'))
          throw new RecordError(`none of the fields ${config.fields.join(', ')} is a string in this record`);
        for (const field of config.fields) {
          const value = rec[field];
          if (value === undefined && multi) continue;
          if (typeof value !== 'string') throw new RecordError(`field "${field}" is missing or not a string`);
          if (config.mode === 'scan') {
            const fs = scan(value, scanOptions);
            tally(fs);
            for (const f of fs) all.push(shape(f, multi ? { field } : undefined));
          } else rec[field] = rewrite(value);
        }
        result.out.push(JSON.stringify(config.mode === 'scan' ? { id: rec.id ?? null, findings: all } : rec));
      } else {
        const cells = parseCsvRecord(raw);
        const cols = config.columns ?? cells.map((_, i) => i);
        const all: OutFinding[] = [];
        for (const c of cols) {
          const value = cells[c];
          if (value === undefined) continue;
          if (config.mode === 'scan') {
            const fs = scan(value, scanOptions);
            tally(fs);
            for (const f of fs) all.push(shape(f, { column: config.header[c] ?? String(c) }));
          } else cells[c] = rewrite(value);
        }
        result.out.push(
          config.mode === 'scan' ? JSON.stringify({ row: line, findings: all }) : formatCsvRecord(cells),
        );
      }
      result.records++;
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      result.errors.push({ line, message: e.message });
    }
  }
  return result;
}

function parseJsonRecord(raw: string): Record<string, unknown> {
  let rec: unknown;
  try {
    rec = JSON.parse(raw);
  } catch {
    // Not the parser's message: it quotes the line, which may hold personal information.
    throw new RecordError('invalid JSON');
  }
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec))
    throw new RecordError('not a JSON object');
  return rec as Record<string, unknown>;
}
