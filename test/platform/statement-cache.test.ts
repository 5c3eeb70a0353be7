import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { statementCache } from '../../src/db/database.js';

// SQLite only: the cache sits between Kysely and the embedded handle (PostgreSQL keeps its own plans).
describe('SQLite statement cache', () => {
  let handle: SqliteDatabase.Database;
  afterEach(() => handle?.close());

  const open = () => {
    handle = new SqliteDatabase(':memory:');
    const cached = statementCache(handle, 3);
    return { cached, db: new Kysely<any>({ dialect: new SqliteDialect({ database: cached }) }) };
  };

  it('hands out one statement per SQL text, and another while that one is still streaming', async () => {
    const { cached, db } = open();
    handle.exec('create table t (a integer)');
    handle.exec('insert into t values (1), (2), (3)');
    const q = 'select a from t order by a';
    expect(cached.prepare(q)).toBe(cached.prepare(q));
    const it1 = cached.prepare(q).iterate();
    it1.next();
    expect(cached.prepare(q)).not.toBe(cached.prepare('select 1'));
    expect(cached.prepare(q).busy).toBe(false);
    it1.return?.();
    expect(cached.prepare(q).all()).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    // A stream through Kysely, then the same query again.
    const rows: number[] = [];
    for await (const r of db.selectFrom('t').select('a').orderBy('a').stream()) rows.push(r.a as number);
    expect(await db.selectFrom('t').select('a').orderBy('a').execute()).toHaveLength(3);
    expect(rows).toEqual([1, 2, 3]);
  });

  it('sees schema changes: statements prepared before a migration answer with the new columns', async () => {
    const { db } = open();
    await db.schema.createTable('u').addColumn('a', 'integer').execute();
    await db.insertInto('u').values({ a: 1 }).execute();
    expect(await db.selectFrom('u').selectAll().execute()).toEqual([{ a: 1 }]);
    await db.schema.alterTable('u').addColumn('b', 'text').execute();
    await db.updateTable('u').set({ b: 'x' }).execute();
    expect(await db.selectFrom('u').selectAll().execute()).toEqual([{ a: 1, b: 'x' }]);
  });

  it('starts afresh past its size and keeps answering correctly', async () => {
    const { db } = open();
    await db.schema.createTable('v').addColumn('a', 'integer').execute();
    for (let i = 0; i < 10; i++) await db.insertInto('v').values({ a: i }).execute();
    for (let n = 1; n <= 8; n++) {
      const ids = Array.from({ length: n }, (_, i) => i);
      const rows = await db.selectFrom('v').select('a').where('a', 'in', ids).execute();
      expect(rows).toHaveLength(n);
    }
    expect((await sql<{ n: number }>`select count(*) as n from v`.execute(db)).rows[0].n).toBe(10);
  });
});
