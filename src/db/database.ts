import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type Dialect,
  type MigrationResult,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

/**
 * What differs between the dialects, in one place (as Kysely keeps it behind adapter flags), so queries
 * ask for a capability instead of testing a dialect name.
 */
export interface DialectInfo {
  name: 'sqlite' | 'postgres';
  /** `FOR UPDATE SKIP LOCKED`: lets instances claim jobs without blocking each other. */
  supportsSkipLocked: boolean;
  /** Row locks; SQLite serialises writers instead. */
  supportsRowLocks: boolean;
}

const SQLITE: DialectInfo = { name: 'sqlite', supportsSkipLocked: false, supportsRowLocks: false };
const POSTGRES: DialectInfo = { name: 'postgres', supportsSkipLocked: true, supportsRowLocks: true };

export type Db = Kysely<Database>;
export type DbTx = Transaction<Database>;

export interface Store {
  db: Db;
  dialect: DialectInfo;
  /** Where the data lives, with any password masked. */
  location: string;
  /** PostgreSQL schema the store lives in, when not the default search path. */
  schema?: string;
  /**
   * The embedded SQLite handle, for the few bulk reads (audit verification) where going around the query
   * builder's per-row overhead matters. Absent on PostgreSQL.
   */
  sqlite?: SqliteDatabase.Database;
  /**
   * A PostgreSQL pool for the named (prepared) statements of the hot paths: the purpose check's ledger read
   * and the denials' audit append. Its sessions plan those statements once, generically (see `openStore`).
   * Absent on SQLite.
   */
  pg?: pg.Pool;
  close(): Promise<void>;
}

export type StoreOptions =
  | { kind: 'sqlite'; file: string }
  | {
      kind: 'postgres';
      url: string;
      schema?: string;
      max?: number;
      /** Told of a pooled connection that failed while idle (the pool replaces it). */
      onConnectionError?: (err: Error) => void;
    }
  | {
      kind: 'custom';
      dialect: Dialect;
      info: 'sqlite' | 'postgres';
      location: string;
      close?: () => Promise<void>;
    };

// COUNT(*) and BIGINT come back from pg as strings; Custodian's numbers fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Opens the store. SQLite runs in WAL mode with `synchronous=FULL`: an acknowledged write survives even
 * a power cut, which audit entries (CSL 21 / 23) and acknowledged requests need.
 * @example const store = openStore({ kind: 'sqlite', file: './data/custodian.db' });
 */
export function openStore(opts: StoreOptions): Store {
  if (opts.kind === 'sqlite') {
    mkdirSync(path.dirname(opts.file), { recursive: true });
    const sqlite = new SqliteDatabase(opts.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 10000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statementCache(sqlite) }) });
    return { db, dialect: SQLITE, location: opts.file, sqlite, close: () => db.destroy() };
  }
  if (opts.kind === 'postgres') {
    const searchPath = opts.schema ? `-c search_path=${opts.schema}` : '';
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.max ?? 10,
      options: searchPath || undefined,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    // The named statements take arrays whose length changes with every burst. PostgreSQL then keeps planning
    // them anew on each execution (a custom plan looks cheaper than the generic one for small arrays), which
    // cost its backend more than the reads themselves: about 250 against 105 µs per statement of 14 reads.
    // Their plan is the same whatever the values, so these sessions always use the generic one. The setting
    // stays on this pool: the query builder's statements are planned with their values, as usual.
    const prepared = new pg.Pool({
      connectionString: opts.url,
      max: 4,
      options: `${searchPath} -c plan_cache_mode=force_generic_plan`.trim(),
    });
    // An idle connection that drops (a server restart, a failover) is taken out by its pool and the next
    // query opens a new one; unheard, the pool's 'error' event would end the process.
    for (const p of [pool, prepared]) p.on('error', (err) => opts.onConnectionError?.(err));
    let closed: Promise<void> | undefined;
    return {
      db,
      dialect: POSTGRES,
      location: maskUrl(opts.url),
      schema: opts.schema,
      pg: prepared,
      // Once: a pool refuses a second end().
      close: () => (closed ??= db.destroy().finally(() => prepared.end())),
    };
  }
  const db = new Kysely<Database>({ dialect: opts.dialect });
  return {
    db,
    dialect: opts.info === 'sqlite' ? SQLITE : POSTGRES,
    location: opts.location,
    close: async () => {
      await db.destroy();
      await opts.close?.();
    },
  };
}

/**
 * The SQLite handle as Kysely sees it, with its statements kept by SQL text: Kysely prepares every query
 * anew, and SQLite's prepare costs more than most single-row reads and writes (an audit entry's insert, a
 * purpose check's denial). Parameters are bound, so one query shape is one statement. A statement still
 * streaming rows is never handed out twice; schema changes clear the cache.
 */
export function statementCache(
  sqlite: SqliteDatabase.Database,
  max = 500,
): { close(): void; prepare(sql: string): SqliteDatabase.Statement } {
  let cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteDatabase.Statement {
      const hit = cache.get(sql);
      if (hit && !hit.busy) return hit;
      const stmt = sqlite.prepare(sql);
      if (/^\s*(create|alter|drop)\b/i.test(sql)) cache = new Map();
      else if (!hit) {
        // Query shapes are few; a flood of distinct texts (long IN lists) just starts the cache afresh.
        if (cache.size >= max) cache = new Map();
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

export function maskUrl(u: string): string {
  try {
    const parsed = new URL(u);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return 'postgres';
  }
}

// The migration tables live in the store's own schema: Kysely otherwise finds them in any schema.
function migrator(db: Db, schema?: string) {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
}

/** Applies pending migrations; throws with the failing migration's name. */
export async function migrateToLatest(db: Db, schema?: string): Promise<MigrationResult[]> {
  const { error, results } = await migrator(db, schema).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${message}`);
  }
  return results ?? [];
}

/** True when every known migration has been applied (readiness). */
export async function migrationsCurrent(db: Db, schema?: string): Promise<boolean> {
  const list = await migrator(db, schema).getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}
