import { sql } from 'kysely';
import { createHash, randomUUID } from 'node:crypto';
import type { ActorRef } from '../audit/actor.js';
import { canonicalJson, nestedDeeperThan } from '../audit/canonical.js';
import type { AuditLog } from '../audit/service.js';
import type { Db, Store } from '../db/database.js';
import type { ConsentTable } from '../db/schema.js';
import { transact } from '../db/transaction.js';
import { AppError, badRequest } from '../http/errors.js';
import { SEPARATE } from './register.js';
import { MAX_EVIDENCE_CHARS, MAX_EVIDENCE_DEPTH, type RulesVersion } from './service.js';
import { CsvError, parseCsv } from '../csv.js';

/**
 * Bulk import of consents given before Custodian kept the ledger (PIPL 14: the processor proves consent).
 * Every row is checked on its own and reported by line and field; errors never repeat a row's subject,
 * which is personal information.
 */

export const IMPORT_LIMITS = { bytes: 10 * 1024 * 1024, rows: 100_000, errors: 1000 } as const;
/** Consents older than this are taken for a wrong date rather than evidence. */
export const EARLIEST_CONSENT = '2000-01-01T00:00:00.000Z';
const CHANNELS = ['web', 'app', 'sms', 'paper', 'import'] as const;
const COLUMNS = ['subject', 'purpose', 'given', 'rulesVersion', 'channel', 'time', 'separate', 'evidence'];
const REQUIRED = ['subject', 'purpose', 'given', 'rulesVersion', 'time'];
/** The PostgreSQL advisory lock that imports take in turn (any number no other lock of Custodian's uses). */
const IMPORT_LOCK = 7_104_020_001;
const FIELD_NAME = /^[A-Za-z][\w.-]{0,39}$/;
// A date-time with its zone: a consent's moment must not depend on the importing server's clock setting.
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export interface ImportRowError {
  /** 1-based line of the file where the row starts (the CSV header is line 1). */
  row: number;
  field: string;
  code: string;
  message: string;
}

export interface ImportRequest {
  format: 'csv' | 'jsonl';
  data: string;
  /** Validate only; nothing is written. */
  dryRun?: boolean;
  /** Default true: any bad row means nothing is written. False writes the good rows and reports the rest. */
  atomic?: boolean;
  /** The moment "not in the future" is judged against (tests). */
  now?: Date;
}

export interface ImportResult {
  received: number;
  imported: number;
  failed: number;
  /** Rows that passed every check and are new to the ledger (written unless dry run or refused). */
  valid: number;
  /** Rows already in the ledger (same subject, purpose, time and answer): a file imported twice adds nothing. */
  duplicates: number;
  dryRun: boolean;
  atomic: boolean;
  sha256: string;
  errors: ImportRowError[];
  /** More errors than are listed. */
  errorsTruncated: boolean;
}

interface RawRow {
  line: number;
  /** Cells beyond the header's columns (CSV). */
  extra?: number;
  values: Record<string, unknown>;
}

function readCsv(text: string): RawRow[] {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError)
      throw badRequest('csv_unterminated_quote', `line ${err.line}: ${err.message}`, 'data');
    throw err;
  }
  if (!records.length) return [];
  const header = records[0].cells.map((h) => h.trim());
  for (const [i, h] of header.entries())
    if (!COLUMNS.includes(h))
      // Named by position, not repeated: a file without a header has a data row here (subjects, phones…).
      throw badRequest(
        'unknown_column',
        `line 1: column ${i + 1} is not one of ${COLUMNS.join(', ')} (is the header line missing?)`,
        'data',
      );
  for (const h of REQUIRED)
    if (!header.includes(h)) throw badRequest('missing_column', `line 1: column ${h} is missing`, 'data');
  const twice = header.find((h, i) => header.indexOf(h) !== i);
  if (twice) throw badRequest('duplicate_column', `line 1: column ${twice} is given twice`, 'data');
  return records.slice(1).map((r) => ({
    line: r.line,
    extra: Math.max(0, r.cells.length - header.length),
    values: Object.fromEntries(
      header.map((h, i) => [h, r.cells[i] === undefined ? undefined : r.cells[i].trim()]),
    ),
  }));
}

