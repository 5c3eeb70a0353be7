import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const OFFICER = '个人信息保护负责人 李明，privacy@example.cn，电话 010-12345678';
const COMPLAINTS = '投诉邮箱 complaints@example.cn';

const marketing = {
  nameZh: '个性化营销 <script>alert(1)</script>',
  nameEn: 'Personalised marketing & "offers"',
  descriptionZh: '根据购买记录推荐商品 <b>粗体</b>',
  descriptionEn: 'Recommend products from purchase history <img src=x onerror=alert(1)>',
  legalBasis: 'consent',
  necessity: '向广告合作方提供联系方式以投放个性化广告，这是实现该目的所必需的。',
  necessityEn: 'Personalised ads need the contact details given to the advertising partner.',
  categories: ['contact', 'basic-personal'],
  methods: ['form'],
  retentionDays: 365,
  retentionAction: 'anonymise',
  recipients: [
    {
      name: '示例广告有限公司',
      nameEn: 'Example Advertising Co., Ltd.',
      kind: 'third_party',
      purpose: '投放广告',
      purposeEn: 'Ad delivery',
      categories: ['contact'],
    },
  ],
  crossBorder: [],
  publicDisclosure: false,
  minors: false,
};
const homework = {
  ...marketing,
  nameZh: '作业辅导',
  nameEn: 'Homework help',
  descriptionZh: '为学生提供作业辅导',
  descriptionEn: 'Homework help for pupils',
  necessity: '辅导需要识别学生是否不满十四周岁，以取得监护人同意。',
  necessityEn: 'Homework help must know whether a pupil is under 14, to ask a guardian.',
  categories: ['minor', 'contact'],
  recipients: [],
  minors: true,
};

