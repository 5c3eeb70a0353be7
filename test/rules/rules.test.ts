import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';
import { as, makeApp, officerAndKey, type Session, type TestApp } from '../helpers/http.js';
import { purposeBody } from '../helpers/purposes.js';
import { RulesService } from '../../src/rules/service.js';

const marketing = purposeBody();

describe.each(DIALECTS)('processing register, rules, consent and purpose check on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let dpo: Session;
  let key = '';
  const check = (subject: string, purpose: string, categories: string[]) =>
    as(app, { key }).post('/api/v1/purpose-check', { subject, purpose, categories });
  const consent = (body: Record<string, unknown>) =>
    as(app, { key }).post('/api/v1/consents', { channel: 'web', ...body });

  beforeAll(async () => {
    t = await makeContext(dialect);
    app = await makeApp(t.ctx);
    ({ dpo, key } = await officerAndKey(app));
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('refuses a sensitive category or a third-party provision without a necessity statement', async () => {
    const r = await as(app, dpo).put('/api/v1/purposes/delivery', {
      ...marketing,
      nameEn: 'Delivery',
      categories: ['contact', 'location'],
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details.field).toBe('necessity');
    const unknown = await as(app, dpo).put('/api/v1/purposes/x1', {
      ...marketing,
      categories: ['shoe-size'],
    });
    expect(unknown.json().error.details.field).toBe('categories.0');
    expect((await as(app, dpo).get('/api/v1/purposes')).json().items).toEqual([]);
  });

  it('says the purpose is unpublished until the rules are published', async () => {
    const created = await as(app, dpo).post('/api/v1/purposes', { ...marketing, key: 'marketing' });
    expect(created.statusCode).toBe(201);
    // Creating again with the same key never writes over the purpose.
    const again = await as(app, dpo).post('/api/v1/purposes', {
      ...marketing,
      key: 'marketing',
      nameEn: 'Something else',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'key_taken', details: { field: 'key' } });
    expect((await as(app, dpo).get('/api/v1/purposes')).json().items[0].nameEn).toBe(marketing.nameEn);
    expect((await as(app, dpo).put('/api/v1/purposes/marketing', marketing)).statusCode).toBe(200);
    expect((await check('u1', 'marketing', ['contact'])).json()).toEqual({
      allowed: false,
      reasons: ['purpose_unpublished'],
    });
    expect((await app.inject({ url: '/api/v1/rules/current' })).statusCode).toBe(404);
    const pub = await as(app, dpo).post('/api/v1/rules/publish', {});
    expect(pub.statusCode).toBe(201);
    expect(pub.json().version).toBe(1);
    const cur = (await app.inject({ url: '/api/v1/rules/current' })).json();
    expect(cur).toMatchObject({ version: 1, purposes: [{ key: 'marketing' }] });
  });

  it('denies without consent, allows with it, and denies after withdrawal', async () => {
    expect((await check('u1', 'marketing', ['contact'])).json().reasons).toEqual(['no_consent']);
    expect(
      (
        await consent({
          subject: 'u1',
          purpose: 'marketing',
          given: true,
          rulesVersion: 1,
          evidence: { textSha256: 'abc' },
        })
      ).statusCode,
    ).toBe(201);
    expect((await check('u1', 'marketing', ['contact'])).json()).toEqual({ allowed: true, reasons: [] });
    const out = (await check('u1', 'marketing', ['location'])).json();
    expect(out).toEqual({ allowed: false, reasons: ['category_not_in_scope:location'] });
    await consent({ subject: 'u1', purpose: 'marketing', given: false, rulesVersion: 1 });
    expect((await check('u1', 'marketing', ['contact'])).json().reasons).toEqual(['consent_withdrawn']);
    const history = (await as(app, { key }).get('/api/v1/consents?subject=u1')).json().items;
    expect(history.map((c: { given: boolean }) => c.given)).toEqual([false, true]);
  });

  it('validates consents against published versions', async () => {
    const bad = await consent({ subject: 'u2', purpose: 'marketing', given: true, rulesVersion: 9 });
    expect(bad.json().error.details.field).toBe('rulesVersion');
    const badPurpose = await consent({ subject: 'u2', purpose: 'nothing', given: true, rulesVersion: 1 });
    expect(badPurpose.json().error.details.field).toBe('purpose');
  });

  it('asks again after a publication widens the scope, and asks for each separate consent PIPL names', async () => {
    await consent({ subject: 'u3', purpose: 'marketing', given: true, rulesVersion: 1 });
    await as(app, dpo).put('/api/v1/purposes/marketing', {
      ...marketing,
      necessity: '精准位置用于推荐附近门店的优惠，缺少则无法提供该功能',
      categories: ['contact', 'basic-personal', 'location'],
      recipients: [
        { name: 'Ad Partner Ltd', kind: 'third_party', purpose: 'ad delivery', categories: ['contact'] },
      ],
      crossBorder: [{ destination: 'SG', recipient: 'Ad Partner Ltd', mechanism: 'standard_contract' }],
    });
    expect((await as(app, dpo).post('/api/v1/rules/publish', {})).json().version).toBe(2);
    const r = (await check('u3', 'marketing', ['contact', 'location'])).json();
    expect(r.allowed).toBe(false);
    expect(r.reasons).toEqual([
      'reconsent_required:v1',
      'separate_consent_missing:sensitive',
      'separate_consent_missing:provision',
      'separate_consent_missing:cross_border',
    ]);
    await consent({
      subject: 'u3',
      purpose: 'marketing',
      given: true,
      rulesVersion: 2,
      separate: ['provision', 'cross_border'],
    });
    expect((await check('u3', 'marketing', ['contact'])).json()).toEqual({ allowed: true, reasons: [] });
    expect((await check('u3', 'marketing', ['location'])).json().reasons).toEqual([
      'separate_consent_missing:sensitive',
    ]);
    await consent({
      subject: 'u3',
      purpose: 'marketing',
      given: true,
      rulesVersion: 2,
      separate: ['provision', 'cross_border', 'sensitive'],
    });
    expect((await check('u3', 'marketing', ['contact', 'location'])).json().allowed).toBe(true);
  });

  it('answers as a fresh instance would, reading the earlier rules version from the store', async () => {
    // Given under version 1, checked under version 2: the version the consent was given under is read.
    expect(
      (await consent({ subject: 'u4', purpose: 'marketing', given: true, rulesVersion: 1 })).statusCode,
    ).toBe(201);
    const warm = (await check('u4', 'marketing', ['contact', 'location'])).json();
    expect(warm.reasons[0]).toBe('reconsent_required:v1');
    // Another instance: no rules cached yet, so both the current and the earlier version come from the store.
    const fresh = new RulesService(t.ctx.db, t.ctx.audit);
    const q = { subject: 'u4', purpose: 'marketing', categories: ['contact', 'location'] };
    expect(await fresh.check({ type: 'api_key', id: 'k-fresh' }, q)).toEqual(warm);
    expect(await fresh.check({ type: 'api_key', id: 'k-fresh' }, q)).toEqual(warm);
  });

  it('needs guardian consent for children’s information and denies past retention', async () => {
    await as(app, dpo).put('/api/v1/purposes/kids-club', {
      ...marketing,
      nameEn: 'Kids club',
      necessity: '儿童会员活动需要监护人同意后联系家长',
      categories: ['contact', 'minor'],
      minors: true,
      retentionDays: 30,
    });
    const v = (await as(app, dpo).post('/api/v1/rules/publish', {})).json().version;
    await consent({
      subject: 'kid1',
      purpose: 'kids-club',
      given: true,
      rulesVersion: v,
      separate: ['sensitive'],
    });
    expect((await check('kid1', 'kids-club', ['contact'])).json().reasons).toEqual([
      'separate_consent_missing:guardian',
    ]);
    await consent({
      subject: 'kid1',
      purpose: 'kids-club',
      given: true,
      rulesVersion: v,
      separate: ['sensitive', 'guardian'],
    });
    expect((await check('kid1', 'kids-club', ['contact', 'minor'])).json().allowed).toBe(true);
    for (const c of await t.ctx.db.selectFrom('consents').selectAll().where('subject', '=', 'kid1').execute())
      await t.ctx.db
        .updateTable('consents')
        .set({ created_at: new Date(Date.parse(c.created_at) - 31 * 86_400_000).toISOString() })
        .where('id', '=', c.id)
        .execute();
    expect((await check('kid1', 'kids-club', ['contact'])).json().reasons).toEqual(['retention_expired']);
  });

  it('a purpose on another legal basis needs no consent; batch checks answer per subject', async () => {
    await as(app, dpo).put('/api/v1/purposes/orders', {
      ...marketing,
      nameEn: 'Orders',
      legalBasis: 'contract',
    });
    await as(app, dpo).post('/api/v1/rules/publish', {});
    const r = await as(app, { key }).post('/api/v1/purpose-check/batch', {
      purpose: 'marketing',
      categories: ['contact'],
      subjects: ['u1', 'u3', 'nobody'],
    });
    expect(r.json().results.map((x: { allowed: boolean }) => x.allowed)).toEqual([false, true, false]);
    expect((await check('anyone', 'orders', ['contact'])).json()).toEqual({ allowed: true, reasons: [] });
  });

  it('audits every denial with its reasons, and allowed checks in aggregate', async () => {
    await t.ctx.rules.flushAllowed({ type: 'system', id: null });
    const denied = await t.ctx.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('action', '=', 'purpose.check.denied')
      .execute();
    expect(denied.length).toBeGreaterThanOrEqual(8);
    expect(JSON.parse(denied[0].details).reasons).toEqual(['purpose_unpublished']);
    const allowed = await t.ctx.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('action', '=', 'purpose.check.allowed')
      .execute();
    expect(JSON.parse(allowed[0].details).counts.marketing).toBeGreaterThanOrEqual(3);
    const versions = (await app.inject({ url: '/api/v1/rules/versions' })).json().items;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([4, 3, 2, 1]);
    expect((await app.inject({ url: '/api/v1/rules/versions/1' })).json().purposes[0].categories).toEqual([
      'contact',
      'basic-personal',
    ]);
  });

  it('the vault enforces published purposes on every read of plaintext', async () => {
    const subject = (
      await as(app, dpo).post('/api/v1/subjects', {
        externalId: 'u3',
        fields: [
          { name: 'phone', type: 'PHONE_NUMBER', value: '13800138000' },
          { name: 'id_number', type: 'CN_RESIDENT_ID', value: '11010519491231002X' },
        ],
      })
    ).json().id;
    const reveal = (purpose: string, fields: string[]) =>
      as(app, dpo).post(`/api/v1/subjects/${subject}/reveal`, { purpose, fields });
    expect((await reveal('marketing', ['phone'])).json().items[0].value).toBe('13800138000');
    const outOfScope = await reveal('marketing', ['id_number']);
    expect(outOfScope.statusCode).toBe(403);
    expect(outOfScope.json().error.details.reasons).toEqual(['category_not_in_scope:identity-document']);
    const freeText = await reveal('just looking', ['phone']);
    expect(freeText.json().error.details.reasons).toEqual(['purpose_unpublished']);
    // The person's own access request rests on law, not consent (PIPL 45).
    expect((await reveal('subject-request', ['id_number'])).statusCode).toBe(200);
  });

  it('an organisation identifier needs no purpose: it is no personal information', async () => {
    const company = await as(app, dpo).post('/api/v1/subjects', {
      externalId: 'u3-company',
      fields: [
        { name: 'uscc', type: 'CN_USCC', value: '91350100M000100Y43' },
        { name: 'phone', type: 'PHONE_NUMBER', value: '13800138000' },
      ],
    });
    expect(company.statusCode).toBe(201);
    const reveal = (purpose: string, fields?: string[]) =>
      as(app, dpo).post(`/api/v1/subjects/${company.json().id}/reveal`, { purpose, fields });
    expect((await reveal('just looking', ['uscc'])).statusCode).toBe(200);
    // Read with a person's data, only the person's categories are checked.
    const all = await reveal('just looking');
    expect(all.statusCode).toBe(403);
    expect(all.json().error.details.reasons).toEqual(['purpose_unpublished']);
  });
});