function readJsonl(text: string, errors: ImportRowError[]): RawRow[] {
  const rows: RawRow[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, l] of lines.entries()) {
    if (!l.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch {
      errors.push({ row: i + 1, field: 'row', code: 'invalid_json', message: 'the line is not valid JSON' });
      rows.push({ line: i + 1, values: {} });
      continue;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      errors.push({
        row: i + 1,
        field: 'row',
        code: 'invalid_json',
        message: 'the line is not a JSON object',
      });
      rows.push({ line: i + 1, values: {} });
      continue;
    }
    rows.push({ line: i + 1, values: v as Record<string, unknown> });
  }
  return rows;
}

type Check = (field: string, code: string, message: string) => void;

/** One row, checked field by field; returns the ledger row or null after reporting each problem. */
function checkRow(
  r: RawRow,
  versions: Map<number, RulesVersion | null>,
  now: number,
  fail: Check,
): Omit<ConsentTable, 'id' | 'actor_type' | 'actor_id'> | null {
  let ok = true;
  const bad: Check = (f, c, m) => {
    ok = false;
    fail(f, c, m);
  };
  const v = r.values;
  if (r.extra)
    bad(
      'row',
      'extra_cells',
      `the row has ${r.extra} more cell(s) than the header (a comma in a cell needs quotes)`,
    );
  for (const k of Object.keys(v))
    if (!COLUMNS.includes(k)) {
      // Named only when it looks like a field name: a key may be a phone number or a user's id.
      const named = FIELD_NAME.test(k) && !/\d{5}/.test(k);
      bad(
        named ? k : 'row',
        'unknown_field',
        named ? `${k} is not a known field` : `a field is not one of ${COLUMNS.join(', ')}`,
      );
    }

  const subject = typeof v.subject === 'string' ? v.subject.trim() : '';
  if (!subject || subject.length > 200)
    bad('subject', 'invalid_subject', 'subject must be text of 1 to 200 characters');

  // Spreadsheets write TRUE and FALSE.
  const rawGiven = typeof v.given === 'string' ? v.given.toLowerCase() : v.given;
  const given =
    rawGiven === true || rawGiven === 1 || rawGiven === 'true' || rawGiven === '1'
      ? true
      : rawGiven === false || rawGiven === 0 || rawGiven === 'false' || rawGiven === '0'
        ? false
        : null;
  if (given === null) bad('given', 'invalid_given', 'given must be true, false, 1 or 0');

  const rv =
    typeof v.rulesVersion === 'number' ? v.rulesVersion : Number(String(v.rulesVersion ?? '').trim());
  const version = Number.isInteger(rv) && rv > 0 ? versions.get(rv) : undefined;
  const purposeKey = typeof v.purpose === 'string' ? v.purpose.trim() : '';
  if (!Number.isInteger(rv) || rv < 1)
    bad('rulesVersion', 'invalid_rules_version', 'rulesVersion must be a positive whole number');
  else if (!version) bad('rulesVersion', 'unknown_rules_version', `rulesVersion ${rv} was never published`);
  if (!purposeKey) bad('purpose', 'invalid_purpose', 'purpose is required');
  else if (version && !version.purposes.some((p) => p.key === purposeKey))
    bad(
      'purpose',
      'unknown_purpose',
      // Repeated only when it could be a purpose's key: a column mix-up may put a phone number here.
      FIELD_NAME.test(purposeKey) && !/\d{5}/.test(purposeKey)
        ? `purpose ${purposeKey} is not in rules version ${rv}`
        : `purpose is not in rules version ${rv}`,
    );

  const channel = v.channel === undefined || v.channel === '' ? 'import' : v.channel;
  if (!CHANNELS.includes(channel as never))
    bad('channel', 'invalid_channel', `channel must be one of ${CHANNELS.join(', ')}`);

  let time: string | null = null;
  const t = typeof v.time === 'string' ? v.time.trim() : '';
  if (!ISO.test(t) || Number.isNaN(Date.parse(t)) || !onCalendar(t))
    bad(
      'time',
      'invalid_time',
      'time must be an ISO 8601 date-time with a zone, e.g. 2024-03-01T09:30:00+08:00',
    );
  else if (Date.parse(t) > now) bad('time', 'time_in_future', 'time is in the future');
  else if (Date.parse(t) < Date.parse(EARLIEST_CONSENT))
    bad('time', 'time_too_early', `time is before ${EARLIEST_CONSENT.slice(0, 10)}`);
  else time = new Date(t).toISOString();

  let separate: string[] = [];
  const s = v.separate;
  if (Array.isArray(s)) separate = s.map((x) => String(x).trim());
  else if (typeof s === 'string') separate = s.split(';').map((x) => x.trim());
  else if (s !== undefined && s !== null) bad('separate', 'invalid_separate', 'separate must be a list');
  separate = separate.filter(Boolean);
  const unknown = separate.filter((k) => !SEPARATE.includes(k as never));
  if (unknown.length)
    bad(
      'separate',
      'unknown_separate_kind',
      `separate kinds must be among ${SEPARATE.join(', ')} (${unknown.length} unknown)`,
    );

  let evidence = '{}';
  const e = v.evidence;
  if (e !== undefined && e !== null && e !== '') {
    let parsed: unknown = e;
    if (typeof e === 'string')
      try {
        parsed = JSON.parse(e);
      } catch {
        parsed = undefined;
      }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      bad('evidence', 'invalid_evidence', 'evidence must be a JSON object');
    else if (nestedDeeperThan(parsed, MAX_EVIDENCE_DEPTH))
      bad('evidence', 'invalid_evidence', `evidence nests deeper than ${MAX_EVIDENCE_DEPTH} levels`);
    else {
      evidence = canonicalJson(parsed);
      if (evidence.length > MAX_EVIDENCE_CHARS)
        bad(
          'evidence',
          'evidence_too_large',
          `evidence must be at most ${MAX_EVIDENCE_CHARS} characters of JSON`,
        );
    }
  }

  if (!ok) return null;
  return {
    subject,
    purpose_key: purposeKey,
    given: given ? 1 : 0,
    rules_version: rv,
    channel: channel as string,
    // A withdrawal carries no separate consents, as in the ledger's own entries.
    separate: JSON.stringify(given ? [...new Set(separate)] : []),
    evidence,
    created_at: time!,
  };
}

