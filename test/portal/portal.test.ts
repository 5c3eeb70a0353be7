import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { portalService } from '../../src/portal/routes.js';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';
import { as, makeApp, setupAdmin, type Session, type TestApp } from '../helpers/http.js';
import { purposeBody } from '../helpers/purposes.js';

const PHONE = '13912345678';
const EMAIL = 'li.na@example.cn';
const purpose = (key: string, nameZh: string, nameEn: string, categories = ['contact']) => ({
  ...purposeBody({
    nameZh,
    nameEn,
    descriptionZh: `${nameZh}的说明`,
    descriptionEn: `About ${nameEn}`,
    categories,
  }),
  key,
});

interface Portal {
  cookie: string;
  csrf: string;
}

describe.each(DIALECTS)('portal: my consents on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let admin: Session;
  let key = '';
  let ip = 10;
  /** Each test asks from its own address, so the per-address throttle belongs to the test that probes it. */
  const nextIp = () => `192.0.2.${ip++}`;

  const outbox = async () =>
    (await as(app, admin).get('/api/v1/outbox?limit=200')).json().items as Array<{
      recipient: string;
      body: string;
      channel: string;
      subject: string | null;
    }>;
  const codeFor = async (to: string) => {
    await portalService(t.ctx).settled();
    const m = (await outbox()).find((x) => x.recipient === to);
    return /\b(\d{6})\b/.exec(m?.body ?? '')?.[1];
  };
  const requestCode = (contact: string, remoteAddress = '192.0.2.1') =>
    app.inject({ method: 'POST', url: '/api/v1/portal/otp', payload: { contact }, remoteAddress });
  const verify = (contact: string, code: string, remoteAddress = '192.0.2.1') =>
    app.inject({
      method: 'POST',
      url: '/api/v1/portal/otp/verify',
      payload: { contact, code },
      remoteAddress,
    });
  const portalOf = (res: LightMyRequestResponse): Portal => {
    const c = res.cookies.find((x) => x.name === 'custodian_portal');
    if (!c) throw new Error(`no portal cookie (${res.statusCode}: ${res.body})`);
    return { cookie: `custodian_portal=${c.value}`, csrf: res.json().csrfToken };
  };
  const signIn = async (contact: string, to: string): Promise<Portal> => {
    const ra = nextIp();
    expect((await requestCode(contact, ra)).statusCode).toBe(202);
    const code = await codeFor(to);
    expect(code).toMatch(/^\d{6}$/);
    const res = await verify(contact, code!, ra);
    expect(res.statusCode).toBe(200);
    return portalOf(res);
  };
  const portal = (p: Portal) => ({
    get: (url: string) => app.inject({ method: 'GET', url, headers: { cookie: p.cookie } }),
    post: (url: string, csrf = p.csrf) =>
      app.inject({ method: 'POST', url, headers: { cookie: p.cookie, 'x-csrf-token': csrf } }),
  });
  const clearOutbox = () => t.ctx.db.deleteFrom('outbox_messages').execute();

  beforeAll(async () => {
    t = await makeContext(dialect, { providerName: '示例科技' });
    app = await makeApp(t.ctx);
    admin = await setupAdmin(app);
    key = (
      await as(app, admin).post('/api/v1/api-keys', {
        name: 'shop',
        scopes: ['purpose:check', 'consents:write', 'consents:read'],
      })
    ).json().key;
    for (const p of [
      purpose('newsletter', '新闻邮件', 'Newsletter'),
      purpose('recommend', '个性化推荐', 'Recommendations', ['contact', 'basic-personal']),
    ]) {
      const { key: k, ...body } = p;
      expect((await as(app, admin).put(`/api/v1/purposes/${k}`, body)).statusCode).toBe(200);
    }
    expect((await as(app, admin).post('/api/v1/rules/publish', {})).statusCode).toBe(201);
    const s = await as(app, admin).post('/api/v1/subjects', {
      externalId: 'user-2001',
      fields: [
        { name: 'phone', type: 'PHONE_NUMBER', value: `+86 ${PHONE.slice(0, 3)} ${PHONE.slice(3)}` },
        { name: 'email', type: 'EMAIL_ADDRESS', value: 'Li.Na@Example.cn' },
      ],
    });
    expect(s.statusCode).toBe(201);
    // Someone else who gave this number as their emergency contact: not the number's holder's to manage.
    const other = await as(app, admin).post('/api/v1/subjects', {
      externalId: 'user-2002',
      fields: [{ name: 'emergency_phone', type: 'PHONE_NUMBER', value: PHONE }],
    });
    expect(other.statusCode).toBe(201);
    for (const p of ['newsletter', 'recommend'])
      expect(
        (
          await as(app, { key }).post('/api/v1/consents', {
            subject: 'user-2001',
            purpose: p,
            given: true,
            rulesVersion: 1,
            channel: 'app',
          })
        ).statusCode,
      ).toBe(201);
  });
  // Each test starts with the hour's throttle behind it (earlier challenges moved two hours back, in order).
  beforeEach(async () => {
    await t.ctx.db
      .updateTable('portal_challenges')
      .set({ created_at: new Date(Date.now() - 2 * 3_600_000).toISOString() })
      .execute();
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('answers an unknown contact exactly as a known one, and sends it nothing', async () => {
    await clearOutbox();
    const known = await requestCode(PHONE, nextIp());
    const unknown = await requestCode('13700000000', nextIp());
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    await portalService(t.ctx).settled();
    const sent = await outbox();
    expect(sent.map((m) => m.recipient)).toEqual([PHONE]);
    expect(sent[0].channel).toBe('sms');
    expect(sent[0].body).toContain('【示例科技】');
    expect(sent[0].body).toMatch(/验证码.*code/s);
    // An unknown contact cannot be verified, with any code.
    expect((await verify('13700000000', '000000')).json().error.code).toBe('invalid_code');
  });

  it('opens the subjects whose own contact field holds the number, not one listing it as someone else’s', async () => {
    await clearOutbox();
    await signIn(PHONE, PHONE);
    const s = await t.ctx.db
      .selectFrom('portal_sessions')
      .select('subject_ref')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(s.subject_ref)).toEqual(['user-2001']);
  });

  it('refuses a malformed contact or code, naming the field', async () => {
    const bad = await requestCode('not a phone', nextIp());
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_contact', details: { field: 'contact' } });
    const shortCode = await verify(PHONE, '12');
    expect(shortCode.statusCode).toBe(400);
    expect(JSON.stringify(shortCode.json().error.details)).toContain('code');
  });

  it('sends codes by e-mail too, and a verified person sees their consents', async () => {
    await clearOutbox();
    const p = await signIn('LI.NA@example.cn', EMAIL);
    const mail = (await outbox())[0];
    expect(mail.channel).toBe('email');
    expect(mail.subject).toContain('验证码');
    const res = await portal(p).get('/api/v1/portal/consents');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rulesVersion).toBe(1);
    expect(body.items.map((i: { purpose: string }) => i.purpose).sort()).toEqual(['newsletter', 'recommend']);
    const news = body.items.find((i: { purpose: string }) => i.purpose === 'newsletter');
    expect(news).toMatchObject({
      nameZh: '新闻邮件',
      nameEn: 'Newsletter',
      state: 'given',
      rulesVersion: 1,
      channel: 'app',
      categories: [{ id: 'contact', zh: '联系方式', en: 'Contact details', sensitive: false }],
    });
    expect(news.history).toHaveLength(1);
  });

  it('counts wrong codes and burns the challenge after five', async () => {
    await clearOutbox();
    const ra = nextIp();
    await requestCode(PHONE, ra);
    const code = (await codeFor(PHONE))!;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) {
      const r = await verify(PHONE, wrong, ra);
      expect(r.statusCode).toBe(401);
      expect(r.json().error).toMatchObject({ code: 'invalid_code', details: { attemptsLeft: 5 - i } });
    }
    expect((await verify(PHONE, wrong, ra)).json().error.code).toBe('code_burned');
    // Even the right code no longer opens it.
    const late = await verify(PHONE, code, ra);
    expect(late.statusCode).toBe(401);
    expect(late.json().error.code).toBe('code_burned');
  });

  it('counts guesses sent together: no more than five are ever compared', async () => {
    await clearOutbox();
    const ra = nextIp();
    await requestCode(PHONE, ra);
    const code = (await codeFor(PHONE))!;
    const wrong = Array.from({ length: 20 }, (_, i) =>
      String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'),
    );
    const answers = await Promise.all(wrong.map((w) => verify(PHONE, w, ra)));
    const codes = answers.map((r) => r.json().error.code);
    expect(codes.filter((c) => c === 'invalid_code').length).toBeLessThanOrEqual(4);
    expect(codes.every((c) => c === 'invalid_code' || c === 'code_burned')).toBe(true);
    const row = await t.ctx.db
      .selectFrom('portal_challenges')
      .select('attempts')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(Number(row.attempts)).toBe(5);
    expect((await verify(PHONE, code, ra)).json().error.code).toBe('code_burned');
  });

  it('refuses an expired code and a code used twice', async () => {
    await clearOutbox();
    const ra = nextIp();
    await requestCode(PHONE, ra);
    const code = (await codeFor(PHONE))!;
    await t.ctx.db
      .updateTable('portal_challenges')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('used_at', 'is', null)
      .execute();
    const expired = await verify(PHONE, code, ra);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('code_expired');

    await clearOutbox();
    await requestCode(PHONE, ra);
    const fresh = (await codeFor(PHONE))!;
    expect((await verify(PHONE, fresh, ra)).statusCode).toBe(200);
    const again = await verify(PHONE, fresh, ra);
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('code_used');
  });

  it('throttles codes per contact and per address, known or not', async () => {
    const ra = nextIp();
    const other = '13600000001';
    for (let i = 0; i < 5; i++) expect((await requestCode(other, ra)).statusCode).toBe(202);
    const sixth = await requestCode(other, ra);
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error.code).toBe('too_many_codes');
    // Another contact from a new address is still served; one address is capped across contacts.
    const flood = nextIp();
    const codes = [];
    for (let i = 0; i < 21; i++)
      codes.push((await requestCode(`1350000${String(i).padStart(4, '0')}`, flood)).statusCode);
    expect(codes.slice(0, 20).every((c) => c === 202)).toBe(true);
    expect(codes[20]).toBe(429);
  });

  it('throttles requests sent together, and counts an IPv6 client per /56', async () => {
    const together = await Promise.all(
      Array.from({ length: 12 }, (_, i) => requestCode('13600000002', `198.51.100.${i + 1}`)),
    );
    expect(together.filter((r) => r.statusCode === 202)).toHaveLength(5);
    expect(together.filter((r) => r.statusCode === 429)).toHaveLength(7);
    const v6 = [];
    for (let i = 0; i < 21; i++)
      v6.push(
        (await requestCode(`1340000${String(i).padStart(4, '0')}`, `2001:db8:0:${i}::${i + 1}`)).statusCode,
      );
    expect(v6.slice(0, 20).every((c) => c === 202)).toBe(true);
    expect(v6[20]).toBe(429);
  });

  it('keeps portal and staff credentials apart', async () => {
    const p = await signIn(PHONE, PHONE);
    // The portal cookie opens no staff route…
    const staff = await app.inject({
      method: 'GET',
      url: '/api/v1/consents?subject=user-2001',
      headers: { cookie: p.cookie },
    });
    expect(staff.statusCode).toBe(401);
    const staffPost = await app.inject({
      method: 'POST',
      url: '/api/v1/consents',
      headers: { cookie: p.cookie, 'x-csrf-token': p.csrf },
      payload: { subject: 'user-2001', purpose: 'newsletter', given: false, rulesVersion: 1, channel: 'web' },
    });
    expect(staffPost.statusCode).toBe(401);
    // …and a staff session or an API key opens no portal route.
    const bySession = await as(app, admin).get('/api/v1/portal/consents');
    expect(bySession.statusCode).toBe(401);
    expect(bySession.json().error.code).toBe('portal_session_required');
    expect((await as(app, { key }).get('/api/v1/portal/consents')).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/portal/consents' })).statusCode).toBe(401);
    // A state change without the portal's CSRF token is refused.
    const noCsrf = await portal(p).post('/api/v1/portal/consents/newsletter/withdraw', 'wrong');
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf');
    // The cookie is HttpOnly, SameSite=Strict and scoped to the portal API.
    const ra = nextIp();
    await clearOutbox();
    await requestCode(PHONE, ra);
    const res = await verify(PHONE, (await codeFor(PHONE))!, ra);
    const c = res.cookies.find((x) => x.name === 'custodian_portal')!;
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/portal', maxAge: 1800 });
    expect(res.cookies.find((x) => x.name === 'custodian_session')).toBeUndefined();
  });

  it('withdraws in one call; the purpose check then denies with consent_withdrawn; gives again', async () => {
    const p = await signIn(PHONE, PHONE);
    const before = await as(app, { key }).post('/api/v1/purpose-check', {
      subject: 'user-2001',
      purpose: 'newsletter',
      categories: ['contact'],
    });
    expect(before.json()).toEqual({ allowed: true, reasons: [] });

    const w = await portal(p).post('/api/v1/portal/consents/newsletter/withdraw');
    expect(w.statusCode).toBe(200);
    expect(w.json()).toMatchObject({ purpose: 'newsletter', state: 'withdrawn', channel: 'web' });
    expect(w.json().history).toHaveLength(2);

    const after = await as(app, { key }).post('/api/v1/purpose-check', {
      subject: 'user-2001',
      purpose: 'newsletter',
      categories: ['contact'],
    });
    expect(after.json()).toEqual({ allowed: false, reasons: ['consent_withdrawn'] });
    // The other purpose is untouched.
    const other = await as(app, { key }).post('/api/v1/purpose-check', {
      subject: 'user-2001',
      purpose: 'recommend',
      categories: ['contact'],
    });
    expect(other.json().allowed).toBe(true);

    // The ledger entry: channel web, a subject actor, evidence with client info.
    const row = await t.ctx.db
      .selectFrom('consents')
      .selectAll()
      .where('subject', '=', 'user-2001')
      .where('purpose_key', '=', 'newsletter')
      .where('given', '=', 0)
      .executeTakeFirstOrThrow();
    expect(row.channel).toBe('web');
    expect(row.actor_type).toBe('subject');
    expect(row.actor_id).not.toContain('user-2001');
    expect(JSON.parse(row.evidence)).toMatchObject({ via: 'portal', verifiedBy: 'sms' });

    // Withdrawing twice is refused; an unknown purpose is a 404.
    const twice = await portal(p).post('/api/v1/portal/consents/newsletter/withdraw');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('not_given');
    expect((await portal(p).post('/api/v1/portal/consents/nope/withdraw')).statusCode).toBe(404);

    // Given again under the rules in force, the check allows once more.
    const g = await portal(p).post('/api/v1/portal/consents/newsletter/give');
    expect(g.json()).toMatchObject({ state: 'given', rulesVersion: 1 });
    const again = await as(app, { key }).post('/api/v1/purpose-check', {
      subject: 'user-2001',
      purpose: 'newsletter',
      categories: ['contact'],
    });
    expect(again.json().allowed).toBe(true);
    await portal(p).post('/api/v1/portal/consents/newsletter/withdraw');
  });

  it('asks for consent again where the rules in force widened the purpose since it was given (PIPL 14)', async () => {
    const p = await signIn(PHONE, PHONE);
    const state = async () =>
      (await portal(p).get('/api/v1/portal/consents'))
        .json()
        .items.find((i: { purpose: string }) => i.purpose === 'recommend');
    expect((await state()).state).toBe('given');
    const { key: k, ...wider } = purpose('recommend', '个性化推荐', 'Recommendations', [
      'contact',
      'basic-personal',
      'device',
    ]);
    expect((await as(app, admin).put(`/api/v1/purposes/${k}`, wider)).statusCode).toBe(200);
    const v = (await as(app, admin).post('/api/v1/rules/publish', {})).json().version;
    // The portal says what the purpose check says, and what the rules in force add (PIPL 14).
    expect((await state()).state).toBe('reconsent');
    expect((await state()).widened).toEqual({
      categories: [{ id: 'device', zh: '设备信息', en: 'Device information' }],
      methods: [],
      recipients: [],
      terms: [],
    });
    const check = await as(app, { key }).post('/api/v1/purpose-check', {
      subject: 'user-2001',
      purpose: 'recommend',
      categories: ['device'],
    });
    expect(check.json().reasons).toEqual(['reconsent_required:v1']);
    // Withdrawing stays possible; agreeing to the rules in force covers the new scope.
    const g = await portal(p).post('/api/v1/portal/consents/recommend/give');
    expect(g.json()).toMatchObject({ state: 'given', rulesVersion: v });
    expect((await state()).state).toBe('given');
    const after = await as(app, { key }).post('/api/v1/purpose-check', {
      subject: 'user-2001',
      purpose: 'recommend',
      categories: ['device'],
    });
    expect(after.json().allowed).toBe(true);
    // A change beyond categories, methods and recipients is named too: here, the information made public.
    expect((await portal(p).post('/api/v1/portal/consents/newsletter/give')).json().state).toBe('given');
    const { key: nk, ...news } = purpose('newsletter', '新闻邮件', 'Newsletter');
    expect(
      (await as(app, admin).put(`/api/v1/purposes/${nk}`, { ...news, publicDisclosure: true })).statusCode,
    ).toBe(200);
    expect((await as(app, admin).post('/api/v1/rules/publish', {})).statusCode).toBe(201);
    const n = (await portal(p).get('/api/v1/portal/consents'))
      .json()
      .items.find((i: { purpose: string }) => i.purpose === 'newsletter');
    expect(n).toMatchObject({
      state: 'reconsent',
      widened: { categories: [], methods: [], recipients: [], terms: ['disclosure'] },
    });
  });

  it('signs out: the cookie no longer opens the portal', async () => {
    const p = await signIn(PHONE, PHONE);
    expect((await portal(p).get('/api/v1/portal/session')).json()).toMatchObject({
      signedIn: true,
      csrfToken: p.csrf,
    });
    // Before anyone verified anything (or with a stale cookie) the answer is "not signed in", not an error.
    const none = await app.inject({ url: '/api/v1/portal/session' });
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ signedIn: false });
    const stale = await app.inject({
      url: '/api/v1/portal/session',
      headers: { cookie: 'custodian_portal=x' },
    });
    expect(stale.json()).toEqual({ signedIn: false });
    const out = await portal(p).post('/api/v1/portal/logout');
    expect(out.statusCode).toBe(200);
    expect((await portal(p).get('/api/v1/portal/consents')).statusCode).toBe(401);
  });

  it('an expired session is refused', async () => {
    const p = await signIn(PHONE, PHONE);
    await t.ctx.db
      .updateTable('portal_sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    expect((await portal(p).get('/api/v1/portal/consents')).statusCode).toBe(401);
  });

  it('forgets challenges after a day and expired sessions', async () => {
    await t.ctx.db
      .updateTable('portal_challenges')
      .set({ created_at: new Date(Date.now() - 25 * 3_600_000).toISOString() })
      .execute();
    const expired = await t.ctx.db
      .selectFrom('portal_sessions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('expires_at', '<', new Date().toISOString())
      .executeTakeFirstOrThrow();
    expect(Number(expired.n)).toBeGreaterThan(0);
    await requestCode('13600000002', nextIp());
    const left = await t.ctx.db.selectFrom('portal_challenges').select('id').execute();
    expect(left).toHaveLength(1);
    const stale = await t.ctx.db
      .selectFrom('portal_sessions')
      .select('id')
      .where('expires_at', '<', new Date().toISOString())
      .execute();
    expect(stale).toEqual([]);
  });

  it('keeps contacts, codes and subject references out of the audit log and the challenge table', async () => {
    const rows = await t.ctx.db.selectFrom('audit_entries').selectAll().execute();
    const text = JSON.stringify(rows);
    expect(rows.some((r) => r.action === 'portal.login')).toBe(true);
    expect(rows.some((r) => r.action === 'portal.code.failed')).toBe(true);
    expect(rows.some((r) => r.action === 'consent.withdraw' && r.actor_type === 'subject')).toBe(true);
    for (const plain of [PHONE, EMAIL, 'li.na', '13700000000', 'user-2001', '192.0.2.'])
      expect(text).not.toContain(plain);
    const challenges = JSON.stringify(await t.ctx.db.selectFrom('portal_challenges').selectAll().execute());
    for (const plain of [PHONE, EMAIL, '13700000000']) expect(challenges).not.toContain(plain);
    const sessions = JSON.stringify(await t.ctx.db.selectFrom('portal_sessions').selectAll().execute());
    expect(sessions).not.toContain(PHONE);
  });
});
