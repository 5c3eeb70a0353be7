// Where the purpose-check benchmark keeps its data (a SQLite file in a temp dir, or its own PostgreSQL
// schema), the configuration both its processes share, and a fast loader for the consent fixture.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config/config.js';
import { openStore, type Store } from '../../src/db/database.js';
import { SYSTEM } from '../../src/audit/actor.js';
import { AppContext } from '../../src/context.js';
import { createLogger } from '../../src/logger.js';
import { makeConsents, makePurposes, type ConsentRow } from './corpus.js';

export type Dialect = 'sqlite' | 'postgres';

export interface BenchStore {
  dialect: Dialect;
  dataDir: string;
  pgUrl?: string;
  schema?: string;
  cleanup(): Promise<void>;
}

export function createBenchStore(dialect: Dialect, pgUrl: string): Promise<BenchStore> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'custodian-purpose-check-'));
  const rmDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') return Promise.resolve({ dialect, dataDir, cleanup: async () => rmDir() });
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  return admin(`create schema ${schema}`).then(() => ({
    dialect,
    dataDir,
    pgUrl,
    schema,
    cleanup: async () => {
      await admin(`drop schema ${schema} cascade`);
      rmDir();
    },
  }));
}

/** Opens the store described by `b` (each process opens its own). */
export function openBenchStore(b: Pick<BenchStore, 'dialect' | 'dataDir' | 'pgUrl' | 'schema'>): Store {
  return b.dialect === 'sqlite'
    ? openStore({ kind: 'sqlite', file: path.join(b.dataDir, 'custodian.db') })
    : openStore({ kind: 'postgres', url: b.pgUrl!, schema: b.schema, max: 10 });
}

/** Production defaults, but quiet, no background jobs and no rate limit (the comparison is of handling). */
export function benchConfig(dataDir: string): Config {
  return loadConfig({
    env: {},
    configFile: path.join(dataDir, 'none.json'),
    overrides: {
      dataDir,
      logLevel: 'silent',
      'jobs.enabled': false,
      'http.rateLimitPerMinute': 10_000_000,
    },
  });
}

/**
 * Loads fixture consents straight into the table, in large transactions, without the per-row audit entry
 * that `recordConsent` writes: they stand for a ledger that already exists, not for writes being measured.
 */
// Fixture ids are UUID-shaped and ascending, so the primary-key index grows at its end: random ids (as
// recordConsent makes) would make loading a million rows several times slower without changing the check.
let fixtureSeq = 0;
const fixtureId = () => {
  const h = (fixtureSeq++).toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${h}`;
};

export async function loadConsents(
  store: Store,
  generate: (emit: (row: ConsentRow) => void) => void,
): Promise<void> {
  const BATCH = 10_000;
  const cols = [
    'id',
    'subject',
    'purpose_key',
    'given',
    'rules_version',
    'channel',
    'separate',
    'evidence',
    'actor_type',
    'actor_id',
    'created_at',
  ];
  const evidence = '{"form":"signup-v1"}';
  if (store.sqlite) {
    const db = store.sqlite;
    // A larger page cache while loading (the index pages being filled stay in memory), restored after.
    const cacheSize = db.pragma('cache_size', { simple: true }) as number;
    db.pragma('cache_size = -262144');
    db.pragma('synchronous = OFF'); // fixture data: a crash while loading loses nothing of value
    // Multi-row inserts of 100 rows; the rest (under 100) one by one.
    const ROWS = 100;
    const one = `(?, ?, ?, ?, 1, 'web', ?, ?, 'system', null, ?)`;
    const insertMany = db.prepare(
      `insert into consents (${cols.join(', ')}) values ${Array(ROWS).fill(one).join(', ')}`,
    );
    const insertOne = db.prepare(`insert into consents (${cols.join(', ')}) values ${one}`);
    const params = (r: ConsentRow) => [
      fixtureId(),
      r.subject,
      r.purpose,
      r.given,
      r.separate,
      evidence,
      r.createdAt,
    ];
    let buf: ConsentRow[] = [];
    const flush = db.transaction((rows: ConsentRow[]) => {
      let i = 0;
      for (; i + ROWS <= rows.length; i += ROWS) insertMany.run(rows.slice(i, i + ROWS).flatMap(params));
      for (; i < rows.length; i++) insertOne.run(params(rows[i]));
    });
    generate((row) => {
      buf.push(row);
      if (buf.length === BATCH * 5) {
        flush(buf);
        buf = [];
      }
    });
    if (buf.length) flush(buf);
    db.pragma(`cache_size = ${cacheSize}`);
    db.pragma('synchronous = FULL');
    db.exec('analyze');
    return;
  }
  // PostgreSQL: one multi-row insert of 10,000 rows per statement (unnest of arrays), 100,000 rows per
  // transaction, on a connection of the store's own pool.
  const { sql } = await import('kysely');
  let buf: ConsentRow[] = [];
  const pending: ConsentRow[][] = [];
  generate((row) => {
    buf.push(row);
    if (buf.length === BATCH) {
      pending.push(buf);
      buf = [];
    }
  });
  if (buf.length) pending.push(buf);
  for (let i = 0; i < pending.length; i += 10)
    await store.db.transaction().execute(async (trx) => {
      for (const rows of pending.slice(i, i + 10))
        await sql`insert into consents (${sql.raw(cols.join(', '))})
          select id, subject, purpose_key, given, 1, 'web', separate, ${evidence}, 'system', null, created_at
          from unnest(${rows.map(() => fixtureId())}::text[], ${rows.map((r) => r.subject)}::text[],
            ${rows.map((r) => r.purpose)}::text[], ${rows.map((r) => r.given)}::int[],
            ${rows.map((r) => r.separate)}::text[], ${rows.map((r) => r.createdAt)}::text[])
            as t(id, subject, purpose_key, given, separate, created_at)`.execute(trx);
    });
  // As autovacuum would after a bulk load: statistics, and the visibility map index-only scans need.
  await sql`vacuum analyze consents`.execute(store.db);
}

/**
 * Opens a context on `b`, publishes the benchmark's 50 purposes and loads `count` fixture consents: the store
 * both the benchmark and its A/B runs measure. The caller closes the context.
 */
export async function seedBenchStore(b: BenchStore, count: number) {
  const ctx = await AppContext.create(benchConfig(b.dataDir), {
    store: openBenchStore(b),
    logger: createLogger('silent'),
  });
  const purposes = makePurposes();
  for (const p of purposes) await ctx.rules.savePurpose(SYSTEM, p);
  await ctx.rules.publish(SYSTEM);
  const started = performance.now();
  let gen!: ReturnType<typeof makeConsents>;
  await loadConsents(ctx.store, (emit) => (gen = makeConsents(purposes, count, Date.now(), emit)));
  return { ctx, purposes, gen, seedSeconds: (performance.now() - started) / 1000 };
}
