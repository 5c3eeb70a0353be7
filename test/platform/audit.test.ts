import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { SYSTEM } from '../../src/audit/actor.js';
import { purgeAudit } from '../../src/audit/retention.js';
import { AuditLog } from '../../src/audit/service.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { transact } from '../../src/db/transaction.js';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';

async function appendMany(t: TestContext, n: number, actionPrefix = 'test.write') {
  for (let i = 0; i < n; i++)
    await transact(t.ctx.db, (tx) =>
      t.ctx.audit.append(tx, {
        action: actionPrefix,
        actor: SYSTEM,
        target: { type: 'thing', id: `t${i}` },
        details: { i },
      }),
    );
}

describe.each(DIALECTS)('audit log on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext(dialect, { 'audit.checkpointEvery': 10 });
  });
  afterAll(async () => t.cleanup());

  it('chains entries, signs checkpoints, and verifies', async () => {
    await appendMany(t, 25);
    const r = await verifyAudit(t.ctx.store, t.ctx.keys);
    expect(r.problem).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(25);
    expect(r.checkpoints).toBe(2);
    const rows = await t.ctx.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
  });

  it('appends a burst in one transaction as the same chain, with the checkpoints it crosses', async () => {
    const head = await t.ctx.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    const events = Array.from({ length: 230 }, (_, i) => ({
      action: 'test.burst',
      actor: SYSTEM,
      target: { type: 'thing', id: `b${i}` },
      details: { i },
    }));
    const out = await transact(t.ctx.db, (tx) => t.ctx.audit.appendMany(tx, events));
    expect(out.map((e) => e.seq)).toEqual(events.map((_, i) => head.last_seq + 1 + i));
    const rows = await t.ctx.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('action', '=', 'test.burst')
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => r.target_id)).toEqual(events.map((e) => e.target.id));
    expect(rows[0].prev_hash).toBe(head.last_hash);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect(rows.map((r) => r.hash)).toEqual(out.map((e) => e.hash));
    const after = await t.ctx.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    expect(after).toMatchObject({ last_seq: out.at(-1)!.seq, last_hash: out.at(-1)!.hash });
    // Every tenth entry is signed, inside the burst too.
    const signed = await t.ctx.db
      .selectFrom('audit_checkpoints')
      .select('seq')
      .where('seq', '>', head.last_seq)
      .where('seq', '<=', out.at(-1)!.seq)
      .execute();
    expect(signed.length).toBe(Math.floor(out.at(-1)!.seq / 10) - Math.floor(head.last_seq / 10));
    const r = await verifyAudit(t.ctx.store, t.ctx.keys);
    expect(r.problem).toBeNull();
    expect(r.ok).toBe(true);
  });

  it('writes nothing when the transaction rolls back', async () => {
    const before = await t.ctx.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    await expect(
      transact(t.ctx.db, async (tx) => {
        await t.ctx.audit.append(tx, { action: 'test.rollback', actor: SYSTEM });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await t.ctx.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    const n = await t.ctx.db
      .selectFrom('audit_entries')
      .select('seq')
      .where('action', '=', 'test.rollback')
      .execute();
    expect(n).toHaveLength(0);
    expect((await verifyAudit(t.ctx.store, t.ctx.keys)).ok).toBe(true);
  });

  it('keeps the chain whole under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        transact(t.ctx.db, (tx) =>
          t.ctx.audit.append(tx, { action: 'test.concurrent', actor: SYSTEM, details: { i } }),
        ),
      ),
    );
    expect((await verifyAudit(t.ctx.store, t.ctx.keys)).ok).toBe(true);
  });
});

