import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorRef } from '../../src/audit/actor.js';
import { SYSTEM } from '../../src/audit/actor.js';
import type { Purpose } from '../../src/rules/register.js';
import { RulesService } from '../../src/rules/service.js';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';
import { purposeBody } from '../helpers/purposes.js';

const ads: Purpose = {
  key: 'ads',
  ...purposeBody({ nameZh: '营销', nameEn: 'Marketing', descriptionZh: '推荐', descriptionEn: 'Recommend' }),
};
const actor: ActorRef = { type: 'api_key', id: 'k-instances' };
const q = (subject: string) => ({ subject, purpose: 'ads', categories: ['contact'] });

// A change to the ledger made anywhere (another instance, SQL straight in the database, a bulk load) counts
// at the next check: whatever an instance keeps in memory (rules versions, API keys, batched reads), the
// ledger itself is read for every check.
describe.each(DIALECTS)('purpose checks stay exact across instances on %s', (dialect) => {
  let t: TestContext;
  let other: RulesService;
  const row = (subject: string, given: number, at: string) => ({
    id: `c-${subject}-${at}`,
    subject,
    purpose_key: 'ads',
    given,
    rules_version: 1,
    channel: 'web',
    separate: '[]',
    evidence: '{}',
    actor_type: 'system',
    actor_id: null,
    created_at: at,
  });
  const give = (r: RulesService, subject: string, given: boolean) =>
    r.recordConsent(SYSTEM, { subject, purpose: 'ads', given, rulesVersion: 1, channel: 'web' });

  beforeAll(async () => {
    t = await makeContext(dialect);
    await t.ctx.rules.savePurpose(SYSTEM, ads);
    await t.ctx.rules.publish(SYSTEM);
    // Another instance on the same store: its own caches.
    other = new RulesService(t.ctx.db, t.ctx.audit);
    other.useStore(t.ctx.store);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('counts a withdrawal recorded by another instance at the next check', async () => {
    await give(t.ctx.rules, 'a1', true);
    expect((await t.ctx.rules.check(actor, q('a1'))).allowed).toBe(true);
    expect((await t.ctx.rules.check(actor, q('a1'))).allowed).toBe(true);
    await give(other, 'a1', false);
    expect(await t.ctx.rules.check(actor, q('a1'))).toEqual({
      allowed: false,
      reasons: ['consent_withdrawn'],
    });
    await give(other, 'a1', true);
    expect((await t.ctx.rules.check(actor, q('a1'))).allowed).toBe(true);
  });

  it('counts consents written or removed straight in the database', async () => {
    expect((await t.ctx.rules.check(actor, q('a2'))).reasons).toEqual(['no_consent']);
    await t.ctx.db
      .insertInto('consents')
      .values(row('a2', 1, '2026-12-01T00:00:00.000Z'))
      .execute();
    expect((await t.ctx.rules.check(actor, q('a2'))).allowed).toBe(true);
    await t.ctx.db.updateTable('consents').set({ given: 0 }).where('subject', '=', 'a2').execute();
    expect((await t.ctx.rules.check(actor, q('a2'))).reasons).toEqual(['consent_withdrawn']);
    await t.ctx.db.deleteFrom('consents').where('subject', '=', 'a2').execute();
    expect((await t.ctx.rules.check(actor, q('a2'))).reasons).toEqual(['no_consent']);
  });

  it('counts a bulk load at the next check', async () => {
    await give(t.ctx.rules, 'a3', true);
    expect((await t.ctx.rules.check(actor, q('a3'))).allowed).toBe(true);
    const rows = Array.from({ length: 1200 }, (_, i) =>
      row(i === 0 ? 'a3' : `bulk-${i}`, i === 0 ? 0 : 1, '2026-12-31T00:00:00.000Z'),
    );
    await t.ctx.db.insertInto('consents').values(rows).execute();
    expect((await t.ctx.rules.check(actor, q('a3'))).reasons).toEqual(['consent_withdrawn']);
    expect((await t.ctx.rules.check(actor, q('bulk-7'))).allowed).toBe(true);
  });
});
