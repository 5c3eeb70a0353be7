import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from './pglite-dialect.js';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config/config.js';
import { AppContext } from '../../src/context.js';
import { KeyRing } from '../../src/crypto/keyring.js';
import { openStore, type Store } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Every storage test runs on each dialect, as Kysely's own suite does. CUSTODIAN_TEST_DIALECTS narrows the
 * list; PostgreSQL is a real server when CUSTODIAN_TEST_DATABASE_URL is set, else PGlite (embedded).
 */
export const DIALECTS: DialectName[] = (process.env.CUSTODIAN_TEST_DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is DialectName => s === 'sqlite' || s === 'postgres');

export const PG_URL = process.env.CUSTODIAN_TEST_DATABASE_URL;

export interface TestStore {
  store: Store;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A fresh, empty store: a SQLite file in a temp dir, or its own PostgreSQL schema (or PGlite instance). */
export async function makeStore(dialect: DialectName): Promise<TestStore> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'custodian-test-'));
  const rmDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') {
    const store = openStore({ kind: 'sqlite', file: path.join(dataDir, 'custodian.db') });
    return { store, dataDir, cleanup: async () => (await store.close(), rmDir()) };
  }
  if (PG_URL) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const store = openStore({ kind: 'postgres', url: PG_URL, schema, max: 5 });
    return {
      store,
      dataDir,
      cleanup: async () => {
        await store.close();
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`drop schema ${schema} cascade`);
        await c.end();
        rmDir();
      },
    };
  }
  const client = new PGlite();
  const store = openStore({
    kind: 'custom',
    dialect: new PGliteDialect(client),
    info: 'postgres',
    location: 'pglite (memory)',
  });
  return { store, dataDir, cleanup: async () => (await store.close(), rmDir()) };
}

export function testConfig(dataDir: string, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({
    env: {},
    configFile: path.join(dataDir, 'none.json'),
    overrides: { dataDir, logLevel: 'silent', 'jobs.enabled': false, ...overrides },
  });
}

export interface TestContext {
  ctx: AppContext;
  dataDir: string;
  cleanup(): Promise<void>;
}

export async function makeContext(
  dialect: DialectName,
  overrides: Record<string, unknown> = {},
): Promise<TestContext> {
  const t = await makeStore(dialect);
  const ctx = await AppContext.create(testConfig(t.dataDir, overrides), {
    store: t.store,
    keys: KeyRing.generate(),
    logger: createLogger('silent'),
  });
  return {
    ctx,
    dataDir: t.dataDir,
    cleanup: async () => {
      await ctx.jobs.stop();
      await t.cleanup();
    },
  };
}
