import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorRef } from '../../src/audit/actor.js';
import { SYSTEM } from '../../src/audit/actor.js';
import { verifyAudit } from '../../src/audit/verify.js';
import type { Purpose } from '../../src/rules/register.js';
import { DIALECTS, makeContext, PG_URL, type TestContext } from '../helpers/dialects.js';
import { purposeBody } from '../helpers/purposes.js';
import pg from 'pg';
import { sql } from 'kysely';
import { latestConsentReader, SQLITE_LATEST } from '../../src/rules/latest-consent.js';

const purpose = (key: string, extra: Partial<Purpose> = {}): Purpose => ({
  key,
  ...purposeBody({
    nameZh: '营销',
    nameEn: 'Marketing',
    descriptionZh: '推荐商品',
    descriptionEn: 'Recommend products',
    ...extra,
  }),
});

// The purpose check's fast path (prepared statement on SQLite, one round trip per burst on PostgreSQL, group
// commit of denials) must answer exactly as one check at a time does, and audit every denial.
describe.each(DIALECTS)('purpose check under concurrency on %s', (dialect) => {
  let t: TestContext;
  const actor: ActorRef = { type: 'api_key', id: 'k-1' };

  beforeAll(async () => {
    t = await makeContext(dialect);
    const r = t.ctx.rules;
    await r.savePurpose(SYSTEM, purpose('ads'));
    await r.savePurpose(
      SYSTEM,
      purpose('geo', { categories: ['location'], necessity: 'Delivery needs the precise location' }),
    );
    await r.savePurpose(SYSTEM, purpose('billing', { legalBasis: 'contract' }));
    await r.publish(SYSTEM);
    const give = (subject: string, p: string, given = true, separate: string[] = []) =>
      r.recordConsent(SYSTEM, {
        subject,
        purpose: p,
        given,
        rulesVersion: 1,
        channel: 'web',
        separate: separate as never,
      });
    for (let i = 0; i < 20; i++) {
      const s = `s-${i}`;
      if (i % 4 !== 3) await give(s, 'ads');
      if (i % 4 === 1) await give(s, 'ads', false); // withdrawn
      if (i % 8 === 1) await give(s, 'ads'); // and given again
      await give(s, 'geo', true, i % 2 ? ['sensitive'] : []);
    }
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('answers a burst of concurrent checks, duplicates included, as it answers them one by one', async () => {
    const r = t.ctx.rules;
    const qs = [];
    for (let i = 0; i < 24; i++)
      for (const p of ['ads', 'geo', 'billing'])
        qs.push({ subject: `s-${i}`, purpose: p, categories: p === 'geo' ? ['location'] : ['contact'] });
    qs.push(...qs.slice(0, 10));
    const one: Array<{ allowed: boolean; reasons: string[] }> = [];
    for (const q of qs) one.push(await r.check(actor, q));
    const burst = await Promise.all(qs.map((q) => r.check(actor, q)));
    expect(burst).toEqual(one);
    expect(one.some((x) => x.allowed)).toBe(true);
    const reasons = new Set(one.flatMap((x) => x.reasons));
    for (const code of ['no_consent', 'consent_withdrawn', 'separate_consent_missing:sensitive'])
      expect(reasons).toContain(code);
    // s-1 withdrew and gave again (the latest entry counts); s-5 only withdrew.
    expect(one[3 * 1]).toEqual({ allowed: true, reasons: [] });
    expect(one[3 * 5]).toEqual({ allowed: false, reasons: ['consent_withdrawn'] });
  });

  it('audits every denial of a concurrent burst before answering, and the chain still verifies', async () => {
    const r = t.ctx.rules;
    const count = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('audit_entries')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('action', '=', 'purpose.check.denied')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        r.check(actor, { subject: `nobody-${i}`, purpose: 'ads', categories: ['contact'] }),
      ),
    );
    expect(results.every((x) => !x.allowed && x.reasons[0] === 'no_consent')).toBe(true);
    expect((await count()) - before).toBe(60);
    expect((await verifyAudit(t.ctx.store, t.ctx.keys)).ok).toBe(true);
  });

  it('reads the latest consent from the covering index alone, also once statistics exist', async () => {
    const sqlite = t.ctx.store.sqlite;
    if (!sqlite) return; // PostgreSQL: the plan depends on table size; the benchmark reports it
    sqlite.exec('analyze');
    const plan = sqlite.prepare(`explain query plan ${SQLITE_LATEST}`).all('s-1', 'ads') as Array<{
      detail: string;
    }>;
    expect(plan.map((p) => p.detail)).toEqual([
      'SEARCH consents USING COVERING INDEX consents_check_idx (subject=? AND purpose_key=?)',
    ]);
    // And the answers after ANALYZE are those from before it.
    expect(
      await t.ctx.rules.check(actor, { subject: 's-1', purpose: 'ads', categories: ['contact'] }),
    ).toEqual({
      allowed: true,
      reasons: [],
    });
  });

  it('fails a ledger read that does not come back within its timeout, and the next read works', async () => {
    const pool = t.ctx.store.pg;
    if (!pool || !PG_URL) return; // the PostgreSQL server's statement path (embedded stand-ins have no pool)
    // Another session holds the table so the read cannot proceed, as a connection that stopped answering would.
    const locker = new pg.Client({ connectionString: PG_URL });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query(`lock table ${t.ctx.store.schema}.consents in access exclusive mode`);
      const read = latestConsentReader(t.ctx.store, { timeoutMs: 300 });
      const started = Date.now();
      await expect(read('s-0', 'ads')).rejects.toThrow(/timeout/i);
      expect(Date.now() - started).toBeLessThan(5_000);
      await locker.query('rollback');
      // The held-up connection was dropped; the next read goes on a working one.
      expect(await read('s-0', 'ads')).toMatchObject({ given: 1, rules_version: 1 });
    } finally {
      await locker.end();
    }
  });

  // A PostgreSQL server's sessions: the embedded stand-in has no pools.
  it.skipIf(dialect !== 'postgres' || !PG_URL)(
    'plans the hot statements once, on their own sessions, and outlives a dropped connection',
    async () => {
      const pool = t.ctx.store.pg!;
      const mode = async (q: (sql: string) => Promise<{ rows: Array<{ plan_cache_mode: string }> }>) =>
        (await q('show plan_cache_mode')).rows[0].plan_cache_mode;
      expect(await mode((sql) => pool.query(sql))).toBe('force_generic_plan');
      // The query builder's statements keep PostgreSQL's usual choice.
      const { rows } = await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(t.ctx.db);
      expect(rows[0].plan_cache_mode).toBe('auto');
      // The sessions of both pools (only this test's: other files share the server) are cut off while idle,
      // as a server restart would: the process goes on, and the next check opens new sessions.
      const pidsOf = (n: number, q: () => Promise<number>) => Promise.all(Array.from({ length: n }, q));
      const pids = new Set([
        ...(await pidsOf(4, async () => (await pool.query('select pg_backend_pid() as p')).rows[0].p)),
        ...(await pidsOf(
          10,
          async () => (await sql<{ p: number }>`select pg_backend_pid() as p`.execute(t.ctx.db)).rows[0].p,
        )),
      ]);
      const killer = new pg.Client({ connectionString: PG_URL });
      await killer.connect();
      try {
        const cut = await killer.query('select pg_terminate_backend(p) from unnest($1::int[]) p', [
          [...pids],
        ]);
        expect(cut.rowCount).toBe(pids.size);
      } finally {
        await killer.end();
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(
        await t.ctx.rules.check(actor, { subject: 's-1', purpose: 'ads', categories: ['contact'] }),
      ).toEqual({ allowed: true, reasons: [] });
    },
  );

  it('checks a batch of subjects concurrently with the same answers', async () => {
    const subjects = Array.from({ length: 30 }, (_, i) => `s-${i}`);
    const batch = await t.ctx.rules.checkBatch(actor, 'ads', ['contact'], subjects);
    for (const [i, b] of batch.entries()) {
      expect(b.subject).toBe(subjects[i]);
      const single = await t.ctx.rules.check(actor, {
        subject: b.subject,
        purpose: 'ads',
        categories: ['contact'],
      });
      expect({ allowed: b.allowed, reasons: b.reasons }).toEqual(single);
    }
  });
});
