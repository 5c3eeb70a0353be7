import { existsSync, statSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { Command } from 'commander';
import { SqliteDialect, sql } from 'kysely';
import { openStore, type Store } from '../../db/database.js';
import { PII_TYPES, scan, type PiiType } from '../../pii/index.js';
import { action, CliError } from '../shared.js';

interface ColumnReport {
  table: string;
  column: string;
  rows: number;
  values: number;
  withFindings: number;
  findings: Partial<Record<PiiType, number>>;
}

const TEXT_TYPES = /char|text|clob|string|json|uuid/i;

function open(target: string): Store {
  if (/^postgres(ql)?:\/\//.test(target)) return openStore({ kind: 'postgres', url: target, max: 2 });
  // Discovery reads someone else's database: read-only, as it is (no WAL switch), and only if it exists,
  // so a mistyped path is an error rather than a new empty database reported clean.
  if (!existsSync(target) || !statSync(target).isFile())
    throw new CliError(`no SQLite database at ${target}`);
  const sqlite = new SqliteDatabase(target, { readonly: true, fileMustExist: true });
  return openStore({
    kind: 'custom',
    dialect: new SqliteDialect({ database: sqlite }),
    info: 'sqlite',
    location: target,
  });
}

/**
 * `custodian pii scan-db`: the data-discovery step of a processing register. Samples (or reads in full) the
 * text columns of chosen tables and reports which hold personal information, of which types, how often.
 */
export function registerPiiScanDb(pii: Command): void {
  pii
    .command('scan-db')
    .description(
      'find personal information in the columns of a PostgreSQL or SQLite database (data discovery)',
    )
    .requiredOption('--db <url-or-file>', 'postgres://… URL, or the path of a SQLite file')
    .option('--tables <list>', 'comma-separated tables (default: every table)')
    .option('--columns <list>', 'comma-separated columns (default: every text column)')
    .option('--sample <n>', 'rows sampled at random per table (default 1000)', '1000')
    .option('--full', 'read every row instead of sampling')
    .option('--json', 'print the report as JSON instead of a table')
    .action(
      action(
        async (opts: {
          db: string;
          tables?: string;
          columns?: string;
          sample: string;
          full?: boolean;
          json?: boolean;
        }) => {
          const sample = Number(opts.sample);
          if (!opts.full && (!Number.isInteger(sample) || sample < 1))
            throw new CliError('--sample must be a positive integer');
          const store = open(opts.db);
          try {
            const report = await scanDatabase(store, {
              tables: opts.tables
                ?.split(',')
                .map((s) => s.trim())
                .filter(Boolean),
              columns: opts.columns
                ?.split(',')
                .map((s) => s.trim())
                .filter(Boolean),
              sample: opts.full ? null : sample,
            });
            if (opts.json) return void console.log(JSON.stringify(report, null, 2));
            const rows = report.filter((r) => r.withFindings > 0);
            if (!rows.length)
              return void console.log(`No personal information found in ${report.length} columns.`);
            console.table(
              rows.map((r) => ({
                column: `${r.table}.${r.column}`,
                rows: r.rows,
                'with PI': `${r.withFindings} (${Math.round((r.withFindings / Math.max(1, r.values)) * 100)}%)`,
                types: Object.entries(r.findings)
                  .sort((a, b) => b[1]! - a[1]!)
                  .map(([t, n]) => `${t}×${n}`)
                  .join(' '),
                sensitive: Object.keys(r.findings).some((t) => PII_TYPES.find((x) => x.type === t)?.sensitive)
                  ? 'yes'
                  : 'no',
              })),
            );
          } finally {
            await store.close();
          }
        },
      ),
    );
}

export async function scanDatabase(
  store: Store,
  opts: { tables?: string[]; columns?: string[]; sample: number | null },
): Promise<ColumnReport[]> {
  const meta = await store.db.introspection.getTables();
  const wanted = opts.tables ? meta.filter((t) => opts.tables!.includes(t.name)) : meta;
  if (opts.tables) {
    const missing = opts.tables.filter((t) => !meta.some((m) => m.name === t));
    if (missing.length) throw new CliError(`table ${missing[0]} does not exist`);
  }
  if (opts.columns) {
    const missing = opts.columns.filter((c) => !wanted.some((t) => t.columns.some((x) => x.name === c)));
    if (missing.length) throw new CliError(`column ${missing[0]} does not exist in the tables scanned`);
  }
  const out: ColumnReport[] = [];
  for (const t of wanted) {
    const cols = t.columns.filter((c) =>
      opts.columns ? opts.columns.includes(c.name) : TEXT_TYPES.test(c.dataType),
    );
    if (!cols.length) continue;
    const reports = cols.map((c) => ({
      table: t.name,
      column: c.name,
      rows: 0,
      values: 0,
      withFindings: 0,
      findings: {} as ColumnReport['findings'],
    }));
    const select = sql.join(cols.map((c) => sql`cast(${sql.ref(c.name)} as text) as ${sql.ref(c.name)}`));
    // A sample is one query (random order would repeat rows across pages); a full scan reads in pages, each
    // page in the same order over one snapshot, so no row is read twice or skipped: on PostgreSQL a
    // repeatable-read transaction ordered by the row's physical position; SQLite's scan order is the table's.
    const batch = opts.sample ?? 2000;
    const pg = store.dialect.name === 'postgres';
    const pages = async (db: typeof store.db) => {
      for (let offset = 0; ; offset += batch) {
        const limit = batch;
        const order =
          opts.sample !== null ? sql`order by random()` : pg && !t.isView ? sql`order by ctid` : sql``;
        const rows = (
          await sql<
            Record<string, string | null>
          >`select ${select} from ${sql.table(t.name)} ${order} limit ${limit} offset ${offset}`.execute(db)
        ).rows;
        count(rows);
        if (rows.length < limit || opts.sample !== null) break;
      }
    };
    const count = (rows: Record<string, string | null>[]) => {
      for (const row of rows)
        cols.forEach((c, i) => {
          const r = reports[i];
          r.rows++;
          const v = row[c.name];
          if (v === null || v === undefined || v === '') return;
          r.values++;
          const f = scan(String(v));
          if (f.length) r.withFindings++;
          for (const x of f) r.findings[x.type] = (r.findings[x.type] ?? 0) + 1;
        });
    };
    if (pg && opts.sample === null)
      await store.db
        .transaction()
        .setIsolationLevel('repeatable read')
        .setAccessMode('read only')
        .execute((trx) => pages(trx));
    else await pages(store.db);
    out.push(...reports);
  }
  return out;
}
