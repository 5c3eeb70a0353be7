import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLI, type ActorRef } from '../../src/audit/actor.js';
import { loadConfig } from '../../src/config/config.js';
import { retentionService, type RetentionService, type SweepItem } from '../../src/rules/retention.js';
import type { FieldInput } from '../../src/vault/service.js';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';
import {
  as,
  login,
  makeApp,
  setupAdmin,
  STRONG_PASSWORD,
  type Session,
  type TestApp,
} from '../helpers/http.js';
import { purposeBody } from '../helpers/purposes.js';
import type { Purpose } from '../../src/rules/register.js';

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.now() + days * DAY);
const actor: ActorRef = CLI;

const purpose = (extra: Partial<Purpose>) =>
  purposeBody({
    nameZh: '目的',
    nameEn: 'Purpose',
    descriptionZh: '说明',
    descriptionEn: 'Description',
    categories: ['contact'],
    retentionDays: 30,
    ...extra,
  });

describe('retention settings', () => {
  it('default to a daily dry run that is not applied, and refuse a bad value naming it', () => {
    const none = '/nonexistent/custodian.config.json';
    expect(loadConfig({ env: {}, configFile: none }).retention).toEqual({
      sweepIntervalHours: 24,
      autoApply: false,
    });
    expect(
      loadConfig({ env: { CUSTODIAN_RETENTION_SWEEP_INTERVAL_HOURS: '0' }, configFile: none }).retention
        .sweepIntervalHours,
    ).toBe(0);
    expect(() =>
      loadConfig({ env: { CUSTODIAN_RETENTION_SWEEP_INTERVAL_HOURS: 'daily' }, configFile: none }),
    ).toThrow(/CUSTODIAN_RETENTION_SWEEP_INTERVAL_HOURS: must be an integer/);
    expect(() =>
      loadConfig({ env: { CUSTODIAN_RETENTION_AUTO_APPLY: 'sometimes' }, configFile: none }),
    ).toThrow(/CUSTODIAN_RETENTION_AUTO_APPLY/);
  });
});

