import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';
import { as, makeApp, setupAdmin, STRONG_PASSWORD, type Session, type TestApp } from '../helpers/http.js';
import { purposeBody } from '../helpers/purposes.js';
import { transact } from '../../src/db/transaction.js';

// A JSON body is typed: a value of the wrong type is refused, never coerced (null would become false and
// re-enable an account, record a withdrawal or switch a rule set off). Query strings are text and coerced.
describe.each(DIALECTS)('request bodies keep their types on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await makeContext(dialect);
    app = await makeApp(t.ctx);
    admin = await setupAdmin(app);
    await as(app, admin).put('/api/v1/purposes/marketing', purposeBody());
    await as(app, admin).post('/api/v1/rules/publish', {});
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  const refused = (res: { statusCode: number; json(): { error: { message: string } } }, field: string) => {
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain(field);
  };

  it('null is no false: a disabled account stays disabled', async () => {
    const id = (
      await as(app, admin).post('/api/v1/users', {
        username: 'mod9',
        password: STRONG_PASSWORD,
        role: 'moderator',
      })
    ).json().id;
    expect((await as(app, admin).patch(`/api/v1/users/${id}`, { disabled: true })).statusCode).toBe(200);
    refused(await as(app, admin).patch(`/api/v1/users/${id}`, { disabled: null }), 'disabled');
    const users = (await as(app, admin).get('/api/v1/users?q=mod9')).json().items;
    expect(users[0].disabled).toBe(true);
  });

  it('null is no withdrawal, and a category is no list of categories', async () => {
    const consent = { subject: 's-1', purpose: 'marketing', rulesVersion: 1, channel: 'web' };
    refused(await as(app, admin).post('/api/v1/consents', { ...consent, given: null }), 'given');
    refused(await as(app, admin).post('/api/v1/consents', { ...consent, given: 'false' }), 'given');
    expect((await as(app, admin).get('/api/v1/consents?subject=s-1')).json().items).toEqual([]);
    refused(
      await as(app, admin).post('/api/v1/purpose-check', {
        subject: 's-1',
        purpose: 'marketing',
        categories: 'contact',
      }),
      'categories',
    );
  });

  it('an enum error lists the values allowed; an unknown property is named only when it looks like a name', async () => {
    const consent = { subject: 's-2', purpose: 'marketing', rulesVersion: 1, given: true };
    const channel = await as(app, admin).post('/api/v1/consents', { ...consent, channel: 'fax' });
    expect(channel.statusCode).toBe(400);
    expect(channel.json().error.message).toBe(
      'body.channel: must be one of "web", "app", "sms", "paper", "import"',
    );
    const typo = await as(app, admin).post('/api/v1/consents', { ...consent, channel: 'web', chanel: 'x' });
    expect(typo.json().error.message).toBe('body.chanel: is not allowed');
    // A property "name" that is really a value is not repeated back (nor logged with the error).
    for (const name of ['11010519491231002X', 'li.si@example.org', 'N3w!Passw0rd', 'x13812345678']) {
      const r = await as(app, admin).post('/api/v1/consents', { ...consent, channel: 'web', [name]: 1 });
      expect(r.statusCode).toBe(400);
      expect(r.body).not.toContain(name);
      expect(r.json().error.message).toBe(
        'body: has a property that is not allowed (its name is not repeated here)',
      );
    }
    expect((await as(app, admin).get('/api/v1/consents?subject=s-2')).json().items).toEqual([]);
  });

  it('evidence nested thousands of levels deep is a 400, not a stack overflow, and is not stored', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 2500; i++) deep = [deep];
    const consent = { subject: 's-2', purpose: 'marketing', given: true, rulesVersion: 1, channel: 'web' };
    refused(await as(app, admin).post('/api/v1/consents', { ...consent, evidence: { x: deep } }), 'evidence');
    expect((await as(app, admin).get('/api/v1/consents?subject=s-2')).json().items).toEqual([]);
    const ok = await as(app, admin).post('/api/v1/consents', {
      ...consent,
      evidence: { form: { id: 'A-17' } },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('a category the register does not know is refused without being repeated, and never reaches the audit log', async () => {
    const secret = '110105194912310021';
    const res = await as(app, admin).post('/api/v1/purpose-check', {
      subject: 's-3',
      purpose: 'marketing',
      categories: [secret],
    });
    refused(res, 'categories');
    expect(res.body).not.toContain(secret);
    const put = await as(app, admin).put('/api/v1/purposes/other', purposeBody({ categories: [secret] }));
    expect(put.statusCode).toBe(400);
    expect(put.body).not.toContain(secret);
    // In process, the check answers as before, and its audit entry names no unknown category.
    await t.ctx.rules.check(
      { type: 'system', id: 'test' },
      { subject: 's-3', purpose: 'marketing', categories: [secret] },
    );
    const audit = await as(app, admin).get('/api/v1/audit?action=purpose.check.denied');
    expect(audit.statusCode).toBe(200);
    expect(audit.body).not.toContain(secret);
    expect(audit.body).toContain('(unknown)');
  });

  it('personal information typed into a purpose never reaches the audit log in plaintext', async () => {
    const phone = '13912345678';
    const res = await as(app, admin).post('/api/v1/purpose-check', {
      subject: 's-4',
      purpose: `lookup ${phone}`,
      categories: ['contact'],
    });
    expect(res.json().reasons).toEqual(['purpose_unpublished']);
    await transact(t.ctx.db, (tx) =>
      t.ctx.audit.append(tx, {
        action: 'subject.field.read',
        actor: { type: 'system', id: 'test' },
        purpose: `call ${phone} back`,
        target: { type: 'subject', id: 's-4' },
      }),
    );
    const audit = (await as(app, admin).get('/api/v1/audit?limit=20')).body;
    expect(audit).not.toContain(phone);
    expect(audit).toContain('lookup <PHONE_NUMBER>');
    expect(audit).toContain('call <PHONE_NUMBER> back');
    expect((await as(app, admin).get('/api/v1/audit/verify')).json()).toMatchObject({ ok: true });
  });

  it('null does not switch a rule set off', async () => {
    const set = (await as(app, admin).post('/api/v1/rule-sets', { name: 'forum' })).json();
    refused(await as(app, admin).patch(`/api/v1/rule-sets/${set.id}`, { active: null }), 'active');
    expect((await as(app, admin).get(`/api/v1/rule-sets/${set.id}`)).json().active).toBe(set.active);
  });

  it.each([
    ['/api/v1/users?offset=1e20', 'offset'],
    ['/api/v1/users?limit=1e400', 'limit'],
    ['/api/v1/users?limit=Infinity', 'limit'],
    ['/api/v1/cases?olderThanHours=13800138000', 'olderThanHours'],
    ['/api/v1/screen/stats?days=1e400', 'days'],
    ['/api/v1/consents/stats?utcOffset=1e400', 'utcOffset'],
    ['/api/v1/webhooks/deliveries?offset=1e20', 'offset'],
  ])('a number no store or date can hold is refused with its field: %s', async (url, field) => {
    refused(await as(app, admin).get(url), field);
  });

  it('rule-set options the engine refuses are a 400 when the set is created, and no set is made', async () => {
    const before = (await as(app, admin).get('/api/v1/rule-sets')).json().total;
    refused(
      await as(app, admin).post('/api/v1/rule-sets', { name: 'bad', options: { maxGap: -1 } }),
      'options',
    );
    refused(
      await as(app, admin).post('/api/v1/rule-sets', { name: 'bad', options: { zzz: true } }),
      'options',
    );
    expect((await as(app, admin).get('/api/v1/rule-sets')).json().total).toBe(before);
  });

  it('records with the same id are refused: one answer would overwrite the other', async () => {
    const res = await as(app, admin).post('/api/v1/pii/redact', {
      records: [
        { id: 'a', text: 'phone 13800138000' },
        { id: 'a', text: 'hello' },
      ],
      operator: 'redact',
    });
    refused(res, 'records[1].id');
    expect(res.json().error.details.field).toBe('records.1.id');
    expect(JSON.stringify(res.json())).not.toContain('13800138000');
  });

  it('a body that is no object, or empty where fields are needed, names the body once', async () => {
    const set = (await as(app, admin).post('/api/v1/rule-sets', { name: 'named' })).json();
    const res = await as(app, admin).patch(`/api/v1/rule-sets/${set.id}`, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^body: /);
  });

  it('a rule-set version takes rules or text, not both, names the field a file came in, and holds a rule', async () => {
    const set = (await as(app, admin).post('/api/v1/rule-sets', { name: 'versions' })).json();
    const url = `/api/v1/rule-sets/${set.id}/versions`;
    const line = JSON.stringify({ id: 'g1', pattern: '赌博', category: 'gambling', action: 'block' });
    refused(await as(app, admin).post(url, { rules: [], text: line }), 'either rules or text');
    const garbled = await as(app, admin).post(url, { text: 'zz', format: 'jsonl' });
    expect(garbled.statusCode).toBe(400);
    expect(garbled.json().error.details.field).toBe('text');
    refused(await as(app, admin).post(url, { text: '' }), 'no rule');
    refused(await as(app, admin).post(url, { rules: [] }), 'no rule');
    expect((await as(app, admin).get(`/api/v1/rule-sets/${set.id}`)).json().versions).toEqual([]);
    expect((await as(app, admin).post(url, { text: line })).statusCode).toBe(201);
  });

  it('query strings are still read as numbers and lists', async () => {
    const res = await as(app, admin).get('/api/v1/audit?limit=2');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(2);
  });

  it('a time JavaScript cannot hold (a leap second) is refused with its field, and nothing is published', async () => {
    const before = (await as(app, admin).get('/api/v1/rules/current')).json().version;
    refused(
      await as(app, admin).post('/api/v1/rules/publish', { effectiveAt: '2016-12-31T23:59:60Z' }),
      'effectiveAt',
    );
    expect((await as(app, admin).get('/api/v1/rules/current')).json().version).toBe(before);
    refused(await as(app, admin).get('/api/v1/audit?from=2016-12-31T23:59:60Z'), 'from');
  });
});
