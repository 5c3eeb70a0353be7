import { existsSync, readFileSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanDatabase } from '../../src/cli/commands/pii-scan-db.js';
import { cli, requireBuild } from '../helpers/cli.js';
import { DIALECTS, makeStore, type TestStore } from '../helpers/dialects.js';

const ID = '11010519491231002X';

describe.each(DIALECTS)('pii scan-db on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await makeStore(dialect);
    const db = t.store.db as never as import('kysely').Kysely<any>;
    await db.schema
      .createTable('customers')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('contact', 'text')
      .addColumn('notes', 'text')
      .addColumn('status', 'text')
      .addColumn('points', 'integer')
      .execute();
    const rows = Array.from({ length: 300 }, (_, i) => ({
      id: i + 1,
      contact: i % 3 === 0 ? `手机 1380013${String(8000 + i).padStart(4, '0')}` : `user${i}@example.cn`,
      notes: i === 7 ? `身份证 ${ID}` : i % 2 ? null : '老客户',
      status: 'active',
      points: i,
    }));
    await db.insertInto('customers').values(rows).execute();
  });
  afterAll(async () => t.cleanup());

  it('reports which columns hold which personal information, reading every row', async () => {
    const r = await scanDatabase(t.store, { tables: ['customers'], sample: null });
    const contact = r.find((x) => x.column === 'contact')!;
    expect(contact.rows).toBe(300);
    expect(contact.findings.PHONE_NUMBER).toBe(100);
    expect(contact.findings.EMAIL_ADDRESS).toBe(200);
    expect(r.find((x) => x.column === 'notes')!.findings).toEqual({ CN_RESIDENT_ID: 1 });
    expect(r.find((x) => x.column === 'status')!.withFindings).toBe(0);
    expect(r.some((x) => x.column === 'points')).toBe(false);
  });

  it('samples at random when asked', async () => {
    const r = await scanDatabase(t.store, { tables: ['customers'], columns: ['contact'], sample: 50 });
    expect(r).toHaveLength(1);
    expect(r[0].rows).toBe(50);
  });

  it('names a missing table', async () => {
    await expect(scanDatabase(t.store, { tables: ['nope'], sample: 10 })).rejects.toThrow(
      /table nope does not exist/,
    );
  });

  if (dialect === 'sqlite')
    it('runs from the command line', () => {
      requireBuild();
      const r = cli(['pii', 'scan-db', '--db', path.join(t.dataDir, 'custodian.db'), '--full', '--json']);
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout);
      expect(report.find((x: { column: string }) => x.column === 'contact').findings.PHONE_NUMBER).toBe(100);
    });

  if (dialect === 'sqlite')
    it('reads a database as it is, and refuses a path or column that is not there', () => {
      requireBuild();
      // A database in rollback-journal mode, as another program left it: still so after the scan.
      const file = path.join(t.dataDir, 'other.db');
      const other = new SqliteDatabase(file);
      other.exec("create table people (note text); insert into people values ('call 13812345678')");
      other.close();
      const before = readFileSync(file);
      const r = cli(['pii', 'scan-db', '--db', file, '--full', '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)[0].findings.PHONE_NUMBER).toBe(1);
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(existsSync(`${file}-wal`)).toBe(false);
      const typo = path.join(t.dataDir, 'nope', 'other.db');
      const missing = cli(['pii', 'scan-db', '--db', typo]);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain(`no SQLite database at ${typo}`);
      expect(existsSync(typo)).toBe(false);
      const col = cli(['pii', 'scan-db', '--db', file, '--columns', 'nope']);
      expect(col.code).not.toBe(0);
      expect(col.stderr).toContain('column nope does not exist');
    });
});