describe.each(DIALECTS)('published rules as documents, preview and consent rates on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let dpo: Session;
  let key = '';

  beforeAll(async () => {
    t = await makeContext(dialect, {
      'rules.officerContact': OFFICER,
      'rules.complaintChannel': COMPLAINTS,
    });
    app = await makeApp(t.ctx);
    const admin = await setupAdmin(app);
    await as(app, admin).post('/api/v1/users', {
      username: 'dpo',
      password: STRONG_PASSWORD,
      role: 'privacy_officer',
    });
    dpo = await login(app, 'dpo');
    key = (
      await as(app, admin).post('/api/v1/api-keys', {
        name: 'shop',
        scopes: ['consents:write', 'consents:read'],
      })
    ).json().key;
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('previews the first publication without storing it', async () => {
    expect((await as(app, dpo).put('/api/v1/purposes/marketing', marketing)).statusCode).toBe(200);
    expect((await as(app, dpo).put('/api/v1/purposes/homework', homework)).statusCode).toBe(200);
    const r = await as(app, dpo).get('/api/v1/rules/preview');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.current).toBeNull();
    expect(body.reconsent).toEqual([]);
    expect(body.preview).toMatchObject({ version: 1, organisation: { officerContact: OFFICER } });
    expect(body.preview.purposes.map((p: { key: string }) => p.key)).toEqual(['homework', 'marketing']);
    expect((await app.inject({ url: '/api/v1/rules/versions' })).json().items).toEqual([]);
    // Only staff who may read the register see the preview.
    expect((await app.inject({ url: '/api/v1/rules/preview' })).statusCode).toBe(401);
  });

  it('carries category labels and the organisation in the public rules', async () => {
    expect((await as(app, dpo).post('/api/v1/rules/publish', {})).statusCode).toBe(201);
    const cur = (await app.inject({ url: '/api/v1/rules/current' })).json();
    expect(cur.categories).toEqual([
      {
        id: 'minor',
        sensitive: true,
        zh: '不满十四周岁未成年人信息',
        en: 'Information of children under 14',
      },
      { id: 'contact', sensitive: false, zh: '联系方式', en: 'Contact details' },
      { id: 'basic-personal', sensitive: false, zh: '个人基本资料', en: 'Basic personal data' },
    ]);
    expect(cur.organisation).toEqual({
      providerName: 'Custodian',
      officerContact: OFFICER,
      complaintChannel: COMPLAINTS,
    });
    const all = (await app.inject({ url: '/api/v1/rules/categories' })).json().items;
    expect(all.length).toBe(14);
    expect(all.find((c: { id: string }) => c.id === 'location')).toMatchObject({ sensitive: true });
  });

  it('exports HTML with every NDSR 21 section in both languages, escaped', async () => {
    for (const [lang, words] of [
      [
        'zh-CN',
        [
          '收集的个人信息清单',
          '信息接收方清单',
          '保存期限',
          '匿名化处理',
          '您的权利及行使方式',
          '个人信息保护负责人',
          '投诉、举报渠道',
          '不满十四周岁未成年人个人信息处理规则',
          '第 1 版',
          '生效时间',
          '示例广告有限公司',
          '向他人提供的单独同意',
        ],
      ],
      [
        'en',
        [
          'Information collected, by business function',
          'Checklist of recipients',
          'Retention',
          'anonymised',
          'Your rights and how to exercise them',
          'Personal information protection officer',
          'Complaints and reports',
          'Rules for personal information of children under 14',
          'Version 1',
          'In force from',
          'Separate consent to provision to others',
        ],
      ],
    ] as const) {
      const r = await app.inject({ url: `/api/v1/rules/versions/1/export?format=html&lang=${lang}` });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.headers['content-disposition']).toBe(`attachment; filename="rules-v1-${lang}.html"`);
      const html = r.body;
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain('@media print');
      for (const w of words) expect(html, w).toContain(w);
      expect(html).toContain(OFFICER);
      expect(html).toContain(COMPLAINTS);
      expect(html).toContain('/requests"');
      expect(html).toContain((await app.inject({ url: '/api/v1/rules/current' })).json().sha256);
      // Text from the register never becomes markup.
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<b>');
    }
    const zh = (await app.inject({ url: '/api/v1/rules/current/export?lang=zh-CN' })).body;
    expect(zh).toContain('个性化营销 &lt;script&gt;alert(1)&lt;/script&gt;');
    const en = (await app.inject({ url: '/api/v1/rules/current/export?format=html&lang=en' })).body;
    expect(en).toContain('Personalised marketing &amp; &quot;offers&quot;');
    // Each language reads its own necessity statement and recipient purpose.
    expect(en).toContain('Personalised ads need the contact details given to the advertising partner.');
    expect(en).toContain('Ad delivery');
    expect(en).not.toContain('投放广告');
    expect(en).toContain('Example Advertising Co., Ltd.');
    expect(en).not.toContain('示例广告有限公司');
    expect(zh).toContain('向广告合作方提供联系方式以投放个性化广告');
    expect(zh).toContain('投放广告');
    expect(zh).not.toContain('Ad delivery');
  });

  it('exports a PDF with the CJK font embedded', async () => {
    for (const url of [
      '/api/v1/rules/versions/1/export?format=pdf',
      '/api/v1/rules/current/export?format=pdf&lang=en',
    ]) {
      const r = await app.inject({ url });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('application/pdf');
      expect(r.headers['content-disposition']).toMatch(/filename="rules-v1-(zh-CN|en)\.pdf"/);
      const pdf = r.rawPayload;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = pdf.toString('latin1');
      expect(text).toMatch(/\/FontFile3|\/FontFile2/);
      expect(text).toMatch(/NotoSansHans/);
      expect(Number(/\/Type \/Pages[\s\S]*?\/Count (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
    }
  });

  it('builds a version’s PDF once: the same bytes again', async () => {
    const url = '/api/v1/rules/versions/1/export?format=pdf&lang=zh-CN';
    const a = (await app.inject({ url })).rawPayload;
    const started = Date.now();
    const b = (await app.inject({ url })).rawPayload;
    expect(Date.now() - started).toBeLessThan(500);
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it('answers 404 for an unknown version and 400 naming the field for a bad format', async () => {
    const missing = await app.inject({ url: '/api/v1/rules/versions/99/export?format=html' });
    expect(missing.statusCode).toBe(404);
    const bad = await app.inject({ url: '/api/v1/rules/versions/1/export?format=docx' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('format');
    const badLang = await app.inject({ url: '/api/v1/rules/current/export?lang=fr' });
    expect(badLang.statusCode).toBe(400);
    expect(badLang.json().error.details.field).toBe('lang');
  });

  it('keeps the contact a version was published with', async () => {
    const v1 = await t.ctx.rules.version(1);
    expect(v1.organisation.officerContact).toBe(OFFICER);
    // A version published before the organisation was frozen shows today's settings.
    await t.ctx.db
      .updateTable('rules_versions')
      .set({ organisation: null })
      .where('version', '=', 1)
      .execute();
    const fresh = await t.ctx.db
      .selectFrom('rules_versions')
      .select('organisation')
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    expect(fresh.organisation).toBeNull();
    await t.ctx.db
      .updateTable('rules_versions')
      .set({ organisation: JSON.stringify(v1.organisation) })
      .where('version', '=', 1)
      .execute();
  });

  it('the preview shows the widening and how many consents it would require again', async () => {
    for (const subject of ['a', 'b', 'c'])
      await as(app, { key }).post('/api/v1/consents', {
        subject,
        purpose: 'marketing',
        given: true,
        rulesVersion: 1,
        channel: 'web',
        separate: ['provision'],
      });
    await as(app, { key }).post('/api/v1/consents', {
      subject: 'c',
      purpose: 'marketing',
      given: false,
      rulesVersion: 1,
      channel: 'web',
    });
    await as(app, dpo).put('/api/v1/purposes/marketing', {
      ...marketing,
      categories: [...marketing.categories, 'device'],
      methods: ['form', 'device'],
    });
    const body = (await as(app, dpo).get('/api/v1/rules/preview')).json();
    expect(body.preview.version).toBe(2);
    expect(body.current.version).toBe(1);
    expect(body.reconsent).toEqual([
      {
        purpose: 'marketing',
        categories: ['device'],
        methods: ['device'],
        recipients: [],
        terms: [],
        consenting: 2,
      },
    ]);
    expect(body.preview.categories.map((c: { id: string }) => c.id)).toContain('device');
  });

  it('counts gives, withdrawals and re-gives per bucket', async () => {
    const row = (subject: string, given: boolean, at: string) => ({
      id: randomUUID(),
      subject,
      purpose_key: 'news',
      given: given ? 1 : 0,
      rules_version: 1,
      channel: 'web',
      separate: '[]',
      evidence: '{}',
      actor_type: 'api_key',
      actor_id: null,
      created_at: at,
    });
    await t.ctx.db
      .insertInto('consents')
      .values([
        row('x', true, '2026-10-30T10:00:00.000Z'), // before the range: part of the starting point
        row('p', true, '2026-11-01T08:00:00.000Z'),
        row('q', true, '2026-11-01T09:00:00.000Z'),
        row('p', false, '2026-11-02T10:00:00.000Z'),
        row('x', false, '2026-11-03T10:00:00.000Z'),
        row('p', true, '2026-11-03T11:00:00.000Z'), // re-given
        row('r', false, '2026-11-03T12:00:00.000Z'), // a refusal: a person, not consenting
        row('q', true, '2026-11-09T12:00:00.000Z'), // given again while given: no change
        row('z', true, '2026-11-20T12:00:00.000Z'), // after the range
      ])
      .execute();
    const r = await as(app, { key }).get(
      '/api/v1/consents/stats?purpose=news&from=2026-11-01&to=2026-11-10&bucket=day',
    );
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ from: '2026-11-01', to: '2026-11-10', bucket: 'day' });
    expect(body.purposes).toHaveLength(1);
    const b = body.purposes[0].buckets;
    expect(b).toHaveLength(10);
    const pick = (i: number) => [b[i].start, b[i].given, b[i].withdrawn, b[i].consenting, b[i].subjects];
    expect(pick(0)).toEqual(['2026-11-01', 2, 0, 3, 3]);
    expect(pick(1)).toEqual(['2026-11-02', 0, 1, 2, 3]);
    expect(pick(2)).toEqual(['2026-11-03', 1, 2, 2, 4]);
    expect(pick(3)).toEqual(['2026-11-04', 0, 0, 2, 4]);
    expect(pick(8)).toEqual(['2026-11-09', 1, 0, 2, 4]);
    expect(b[2].rate).toBe(0.5);

    const weeks = (
      await as(app, { key }).get('/api/v1/consents/stats?from=2026-11-01&to=2026-11-21&bucket=week')
    ).json();
    const news = weeks.purposes.find((p: { purpose: string }) => p.purpose === 'news');
    expect(
      news.buckets.map((x: Record<string, unknown>) => [
        x.start,
        x.given,
        x.withdrawn,
        x.consenting,
        x.subjects,
      ]),
    ).toEqual([
      ['2026-11-01', 3, 3, 2, 4],
      ['2026-11-08', 1, 0, 2, 4],
      ['2026-11-15', 1, 0, 3, 5],
    ]);
    // Without a purpose named, every purpose with entries by the end of the range (marketing's come later).
    expect(weeks.purposes.map((p: { purpose: string }) => p.purpose)).toEqual(['news']);
    // Today in China Standard Time, the stats' default day: after 16:00 UTC it is already tomorrow there.
    const now = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const all = (await as(app, { key }).get(`/api/v1/consents/stats?to=${now}`)).json();
    expect(all.purposes.map((p: { purpose: string }) => p.purpose)).toEqual(['marketing', 'news']);
    expect(all.purposes[0].buckets.at(-1)).toMatchObject({ consenting: 2, subjects: 3 });
  });

  it('counts days in China Standard Time unless another offset is named', async () => {
    await t.ctx.db
      .insertInto('consents')
      .values({
        id: randomUUID(),
        subject: 'late',
        purpose_key: 'evening',
        given: 1,
        rules_version: 1,
        channel: 'web',
        separate: '[]',
        evidence: '{}',
        actor_type: 'api_key',
        actor_id: null,
        // 2026-11-02 03:30 in Beijing
        created_at: '2026-11-01T19:30:00.000Z',
      })
      .execute();
    const given = async (q: string) => {
      const body = (
        await as(app, { key }).get(`/api/v1/consents/stats?purpose=evening&from=2026-11-01&to=2026-11-02${q}`)
      ).json();
      return body.purposes[0].buckets.map((b: { start: string; given: number }) => [b.start, b.given]);
    };
    expect(await given('')).toEqual([
      ['2026-11-01', 0],
      ['2026-11-02', 1],
    ]);
    expect(await given('&utcOffset=0')).toEqual([
      ['2026-11-01', 1],
      ['2026-11-02', 0],
    ]);
    const bad = await as(app, { key }).get('/api/v1/consents/stats?utcOffset=900');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('utcOffset');
  });

  it('validates the range of the statistics', async () => {
    const get = (q: string) => as(app, { key }).get(`/api/v1/consents/stats?${q}`);
    const tooLong = await get('from=2020-01-01&to=2026-01-01&bucket=day');
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.details.field).toBe('to');
    const reversed = await get('from=2026-02-01&to=2026-01-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.details.field).toBe('from');
    const badDate = await get('from=2026-02-30');
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().error.details.field).toBe('from');
    // A purpose key nobody ever used charts nobody: a 404 naming it, not an empty chart.
    const unknown = await get('purpose=nosuch');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'unknown_purpose', details: { field: 'purpose' } });
    const badBucket = await get('bucket=month');
    expect(badBucket.json().error.details.field).toBe('bucket');
    // Without a permission to read consents, no statistics.
    expect((await app.inject({ url: '/api/v1/consents/stats' })).statusCode).toBe(401);
  });
  it('publishes from now or later only, and versions take effect in their order', async () => {
    const versions = async () => (await app.inject({ url: '/api/v1/rules/versions' })).json().items.length;
    const before = await versions();
    const current = (await app.inject({ url: '/api/v1/rules/current' })).json().version;
    const past = await as(app, dpo).post('/api/v1/rules/publish', { effectiveAt: '2020-01-01T02:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.details.field).toBe('effectiveAt');
    expect(await versions()).toBe(before);
    // Scheduled for tomorrow: the version in force stays until then.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await as(app, dpo).post('/api/v1/rules/publish', { effectiveAt: tomorrow });
    expect(scheduled.statusCode).toBe(201);
    expect((await app.inject({ url: '/api/v1/rules/current' })).json().version).toBe(current);
    // A later version cannot take effect before it.
    const sooner = await as(app, dpo).post('/api/v1/rules/publish', {});
    expect(sooner.statusCode).toBe(400);
    expect(sooner.json().error.message).toContain(tomorrow.replace('T', ' ').slice(0, 16));
    expect(await versions()).toBe(before + 1);
  });
});