describe.each(DIALECTS)('appending alone (denied purpose checks) on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext(dialect, { 'audit.checkpointEvery': 10 });
  });
  afterAll(async () => t.cleanup());
  const ev = (action: string, i: number) => ({
    action,
    actor: SYSTEM,
    target: { type: 'purpose', id: `p${i}` },
    details: { i },
  });
  const head = () => t.ctx.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
  // Another Custodian process on the same store: its own AuditLog, which knows nothing of this one's head.
  const otherProcess = () => new AuditLog(t.ctx.keys, 10);
  const fastStatements = (spy: { mock: { calls: unknown[][] } }) =>
    spy.mock.calls.filter((c) => (c[0] as { name?: string })?.name === 'custodian-audit-append').length;

  it('chains entries on from the head and moves it, in one statement on PostgreSQL once the head is known', async () => {
    await appendMany(t, 2, 'test.before'); // this process now knows the head
    const before = await head();
    const pool = t.ctx.store.pg;
    const spy = pool ? vi.spyOn(pool, 'query') : undefined;
    try {
      const out = await t.ctx.audit.appendAlone(t.ctx.db, pool, [ev('test.alone', 1), ev('test.alone', 2)]);
      expect(out.map((e) => e.seq)).toEqual([before.last_seq + 1, before.last_seq + 2]);
      const after = await head();
      expect(after).toMatchObject({ last_seq: out[1].seq, last_hash: out[1].hash });
      const rows = await t.ctx.db
        .selectFrom('audit_entries')
        .selectAll()
        .where('action', '=', 'test.alone')
        .orderBy('seq')
        .execute();
      expect(rows.map((r) => r.target_id)).toEqual(['p1', 'p2']);
      expect(rows[0].prev_hash).toBe(before.last_hash);
      expect(rows[1].prev_hash).toBe(rows[0].hash);
      // The one statement, and nothing else through the pool (a transaction takes a client of its own).
      if (spy) expect(spy.mock.calls.length).toBe(1);
      if (spy) expect(fastStatements(spy)).toBe(1);
    } finally {
      spy?.mockRestore();
    }
    expect((await verifyAudit(t.ctx.store, t.ctx.keys)).ok).toBe(true);
  });

  it('stores half an emoji or a NUL typed by a caller so that the chain still verifies', async () => {
    const odd = {
      action: 'test.odd',
      actor: SYSTEM,
      purpose: 'mk\ud800x\u0000',
      target: { type: 'purpose', id: 'p\udc00' },
    };
    await t.ctx.audit.appendAlone(t.ctx.db, t.ctx.store.pg, [odd, { ...odd, requestId: 'r\ud83d' }]);
    await appendMany(t, 1, 'test.after');
    const r = await verifyAudit(t.ctx.store, t.ctx.keys);
    expect(r.problem).toBeNull();
    expect(r.ok).toBe(true);
  });

  it('goes the usual way when another process moved the head, and the chain stays whole', async () => {
    await transact(t.ctx.db, (tx) => otherProcess().append(tx, ev('test.other', 0)));
    const moved = await head();
    const out = await t.ctx.audit.appendAlone(t.ctx.db, t.ctx.store.pg, [ev('test.after-other', 1)]);
    expect(out[0].seq).toBe(moved.last_seq + 1);
    const row = await t.ctx.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '=', out[0].seq)
      .executeTakeFirstOrThrow();
    expect(row.prev_hash).toBe(moved.last_hash);
    expect((await head()).last_seq).toBe(out[0].seq);
    const r = await verifyAudit(t.ctx.store, t.ctx.keys);
    expect(r.problem).toBeNull();
    expect(r.ok).toBe(true);
  });

  it('signs the checkpoints a burst reaches', async () => {
    const before = await head();
    const events = Array.from({ length: 12 }, (_, i) => ev('test.alone-burst', i));
    const out = await t.ctx.audit.appendAlone(t.ctx.db, t.ctx.store.pg, events);
    const last = out.at(-1)!.seq;
    const signed = await t.ctx.db
      .selectFrom('audit_checkpoints')
      .select('seq')
      .where('seq', '>', before.last_seq)
      .where('seq', '<=', last)
      .execute();
    expect(signed.length).toBe(Math.floor(last / 10) - Math.floor(before.last_seq / 10));
    expect(signed.length).toBeGreaterThan(0);
    const r = await verifyAudit(t.ctx.store, t.ctx.keys);
    expect(r.problem).toBeNull();
    expect(r.ok).toBe(true);
  });

  it('keeps one whole chain when two processes and ordinary transactions append at once', async () => {
    const before = await head();
    const other = otherProcess();
    const writes = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0
        ? transact(t.ctx.db, (tx) => t.ctx.audit.append(tx, ev('test.race.tx', i))).then((e) => [e])
        : (i % 4 === 1 ? other : t.ctx.audit).appendAlone(t.ctx.db, t.ctx.store.pg, [
            ev('test.race', i),
            ev('test.race', i + 1000),
          ]),
    );
    const seqs = (await Promise.all(writes)).flat().map((e) => e.seq);
    // Every entry got its own place, with no gap: 10 single entries and 30 pairs.
    expect(new Set(seqs).size).toBe(70);
    expect(Math.min(...seqs)).toBe(before.last_seq + 1);
    expect(Math.max(...seqs)).toBe(before.last_seq + 70);
    expect((await head()).last_seq).toBe(before.last_seq + 70);
    const r = await verifyAudit(t.ctx.store, t.ctx.keys);
    expect(r.problem).toBeNull();
    expect(r.ok).toBe(true);
  });
});