/**
 * Validates a CSV or JSONL file of consents and, unless `dryRun`, writes the good rows in one transaction
 * with one `consent.import` audit entry (counts and the file's SHA-256; no subjects). Each row keeps its
 * own time, so an entry recorded in Custodian later still counts as the latest.
 * @example await importConsents(store, audit, (v) => rules.version(v), actor, { format: 'csv', data })
 */
export async function importConsents(
  store: Pick<Store, 'db' | 'dialect'>,
  audit: AuditLog,
  versionOf: (v: number) => Promise<RulesVersion>,
  actor: ActorRef,
  req: ImportRequest,
  requestId?: string,
): Promise<ImportResult> {
  const { db } = store;
  const bytes = Buffer.byteLength(req.data, 'utf8');
  if (bytes > IMPORT_LIMITS.bytes)
    throw new AppError(
      413,
      'import_too_large',
      `data is ${bytes} bytes; an import takes at most ${IMPORT_LIMITS.bytes} bytes (split the file)`,
      { field: 'data', limit: IMPORT_LIMITS.bytes },
    );
  const sha256 = createHash('sha256').update(req.data, 'utf8').digest('hex');
  const data = req.data.replace(/^\uFEFF/, '');
  const dryRun = req.dryRun ?? false;
  const atomic = req.atomic ?? true;
  const now = (req.now ?? new Date()).getTime() + 60_000; // a minute's grace for clocks that run ahead
  const errors: ImportRowError[] = [];
  const rows = req.format === 'csv' ? readCsv(data) : readJsonl(data, errors);
  if (rows.length > IMPORT_LIMITS.rows)
    throw new AppError(
      413,
      'import_too_many_rows',
      `data has ${rows.length} rows; an import takes at most ${IMPORT_LIMITS.rows} (split the file)`,
      { field: 'data', limit: IMPORT_LIMITS.rows },
    );

  const versions = new Map<number, RulesVersion | null>();
  for (const r of rows) {
    const n = Number(
      typeof r.values.rulesVersion === 'string' ? r.values.rulesVersion.trim() : r.values.rulesVersion,
    );
    if (Number.isInteger(n) && n > 0 && !versions.has(n))
      versions.set(n, await versionOf(n).catch(() => null));
  }

  const failedLines = new Set(errors.map((e) => e.row));
  const good: Array<{ line: number; row: Omit<ConsentTable, 'id' | 'actor_type' | 'actor_id'> }> = [];
  const seen = new Map<string, { line: number; given: number }>();
  let repeats = 0;
  for (const r of rows) {
    if (failedLines.has(r.line)) continue;
    const fail: Check = (field, code, message) => {
      failedLines.add(r.line);
      errors.push({ row: r.line, field, code, message });
    };
    const row = checkRow(r, versions, now, fail);
    if (!row) continue;
    // The ledger's latest entry is its meaning: two answers at one moment leave it undecided.
    const key = `${row.subject}\u0000${row.purpose_key}\u0000${row.created_at}`;
    const first = seen.get(key);
    if (first !== undefined) {
      // The same answer again (a file joined from overlapping exports) adds nothing; another answer does.
      if (first.given === row.given) repeats++;
      else fail('time', 'duplicate_time', `line ${first.line} gives another answer at the same time`);
      continue;
    }
    seen.set(key, { line: r.line, given: row.given });
    good.push({ line: r.line, row });
  }

  // Entries already in the ledger at the same moment: the same answer is a re-import, another is a conflict.
  const sortOut = async (q: Db) => {
    const existing = new Map<string, number>();
    const subjects = [...new Set(good.map((g) => g.row.subject))];
    for (let i = 0; i < subjects.length; i += 500) {
      const found = await q
        .selectFrom('consents')
        .select(['subject', 'purpose_key', 'created_at', 'given'])
        .where('subject', 'in', subjects.slice(i, i + 500))
        .execute();
      for (const f of found) existing.set(`${f.subject}\u0000${f.purpose_key}\u0000${f.created_at}`, f.given);
    }
    let duplicates = repeats;
    const toWrite: ConsentTable[] = [];
    const conflicts: ImportRowError[] = [];
    for (const g of good) {
      const before = existing.get(`${g.row.subject}\u0000${g.row.purpose_key}\u0000${g.row.created_at}`);
      if (before === g.row.given) {
        duplicates++;
        continue;
      }
      if (before !== undefined) {
        conflicts.push({
          row: g.line,
          field: 'time',
          code: 'conflicting_entry',
          message: 'the ledger already holds another answer for this subject and purpose at this time',
        });
        continue;
      }
      toWrite.push({ id: randomUUID(), ...g.row, actor_type: actor.type, actor_id: actor.id });
    }
    return { duplicates, toWrite, conflicts };
  };
  const failedWith = (c: { conflicts: ImportRowError[] }) =>
    new Set([...failedLines, ...c.conflicts.map((e) => e.row)]).size;
  let sorted = await sortOut(db);
  let write = !dryRun && sorted.toWrite.length > 0 && (!atomic || failedWith(sorted) === 0);
  if (write)
    await transact(db, async (tx) => {
      // From here one import at a time: the ledger is read again under a lock of the imports' own, so the
      // same file sent twice at once is written once (SQLite's one writer does as much by itself).
      if (store.dialect.supportsRowLocks)
        await sql`select pg_advisory_xact_lock(${IMPORT_LOCK})`.execute(tx.db);
      sorted = await sortOut(tx.db);
      const { toWrite, duplicates } = sorted;
      if (!toWrite.length || (atomic && failedWith(sorted) > 0)) {
        write = false;
        return;
      }
      for (let i = 0; i < toWrite.length; i += 500)
        await tx.db
          .insertInto('consents')
          .values(toWrite.slice(i, i + 500))
          .execute();
      const purposes: Record<string, number> = {};
      for (const c of toWrite) purposes[c.purpose_key] = (purposes[c.purpose_key] ?? 0) + 1;
      await audit.append(tx, {
        action: 'consent.import',
        actor,
        requestId,
        target: { type: 'consent_import', id: sha256 },
        details: {
          format: req.format,
          sha256,
          bytes,
          received: rows.length,
          imported: toWrite.length,
          failed: failedWith(sorted),
          duplicates,
          atomic,
          given: toWrite.filter((c) => c.given === 1).length,
          withdrawn: toWrite.filter((c) => c.given === 0).length,
          purposes,
        },
      });
    });
  errors.push(...sorted.conflicts);
  errors.sort((a, b) => a.row - b.row);
  const failed = failedWith(sorted);
  const { toWrite, duplicates } = sorted;
  return {
    received: rows.length,
    imported: write ? toWrite.length : 0,
    failed,
    valid: toWrite.length,
    duplicates,
    dryRun,
    atomic,
    sha256,
    errors: errors.slice(0, IMPORT_LIMITS.errors),
    errorsTruncated: errors.length > IMPORT_LIMITS.errors,
  };
}

/** The date and time of day exist: Date.parse rolls 2025-02-30 over to 2 March and 24:00 to the next day. */
function onCalendar(t: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(t);
  if (!m) return false;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days && h <= 23 && mi <= 59;
}