describe.each(DIALECTS)('retention sweep on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let dpo: Session;
  let auditor: Session;
  let retention: RetentionService;
  const ids = new Map<string, string>();

  const subject = async (ref: string, fields: FieldInput[]) => {
    const s = await t.ctx.vault.create(actor, { externalId: ref, fields });
    ids.set(ref, s.id);
    return s.id;
  };
  const consent = (ref: string, p: string, given: boolean) =>
    t.ctx.rules.recordConsent(actor, {
      subject: ref,
      purpose: p,
      given,
      rulesVersion: 1,
      channel: 'web',
    });
  const values = async (ref: string) =>
    Object.fromEntries(
      (await t.ctx.vault.reveal(actor, ids.get(ref)!, 'subject-request', null)).map((f) => [f.name, f.value]),
    );
  const itemsOf = async (id: string) => (await retention.items(id, { limit: 200, offset: 0 })).items;
  const brief = (items: SweepItem[]) =>
    items.map((i) => `${[...ids].find(([, v]) => v === i.subjectId)?.[0]}.${i.field}:${i.action}`).sort();

  beforeAll(async () => {
    t = await makeContext(dialect);
    app = await makeApp(t.ctx);
    retention = retentionService(t.ctx);
    const admin = await setupAdmin(app);
    for (const [username, role] of [
      ['dpo', 'privacy_officer'],
      ['aud', 'auditor'],
    ])
      await as(app, admin).post('/api/v1/users', { username, password: STRONG_PASSWORD, role });
    dpo = await login(app, 'dpo');
    auditor = await login(app, 'aud');
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('does nothing before any rules are published, and says so', async () => {
    await subject('r-0', [{ name: 'phone', type: 'PHONE_NUMBER', value: '13800138001' }]);
    const r = await retention.sweep(actor, { now: at(400) });
    expect(r.status).toBe('noop');
    expect(r.summary.message).toMatch(/No collection-and-use rules are published/);
    expect(r.summary.fields).toBe(0);
    expect(await itemsOf(r.id)).toEqual([]);
    await expect(retention.apply(actor, r.id)).rejects.toMatchObject({ code: 'nothing_to_apply' });
    expect(Object.keys(await values('r-0'))).toEqual(['phone']);
  });

  it('reports what is past every purpose: consent period, withdrawal, updated_at, register gaps', async () => {
    // ads: consent, 30 days, delete. profile: contract, 60 days, anonymise. newsletter: consent, 30 days, delete.
    await as(app, dpo).put('/api/v1/purposes/ads', purpose({ categories: ['device'] }));
    await as(app, dpo).put(
      '/api/v1/purposes/profile',
      purpose({
        legalBasis: 'contract',
        categories: ['basic-personal', 'contact'],
        retentionDays: 60,
        retentionAction: 'anonymise',
      }),
    );
    await as(app, dpo).put('/api/v1/purposes/newsletter', purpose({}));
    expect((await as(app, dpo).post('/api/v1/rules/publish', {})).statusCode).toBe(201);

    const device = (v: string): FieldInput => ({
      name: 'device_id',
      type: 'OTHER',
      value: v,
      category: 'device',
    });
    await subject('r-1', [device('dev-1')]);
    await consent('r-1', 'ads', true);
    await subject('r-2', [device('dev-2')]);
    await consent('r-2', 'ads', true);
    await consent('r-2', 'ads', false); // PIPL 47 (2): withdrawal ends retention at once
    await subject('r-3', [
      { name: 'birth', type: 'BIRTH_DATE', value: '1990-05-17' },
      { name: 'address', type: 'ADDRESS', value: '北京市海淀区中关村大街27号' },
      { name: 'phone', type: 'PHONE_NUMBER', value: '13800138003' },
    ]);
    await subject('r-4', [{ name: 'ip', type: 'IP_ADDRESS', value: '203.0.113.9' }]);
    await subject('r-5', [{ name: 'phone', type: 'PHONE_NUMBER', value: '13800138005' }]);
    await consent('r-5', 'newsletter', true);

    const now = await retention.sweep(actor, { now: at(0) });
    expect(now.status).toBe('report');
    expect(brief(await itemsOf(now.id))).toEqual(['r-2.device_id:delete', 'r-4.ip:unregistered']);
    expect(now.summary).toMatchObject({ delete: 1, anonymise: 0, unregistered: 1, byPurpose: { ads: 1 } });
    expect(now.summary.byCategory).toEqual({
      device: { delete: 1 },
      'network-identifier': { unregistered: 1 },
    });

    // Day 31: the consent to ads has run its 30 days; contact is still held by the contract for 60 days.
    const d31 = await retention.sweep(actor, { now: at(31) });
    expect(brief(await itemsOf(d31.id))).toEqual([
      'r-1.device_id:delete',
      'r-2.device_id:delete',
      'r-4.ip:unregistered',
    ]);

    // Day 61: nothing holds contact or basic-personal any more; a purpose listing them says anonymise.
    const d61 = await retention.sweep(actor, { now: at(61) });
    expect(brief(await itemsOf(d61.id))).toEqual([
      'r-0.phone:anonymise',
      'r-1.device_id:delete',
      'r-2.device_id:delete',
      'r-3.address:anonymise',
      'r-3.birth:anonymise',
      'r-3.phone:anonymise',
      'r-4.ip:unregistered',
      'r-5.phone:anonymise',
    ]);
    expect(d61.summary.byPurpose).toEqual({ ads: 2, profile: 5, newsletter: 4 });
    // No values in the report.
    const stored = JSON.stringify(
      await t.ctx.db.selectFrom('retention_sweep_items').selectAll().where('sweep_id', '=', d61.id).execute(),
    );
    for (const v of ['dev-1', '1990-05-17', '中关村', '13800138003', '203.0.113.9'])
      expect(stored).not.toContain(v);
  });

  it('applies a report: deletes, anonymises by generalising, leaves register gaps, audits without values', async () => {
    const r = await retention.sweep(actor, { now: at(61) });
    const ipBefore = await t.ctx.db
      .selectFrom('subject_fields')
      .select('ciphertext')
      .where('subject_id', '=', ids.get('r-4')!)
      .executeTakeFirstOrThrow();
    const seqBefore = (
      await t.ctx.db
        .selectFrom('audit_entries')
        .select('seq')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow()
    ).seq;
    const done = await retention.apply(actor, r.id, { now: at(61) });
    expect(done.status).toBe('applied');
    expect(done.applied).toEqual({ applied: 7, skipped: 0, subjects: 5 });
    expect(await values('r-1')).toEqual({});
    expect(await values('r-2')).toEqual({});
    expect(await values('r-3')).toEqual({ address: '北京市', birth: '1990', phone: '<PHONE_NUMBER>' });
    expect(await values('r-5')).toEqual({ phone: '<PHONE_NUMBER>' });
    // The anonymised phone can no longer be found by its number.
    const found = await t.ctx.vault.find(actor, {
      type: 'PHONE_NUMBER',
      value: '13800138003',
      limit: 10,
      offset: 0,
    });
    expect(found.total).toBe(0);
    const ipAfter = await t.ctx.db
      .selectFrom('subject_fields')
      .select('ciphertext')
      .where('subject_id', '=', ids.get('r-4')!)
      .executeTakeFirstOrThrow();
    expect(ipAfter.ciphertext).toBe(ipBefore.ciphertext);
    expect((await itemsOf(r.id)).filter((i) => i.status === 'applied')).toHaveLength(7);

    const entries = await t.ctx.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '>', seqBefore)
      .execute();
    const perSubject = entries.filter((e) => e.action === 'retention.subject');
    expect(perSubject.map((e) => e.target_id).sort()).toEqual(
      ['r-0', 'r-1', 'r-2', 'r-3', 'r-5'].map((k) => ids.get(k)).sort(),
    );
    const r3 = perSubject.find((e) => e.target_id === ids.get('r-3'))!;
    expect(JSON.parse(r3.details)).toEqual({
      sweep: r.id,
      deleted: [],
      anonymised: ['address', 'birth', 'phone'],
    });
    expect(entries.filter((e) => e.action === 'retention.apply')).toHaveLength(1);
    const text = JSON.stringify(entries);
    for (const v of ['dev-1', '1990-05-17', '中关村', '13800138003', '北京市']) expect(text).not.toContain(v);

    // Anonymised fields are no longer personal information: later sweeps leave them alone.
    const after = await retention.sweep(actor, { now: at(61) });
    expect(brief(await itemsOf(after.id))).toEqual(['r-4.ip:unregistered']);
    await expect(retention.apply(actor, r.id)).rejects.toMatchObject({ code: 'already_applied' });
  });

  it('skips items no longer expired at apply time: consent given again, field rewritten or gone', async () => {
    const device = (v: string): FieldInput => ({
      name: 'device_id',
      type: 'OTHER',
      value: v,
      category: 'device',
    });
    await subject('r-6', [device('dev-6')]);
    await subject('r-7', [device('dev-7')]);
    await subject('r-8', [device('dev-8')]);
    for (const ref of ['r-6', 'r-7', 'r-8']) {
      await consent(ref, 'ads', true);
      await consent(ref, 'ads', false);
    }
    const r = await retention.sweep(actor, { now: at(0) });
    expect(brief(await itemsOf(r.id))).toEqual(
      ['r-6.device_id:delete', 'r-7.device_id:delete', 'r-8.device_id:delete', 'r-4.ip:unregistered'].sort(),
    );
    await consent('r-6', 'ads', true); // re-given between review and apply
    await t.ctx.vault.update(actor, ids.get('r-7')!, { remove: ['device_id'] });
    const done = await retention.apply(actor, r.id, { now: at(0) });
    expect(done.applied).toEqual({ applied: 1, skipped: 2, subjects: 1 });
    const notes = Object.fromEntries(
      (await itemsOf(r.id)).map((i) => [
        [...ids].find(([, v]) => v === i.subjectId)![0],
        `${i.status}:${i.note}`,
      ]),
    );
    expect(notes).toEqual({
      'r-4': 'reported:null',
      'r-6': 'skipped:no_longer_expired',
      'r-7': 'skipped:field_gone',
      'r-8': 'applied:null',
    });
    expect(await values('r-6')).toEqual({ device_id: 'dev-6' });
    expect(await values('r-8')).toEqual({});
  });

  it('an apply that lost its claim to another stops and leaves the report to it', async () => {
    await subject('r-lease', [{ name: 'device_id', type: 'OTHER', value: 'dev-lease', category: 'device' }]);
    await consent('r-lease', 'ads', true);
    await consent('r-lease', 'ads', false);
    const r = await retention.sweep(actor, { now: at(0) });
    const vault = t.ctx.vault;
    const original = vault.retireFields.bind(vault);
    // While this apply works, another reclaims the report (as after a pause longer than the lease).
    const spy = vi.spyOn(vault, 'retireFields').mockImplementationOnce(async (tx, ...rest) => {
      await tx.db
        .updateTable('retention_sweeps')
        .set({ applied_at: new Date(Date.now() + 60_000).toISOString() })
        .where('id', '=', r.id)
        .execute();
      return original(tx, ...rest);
    });
    try {
      await expect(retention.apply(actor, r.id, { now: at(0) })).rejects.toMatchObject({
        code: 'apply_taken_over',
      });
    } finally {
      spy.mockRestore();
    }
    expect((await retention.get(r.id)).status).toBe('applying');
  });

  it('never reports an organisation identifier as a register gap', async () => {
    await subject('r-org', [{ name: 'company', type: 'CN_USCC', value: '91350100M000100Y43' }]);
    const r = await retention.sweep(actor, { now: at(0) });
    expect((await itemsOf(r.id)).some((i) => i.subjectId === ids.get('r-org'))).toBe(false);
  });

  it('serves reports over HTTP: the privacy officer makes and applies, the auditor only reads', async () => {
    const made = await as(app, dpo).post('/api/v1/retention/sweeps', { dryRun: true });
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    expect((await as(app, dpo).post('/api/v1/retention/sweeps', {})).statusCode).toBe(400);
    const list = (await as(app, auditor).get('/api/v1/retention/sweeps?limit=2')).json();
    expect(list.items[0].id).toBe(id);
    expect(list.total).toBeGreaterThan(5);
    const one = (await as(app, auditor).get(`/api/v1/retention/sweeps/${id}?action=unregistered`)).json();
    expect(one.items.items).toEqual([expect.objectContaining({ field: 'ip', action: 'unregistered' })]);
    expect((await as(app, auditor).post(`/api/v1/retention/sweeps/${id}/apply`, {})).statusCode).toBe(403);
    const applied = await as(app, dpo).post(`/api/v1/retention/sweeps/${id}/apply`, {});
    expect(applied.statusCode).toBe(200);
    expect(applied.json().status).toBe('applied');
    expect((await as(app, dpo).post(`/api/v1/retention/sweeps/${id}/apply`, {})).statusCode).toBe(409);
    expect((await as(app, dpo).get('/api/v1/retention/sweeps/nope')).statusCode).toBe(404);
  });

  it('the scheduled run makes one report per interval and applies it only when told to', async () => {
    const before = (await retention.list({ limit: 1, offset: 0 })).total;
    const first = await retention.scheduled();
    expect(first?.status).toBe('report');
    expect(await retention.scheduled()).toBeNull();
    expect((await retention.list({ limit: 1, offset: 0 })).total).toBe(before + 1);
    const auto = retentionService({
      ...t.ctx,
      db: t.ctx.db,
      config: { ...t.ctx.config, retention: { sweepIntervalHours: 24, autoApply: true } },
    });
    await subject('r-9', [{ name: 'device_id', type: 'OTHER', value: 'dev-9', category: 'device' }]);
    const applied = await auto.scheduled({ now: at(2) });
    expect(applied?.status).toBe('applied');
    expect(await values('r-9')).toEqual({});
  });
});