describe.each(DIALECTS)('tampering on %s is named by verify', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext(dialect, { 'audit.checkpointEvery': 1000 });
  });
  afterAll(async () => t.cleanup());

  // Each case tampers a fresh copy of a 12-entry log and restores it afterwards.
  async function withTamper(tamper: () => Promise<void>) {
    await t.ctx.db.deleteFrom('audit_entries').execute();
    await t.ctx.db.deleteFrom('audit_checkpoints').execute();
    await t.ctx.db
      .updateTable('audit_head')
      .set({ last_seq: 0, last_hash: '0'.repeat(64) })
      .execute();
    await appendMany(t, 12);
    expect((await verifyAudit(t.ctx.store, t.ctx.keys)).ok).toBe(true);
    await tamper();
    return verifyAudit(t.ctx.store, t.ctx.keys);
  }

  it('an edited action', async () => {
    const r = await withTamper(async () => {
      await t.ctx.db
        .updateTable('audit_entries')
        .set({ action: 'test.harmless' })
        .where('seq', '=', 5)
        .execute();
    });
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ seq: 5, kind: 'edited' });
  });

  it('edited details', async () => {
    const r = await withTamper(async () => {
      await t.ctx.db.updateTable('audit_entries').set({ details: '{"i":99}' }).where('seq', '=', 7).execute();
    });
    expect(r.problem).toMatchObject({ seq: 7, kind: 'edited' });
  });

  it('a deleted entry in the middle', async () => {
    const r = await withTamper(async () => {
      await t.ctx.db.deleteFrom('audit_entries').where('seq', '=', 4).execute();
    });
    expect(r.problem).toMatchObject({ seq: 4, kind: 'deleted' });
  });

  it('deleted entries at the end', async () => {
    const r = await withTamper(async () => {
      await t.ctx.db.deleteFrom('audit_entries').where('seq', '>=', 11).execute();
    });
    expect(r.problem).toMatchObject({ seq: 11, kind: 'truncated' });
  });

  it('two entries swapped', async () => {
    const r = await withTamper(async () => {
      // Swap seq 6 and 7 by moving one out of the way.
      await t.ctx.db.updateTable('audit_entries').set({ seq: 1000 }).where('seq', '=', 6).execute();
      await t.ctx.db.updateTable('audit_entries').set({ seq: 6 }).where('seq', '=', 7).execute();
      await t.ctx.db.updateTable('audit_entries').set({ seq: 7 }).where('seq', '=', 1000).execute();
    });
    expect(r.problem).toMatchObject({ seq: 6, kind: 'reordered' });
  });

  it('an inserted entry (later ones renumbered)', async () => {
    const r = await withTamper(async () => {
      for (let s = 12; s >= 8; s--)
        await t.ctx.db
          .updateTable('audit_entries')
          .set({ seq: s + 1 })
          .where('seq', '=', s)
          .execute();
      const seven = await t.ctx.db
        .selectFrom('audit_entries')
        .selectAll()
        .where('seq', '=', 7)
        .executeTakeFirstOrThrow();
      await t.ctx.db
        .insertInto('audit_entries')
        .values({ ...seven, seq: 8, action: 'test.forged', prev_hash: seven.hash })
        .execute();
      await t.ctx.db.updateTable('audit_head').set({ last_seq: 13 }).execute();
    });
    expect(r.problem?.seq).toBe(8);
    expect(['inserted', 'edited']).toContain(r.problem?.kind);
  });

  it('a rewritten chain is caught by the signed checkpoint', async () => {
    const { entryHash, sha256Hex } = await import('../../src/audit/canonical.js');
    const r = await withTamper(async () => {
      await t.ctx.audit.checkpointHead(t.ctx.db);
      // Recompute every hash after editing entry 3, as an attacker without the signing key would.
      const rows = await t.ctx.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
      let prev = rows[1].hash;
      for (const row of rows.slice(2)) {
        const details = row.seq === 3 ? '{"i":1234}' : row.details;
        const next = { ...row, details, details_digest: sha256Hex(details), prev_hash: prev };
        next.hash = entryHash(next);
        await t.ctx.db.updateTable('audit_entries').set(next).where('seq', '=', row.seq).execute();
        prev = next.hash;
      }
      await t.ctx.db.updateTable('audit_head').set({ last_hash: prev }).execute();
    });
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ seq: 12, kind: 'checkpoint-mismatch' });
  });

  it('the SQLite fast path and the query-builder path name the same entry', async () => {
    const viaStore = await withTamper(async () => {
      await t.ctx.db
        .updateTable('audit_entries')
        .set({ target_id: 'thing-9' })
        .where('seq', '=', 9)
        .execute();
    });
    const viaDb = await verifyAudit(t.ctx.db, t.ctx.keys);
    expect(viaStore.problem).toMatchObject({ seq: 9, kind: 'edited' });
    expect(viaDb.problem).toEqual(viaStore.problem);
  });

  it('a forged checkpoint signature', async () => {
    const r = await withTamper(async () => {
      await t.ctx.audit.checkpointHead(t.ctx.db);
      await t.ctx.db
        .updateTable('audit_checkpoints')
        .set({ hash: 'f'.repeat(64) })
        .execute();
    });
    expect(r.problem).toMatchObject({ kind: 'bad-checkpoint' });
  });

  it('purging past retention leaves a signed anchor, and the rest still verifies', async () => {
    const r = await withTamper(async () => {
      const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
      await t.ctx.db.updateTable('audit_entries').set({ at: old }).where('seq', '<=', 5).execute();
      // Editing `at` changes the hashes; rebuild the chain as if those entries had been written long ago.
      const { entryHash } = await import('../../src/audit/canonical.js');
      const rows = await t.ctx.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
      let prev = '0'.repeat(64);
      for (const row of rows) {
        const next = { ...row, prev_hash: prev };
        next.hash = entryHash(next);
        await t.ctx.db.updateTable('audit_entries').set(next).where('seq', '=', row.seq).execute();
        prev = next.hash;
      }
      await t.ctx.db.updateTable('audit_head').set({ last_hash: prev }).execute();
      const purged = await purgeAudit(t.ctx.db, t.ctx.audit, 365);
      expect(purged).toBe(5);
    });
    expect(r.problem).toBeNull();
    expect(r.firstSeq).toBe(6);
    // Removing the anchor makes the missing entries visible again.
    await t.ctx.db.deleteFrom('audit_checkpoints').where('kind', '=', 'retention').execute();
    const again = await verifyAudit(t.ctx.store, t.ctx.keys);
    expect(again.problem).toMatchObject({ seq: 5, kind: 'deleted' });
    void sql;
  });
});
