import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';
import { as, makeApp, officerAndKey, type Session, type TestApp } from '../helpers/http.js';
import { purposeBody } from '../helpers/purposes.js';

// PIPL 14: a consent covers the purpose as it stood when given; whatever grows after it (at any publication
// since, not only against the version in force) needs consent again. PIPL 23, 31, 39: the recipient, the
// guardian, the overseas recipient are part of what was consented to.
describe.each(DIALECTS)('re-consent after any widening since the consent, on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let dpo: Session;
  let key = '';
  const check = (subject: string, purpose: string, categories: string[]) =>
    as(app, { key })
      .post('/api/v1/purpose-check', { subject, purpose, categories })
      .then((r) => r.json());
  const give = async (subject: string, purpose: string, rulesVersion: number, separate: string[] = []) =>
    expect(
      (
        await as(app, { key }).post('/api/v1/consents', {
          subject,
          purpose,
          given: true,
          rulesVersion,
          channel: 'web',
          separate,
        })
      ).statusCode,
    ).toBe(201);
  const put = async (k: string, body: Record<string, unknown>) =>
    expect((await as(app, dpo).put(`/api/v1/purposes/${k}`, purposeBody(body))).statusCode).toBe(200);
  const publish = async (): Promise<number> =>
    (await as(app, dpo).post('/api/v1/rules/publish', {})).json().version;
  const necessity = '位置用于配送与推荐附近门店，缺少则无法提供该功能';

  beforeAll(async () => {
    t = await makeContext(dialect);
    app = await makeApp(t.ctx);
    ({ dpo, key } = await officerAndKey(app));
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('a transfer abroad to another destination or recipient needs consent again (PIPL 39)', async () => {
    const sg = { destination: 'Singapore', recipient: 'SG Ltd', mechanism: 'standard_contract' as const };
    await as(app, dpo).post('/api/v1/purposes', purposeBody({ key: 'xb', crossBorder: [sg] }));
    const v1 = await publish();
    await give('xb-1', 'xb', v1, ['cross_border']);
    expect(await check('xb-1', 'xb', ['contact'])).toEqual({ allowed: true, reasons: [] });
    await put('xb', {
      crossBorder: [sg, { destination: 'USA', recipient: 'US Inc', mechanism: 'standard_contract' as const }],
    });
    const preview = (await as(app, dpo).get('/api/v1/rules/preview')).json();
    expect(preview.reconsent.find((w: { purpose: string }) => w.purpose === 'xb').terms).toEqual([
      'cross_border:USA/US Inc',
    ]);
    await publish();
    expect(await check('xb-1', 'xb', ['contact'])).toEqual({
      allowed: false,
      reasons: [`reconsent_required:v${v1}`],
    });
  });

  it('a recipient turned third party, or given more categories, needs consent again (PIPL 23)', async () => {
    const beta = { name: 'Beta', kind: 'third_party' as const, purpose: 'delivery', categories: ['contact'] };
    const acme = { name: 'Acme', kind: 'processor' as const, purpose: 'hosting', categories: ['contact'] };
    await as(app, dpo).post(
      '/api/v1/purposes',
      purposeBody({ key: 'rc', necessity, categories: ['contact', 'location'], recipients: [beta, acme] }),
    );
    const v1 = await publish();
    await give('rc-1', 'rc', v1, ['provision', 'sensitive']);
    expect((await check('rc-1', 'rc', ['location'])).allowed).toBe(true);
    await put('rc', {
      necessity,
      categories: ['contact', 'location'],
      recipients: [{ ...beta, categories: ['contact', 'location'] }, acme],
    });
    await publish();
    expect((await check('rc-1', 'rc', ['contact'])).reasons).toEqual([`reconsent_required:v${v1}`]);
    const v3 = await publish();
    await give('rc-1', 'rc', v3, ['provision', 'sensitive']);
    expect((await check('rc-1', 'rc', ['location'])).allowed).toBe(true);
    await put('rc', {
      necessity,
      categories: ['contact', 'location'],
      recipients: [
        { ...beta, categories: ['contact', 'location'] },
        { ...acme, kind: 'third_party' as const },
      ],
    });
    await publish();
    expect((await check('rc-1', 'rc', ['contact'])).reasons).toEqual([`reconsent_required:v${v3}`]);
  });

  it('separate consents recorded before the purpose needed them do not count for it later', async () => {
    await as(app, dpo).post('/api/v1/purposes', purposeBody({ key: 'pd' }));
    const v1 = await publish();
    await give('pd-1', 'pd', v1, ['sensitive', 'provision', 'disclosure', 'cross_border', 'guardian']);
    await put('pd', { publicDisclosure: true });
    await publish();
    expect(await check('pd-1', 'pd', ['contact'])).toEqual({
      allowed: false,
      reasons: [`reconsent_required:v${v1}`],
    });
  });

  it('a purpose moved onto consent from another legal basis needs consent given under it', async () => {
    await as(app, dpo).post('/api/v1/purposes', purposeBody({ key: 'lb', legalBasis: 'contract' }));
    const v1 = await publish();
    await give('lb-1', 'lb', v1);
    await put('lb', { legalBasis: 'consent' });
    await publish();
    expect((await check('lb-1', 'lb', ['contact'])).reasons).toEqual([`reconsent_required:v${v1}`]);
  });

  it('widened, narrowed and widened again: the consent between does not cover the new widening', async () => {
    await as(app, dpo).post('/api/v1/purposes', purposeBody({ key: 'wn' }));
    await publish();
    await put('wn', { necessity, categories: ['contact', 'basic-personal', 'location'] });
    const v2 = await publish();
    await give('wn-1', 'wn', v2, ['sensitive']);
    expect((await check('wn-1', 'wn', ['location'])).allowed).toBe(true);
    await put('wn', {});
    await publish();
    await put('wn', { necessity, categories: ['contact', 'basic-personal', 'location'] });
    await publish();
    expect((await check('wn-1', 'wn', ['location'])).reasons).toEqual([`reconsent_required:v${v2}`]);
    // What was consented to and never left the scope is still covered.
    expect(await check('wn-1', 'wn', ['contact'])).toEqual({ allowed: true, reasons: [] });
    // The portal's and the preview's view agree with the check's: the person is asked again.
    const fresh = await as(app, { key }).post('/api/v1/purpose-check/batch', {
      purpose: 'wn',
      categories: ['location'],
      subjects: ['wn-1'],
    });
    expect(fresh.json().results[0].reasons).toEqual([`reconsent_required:v${v2}`]);
  });

  it('names a category asked for twice once', async () => {
    expect(await check('dup-1', 'wn', ['health', 'health', 'contact'])).toMatchObject({
      allowed: false,
      reasons: ['category_not_in_scope:health', 'no_consent'],
    });
  });

  it('refuses a NUL in a subject or purpose, and in process such a check cannot fail the others', async () => {
    const r = await as(app, { key }).post('/api/v1/purpose-check', {
      subject: 'a\u0000b',
      purpose: 'wn',
      categories: ['contact'],
    });
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json().error.details)).toContain('subject');
    const actor = { type: 'system' as const, id: null };
    const [odd, fine] = await Promise.all([
      t.ctx.rules.check(actor, { subject: 'wn-1\u0000', purpose: 'wn', categories: ['contact'] }),
      t.ctx.rules.check(actor, { subject: 'wn-1', purpose: 'wn', categories: ['contact'] }),
    ]);
    expect(odd).toEqual({ allowed: false, reasons: ['no_consent'] });
    expect(fine).toEqual({ allowed: true, reasons: [] });
  });

  it('children’s information always needs the guardian’s consent (PIPL 31)', async () => {
    const r = await as(app, dpo).post(
      '/api/v1/purposes',
      purposeBody({ key: 'kids', necessity, categories: ['contact', 'minor'], minors: false }),
    );
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'minors_required', details: { field: 'minors' } });
  });
});
