import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { strFromU8, unzipSync } from 'fflate';
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

const RULES = [
  { id: 'gamble-1', pattern: '赌博', category: 'gambling', action: 'block', allow: ['赌博罪'] },
  { id: 'invoice-1', pattern: '代开发票', category: 'fraud', action: 'review' },
  { id: 'spam-1', pattern: 'free money', category: 'spam', action: 'flag' },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

const REASONS = {
  facts: '帖子推广网络赌博网站',
  rule: 'gamble-1（赌博）',
  ground: '《互联网信息服务管理办法》第十五条；用户协议第 7 条',
  objection: '如有异议，请在 15 日内通过申诉页面提交说明',
};

describe.each(DIALECTS)('screening gate and moderation on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let admin: Session;
  let mod1: Session;
  let mod2: Session;
  let key = '';
  let setId = '';
  let receiver: Server;
  const received: Array<{ event: string; body: string }> = [];

  beforeAll(async () => {
    t = await makeContext(dialect);
    app = await makeApp(t.ctx);
    admin = await setupAdmin(app);
    for (const u of ['mod1', 'mod2'])
      await as(app, admin).post('/api/v1/users', {
        username: u,
        password: STRONG_PASSWORD,
        role: 'moderator',
      });
    mod1 = await login(app, 'mod1');
    mod2 = await login(app, 'mod2');
    key = (await as(app, admin).post('/api/v1/api-keys', { name: 'forum', scopes: ['screen'] })).json().key;
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ event: String(req.headers['custodian-event']), body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/remove`;
    await as(app, admin).post('/api/v1/webhooks', {
      name: 'forum removal',
      url,
      events: ['content.removed', 'content.restored'],
    });
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
    receiver.close();
  });

  const screen = (contentId: string, text: string, extra: Record<string, unknown> = {}) =>
    as(app, { key }).post('/api/v1/screen', {
      contentType: 'post',
      text,
      contentId,
      author: { account: 'user-17', ip: '203.0.113.9' },
      ...extra,
    });

  it('refuses a bad rule set version, naming the rule and field', async () => {
    setId = (await as(app, mod1).post('/api/v1/rule-sets', { name: 'forum', description: '论坛帖子' })).json()
      .id;
    const bad = await as(app, mod1).post(`/api/v1/rule-sets/${setId}/versions`, {
      text: JSON.stringify({ id: 'x1', pattern: '赌博', category: 'gambling', action: 'deny' }),
      format: 'jsonl',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/x1/);
    expect(bad.json().error.details.field).toMatch(/action/);
    expect((await as(app, mod1).get(`/api/v1/rule-sets/${setId}`)).json().versions).toEqual([]);
  });

  it('imports, publishes, and the gate allows clean content without storing it', async () => {
    const v = await as(app, mod1).post(`/api/v1/rule-sets/${setId}/versions`, {
      text: RULES,
      format: 'jsonl',
      note: 'first',
    });
    expect(v.statusCode).toBe(201);
    expect(v.json()).toMatchObject({ version: 1, ruleCount: 3, status: 'draft' });
    // Not yet published: the gate lets everything through.
    expect((await screen('p-0', '来玩赌博')).json().decision).toBe('allow');
    await as(app, mod1).post(`/api/v1/rule-sets/${setId}/versions/1/publish`);
    const ok = await screen('p-1', '今天天气很好，我们去公园散步。');
    expect(ok.json()).toEqual({ decision: 'allow', matches: [] });
    expect(await t.ctx.db.selectFrom('moderation_cases').selectAll().execute()).toEqual([]);
  });

  it('blocks evasive content synchronously and preserves sealed evidence linked into the audit chain', async () => {
    const text = '加微信，一起来賭 博，稳赚不赔';
    const res = await screen('p-2', text);
    const body = res.json();
    expect(body.decision).toBe('block');
    expect(body.matches[0]).toMatchObject({ rule: 'gamble-1', category: 'gambling', action: 'block' });
    expect(text.slice(body.matches[0].start, body.matches[0].end)).toBe(body.matches[0].matched);
    expect(body.caseId).toBeTruthy();
    const row = await t.ctx.db
      .selectFrom('moderation_evidence')
      .selectAll()
      .where('case_id', '=', body.caseId)
      .executeTakeFirstOrThrow();
    expect(row.content_sealed).not.toContain('稳赚');
    expect(row.author_ip_sealed).not.toContain('203.0.113.9');
    expect(row.content_sha256).toBe(createHash('sha256').update(text).digest('hex'));
    const c = await t.ctx.db
      .selectFrom('moderation_cases')
      .selectAll()
      .where('id', '=', body.caseId)
      .executeTakeFirstOrThrow();
    expect(c.transmission_stopped_at).toBe(c.received_at);
    expect(Date.parse(c.retain_until) - Date.parse(c.received_at)).toBeGreaterThanOrEqual(
      180 * 86_400_000 - 1000,
    );
    const v = await as(app, mod1).get(`/api/v1/cases/${body.caseId}/verify`);
    expect(v.json()).toMatchObject({ ok: true });
    // Same content id: same answer, no second case.
    const again = await screen('p-2', text);
    expect(again.json().caseId).toBe(body.caseId);
    expect((await t.ctx.db.selectFrom('moderation_cases').select('id').execute()).length).toBe(1);
  });

  it('honours allow-list entries and queues review content', async () => {
    expect((await screen('p-3', '刑法规定了赌博罪的构成要件')).json().decision).toBe('allow');
    const r = await screen('p-4', '专业代开发票，价格优惠');
    expect(r.json().decision).toBe('review');
    const flagged = await screen('p-5', 'get free money now');
    expect(flagged.json().decision).toBe('allow');
    expect(flagged.json().matches).toHaveLength(1);
  });

  it('tests a draft against a text, diffs versions, and applies a new version only once published', async () => {
    const v2 = await as(app, mod1).post(`/api/v1/rule-sets/${setId}/versions`, {
      text:
        RULES +
        '\n' +
        JSON.stringify({ id: 'drug-1', pattern: '冰毒', category: 'prohibited-goods', action: 'block' }),
    });
    expect(v2.json().version).toBe(2);
    const tested = await as(app, mod1).post(`/api/v1/rule-sets/${setId}/test`, {
      text: '出售冰毒',
      version: 2,
    });
    expect(tested.json().decision).toBe('block');
    expect((await screen('p-6', '出售冰毒')).json().decision).toBe('allow');
    const diff = await as(app, mod1).get(`/api/v1/rule-sets/${setId}/diff?from=1&to=2`);
    expect(diff.json().added.map((r: { id: string }) => r.id)).toEqual(['drug-1']);
    expect(diff.json().removed).toEqual([]);
    await as(app, mod1).post(`/api/v1/rule-sets/${setId}/versions/2/publish`);
    expect((await screen('p-7', '出售冰毒')).json().decision).toBe('block');
    const csv = await as(app, mod1).get(`/api/v1/rule-sets/${setId}/versions/2/export?format=csv`);
    expect(csv.body).toContain('drug-1');
    const hist = (await as(app, mod1).get(`/api/v1/rule-sets/${setId}`)).json();
    expect(hist.versions.map((v: { status: string }) => v.status)).toEqual(['published', 'superseded']);
  });

  it('runs the queue: filters, claims, refuses removal without reasons, removes through the webhook', async () => {
    const queue = await as(app, mod1).get('/api/v1/cases?status=queue');
    expect(queue.json().total).toBe(3);
    const gambling = (await as(app, mod1).get('/api/v1/cases?status=queue&category=gambling')).json().items;
    expect(gambling).toHaveLength(1);
    const id = gambling[0].id;
    const detail = (await as(app, mod1).get(`/api/v1/cases/${id}`)).json();
    expect(detail.evidence.content).toContain('賭 博');
    expect(detail.evidence.matches[0].rule).toBe('gamble-1');
    expect((await as(app, mod1).post(`/api/v1/cases/${id}/claim`)).statusCode).toBe(200);
    const taken = await as(app, mod2).post(`/api/v1/cases/${id}/claim`);
    expect(taken.statusCode).toBe(409);
    const noReasons = await as(app, mod1).post(`/api/v1/cases/${id}/decide`, { action: 'remove' });
    expect(noReasons.statusCode).toBe(400);
    expect(noReasons.json().error.details.field).toBe('reasons');
    const removed = await as(app, mod1).post(`/api/v1/cases/${id}/decide`, {
      action: 'remove',
      reasons: REASONS,
    });
    expect(removed.json()).toMatchObject({ status: 'removed', reasons: REASONS });
    const shown = (await as(app, mod2).get(`/api/v1/cases/${id}`)).json();
    expect(shown).toMatchObject({ claimedByName: 'mod1', decidedByName: 'mod1' });
    expect(removed.json().transmissionStoppedAt).not.toBeNull();
    await t.ctx.jobs.runDue();
    const hook = received.find((r) => r.event === 'content.removed')!;
    expect(JSON.parse(hook.body).data).toMatchObject({ caseId: id, contentId: 'p-2', reasons: REASONS });
    // The review case: removal stops transmission at decision time.
    const review = (await as(app, mod2).get('/api/v1/cases?status=open&category=fraud')).json().items[0];
    expect(review.transmissionStoppedAt).toBeNull();
    const r2 = await as(app, mod2).post(`/api/v1/cases/${review.id}/decide`, {
      action: 'remove',
      reasons: REASONS,
    });
    expect(r2.json().transmissionStoppedAt).not.toBeNull();
    const actions = (await t.ctx.db.selectFrom('audit_entries').select('action').execute()).map(
      (a) => a.action,
    );
    for (const a of [
      'screen.block',
      'screen.review',
      'case.view',
      'case.claim',
      'case.remove',
      'ruleset.publish',
    ])
      expect(actions).toContain(a);
  });

  it('builds a report package whose manifest verifies, and records its submission', async () => {
    await as(app, admin).post('/api/v1/users', {
      username: 'liaison',
      password: STRONG_PASSWORD,
      role: 'authority_liaison',
    });
    const liaison = await login(app, 'liaison');
    const cases = (await as(app, liaison).get('/api/v1/cases?status=removed'))
      .json()
      .items.map((c: { id: string }) => c.id);
    expect(cases).toHaveLength(2);
    const created = await as(app, liaison).post('/api/v1/reports', {
      caseIds: cases,
      authority: '某市公安局网安支队',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().number).toMatch(/^CUS-\d{8}-0001$/);
    const dl = await app.inject({
      method: 'GET',
      url: `/api/v1/reports/${created.json().id}/download`,
      headers: { cookie: liaison.cookie },
    });
    expect(dl.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(dl.rawPayload));
    expect(Object.keys(files).sort()).toEqual(
      [
        'cases.json',
        'manifest.sha256',
        'summary.pdf',
        ...cases.map((c: string) => `evidence/${c}.json`),
      ].sort(),
    );
    const manifest = strFromU8(files['manifest.sha256']);
    for (const line of manifest.trim().split('\n')) {
      const [hash, name] = line.split(/\s+/);
      expect(createHash('sha256').update(files[name]).digest('hex'), name).toBe(hash);
    }
    expect(createHash('sha256').update(manifest).digest('hex')).toBe(created.json().manifestSha256);
    expect(strFromU8(files['summary.pdf'].slice(0, 5))).toBe('%PDF-');
    const ev = JSON.parse(strFromU8(files[`evidence/${cases[0]}.json`]));
    expect(ev.authorIp).toBe('203.0.113.9');
    const sub = await as(app, liaison).post(`/api/v1/reports/${created.json().id}/submission`, {
      submittedTo: '某市公安局网安支队',
      receipt: '回执 2026-118',
    });
    expect(sub.json()).toMatchObject({ submittedTo: '某市公安局网安支队', receipt: '回执 2026-118' });
    expect(sub.json().submittedAt).not.toBeNull();
    // An officer's contact typed with the authority stays on the package, masked in the audit log.
    const again = await as(app, liaison).post(`/api/v1/reports/${created.json().id}/submission`, {
      submittedTo: '某市公安局网安支队 李警官 13912345678',
    });
    expect(again.json().submittedTo).toBe('某市公安局网安支队 李警官 13912345678');
    const submits = await t.ctx.db
      .selectFrom('audit_entries')
      .select('details')
      .where('action', '=', 'report.submit')
      .execute();
    expect(submits).toHaveLength(2);
    expect(JSON.stringify(submits)).not.toContain('13912345678');
    expect(JSON.stringify(submits)).toContain('某市公安局网安支队');
    // The list pages and carries no archive; a second package comes first.
    const second = await as(app, liaison).post('/api/v1/reports', {
      caseIds: [cases[0]],
      authority: '网信办',
    });
    const first = (await as(app, liaison).get('/api/v1/reports?limit=1')).json();
    expect(first).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(first.items.map((r: { id: string }) => r.id)).toEqual([second.json().id]);
    expect(first.items[0]).not.toHaveProperty('archive');
    const next = (await as(app, liaison).get('/api/v1/reports?limit=1&offset=1')).json();
    expect(next.items.map((r: { id: string }) => r.id)).toEqual([created.json().id]);
    expect((await as(app, liaison).get('/api/v1/reports?limit=0')).statusCode).toBe(400);
    const pending = (await as(app, liaison).get('/api/v1/reports?submitted=false')).json();
    expect(pending.items.map((r: { id: string }) => r.id)).toEqual([second.json().id]);
    expect((await as(app, liaison).get('/api/v1/reports?submitted=true')).json().total).toBe(1);
  });

  it('keeps the provider context sealed with the evidence, and refuses one it cannot keep', async () => {
    const ctx = { deviceId: 'dev-11010519491231002X', phone: '13912345678', thread: 't-9' };
    const blocked = await screen('ctx-1', '赌博平台注册送彩金', { context: ctx });
    const id = blocked.json().caseId;
    const row = await t.ctx.db
      .selectFrom('moderation_evidence')
      .selectAll()
      .where('case_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.context).not.toContain('13912345678');
    // A content id that carries a number is masked in the audit entry; the case keeps it.
    const numbered = await screen('post-13712345678', '赌博平台注册送彩金');
    const entry = await t.ctx.db
      .selectFrom('audit_entries')
      .select('details')
      .where('target_id', '=', numbered.json().caseId)
      .executeTakeFirstOrThrow();
    expect(entry.details).not.toContain('13712345678');
    expect((await as(app, mod1).get(`/api/v1/cases/${numbered.json().caseId}`)).json().contentId).toBe(
      'post-13712345678',
    );
    expect(row.context).not.toContain('t-9');
    expect((await as(app, mod1).get(`/api/v1/cases/${id}`)).json().evidence.context).toEqual(ctx);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    const tooDeep = await screen('ctx-2', '赌博平台注册送彩金', { context: { deep } });
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json().error.details.field).toBe('context');
    const tooBig = await screen('ctx-3', '赌博平台注册送彩金', { context: { note: 'x'.repeat(9000) } });
    expect(tooBig.statusCode).toBe(400);
    // A bad item late in a batch leaves the earlier ones unscreened and unstored.
    const item = (contentId: string, context: Record<string, unknown>) => ({
      contentType: 'post',
      text: '赌博平台注册送彩金',
      contentId,
      author: { account: 'user-17' },
      context,
    });
    const batch = await as(app, { key }).post('/api/v1/screen/batch', {
      items: [item('ctx-4', {}), item('ctx-5', { deep })],
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().error.details.field).toBe('items.1.context');
    const stored = await t.ctx.db
      .selectFrom('moderation_cases')
      .select('content_id')
      .where('content_id', 'in', ['ctx-2', 'ctx-3', 'ctx-4', 'ctx-5'])
      .execute();
    expect(stored).toEqual([]);
  });

  it('purges evidence past retention, except under legal hold, and the hashes still verify', async () => {
    const all = (await as(app, mod1).get('/api/v1/cases')).json().items;
    const [held, expired] = all;
    await as(app, mod1).post(`/api/v1/cases/${held.id}/hold`, { hold: true });
    await t.ctx.db
      .updateTable('moderation_cases')
      .set({ retain_until: new Date(Date.now() - 1000).toISOString() })
      .execute();
    expect(await t.ctx.moderation.purgeExpired({ type: 'system', id: null })).toBe(all.length - 1);
    const heldRow = await t.ctx.db
      .selectFrom('moderation_evidence')
      .selectAll()
      .where('case_id', '=', held.id)
      .executeTakeFirstOrThrow();
    expect(heldRow.content_sealed).not.toBeNull();
    const gone = await t.ctx.db
      .selectFrom('moderation_evidence')
      .selectAll()
      .where('case_id', '=', expired.id)
      .executeTakeFirstOrThrow();
    expect(gone.content_sealed).toBeNull();
    // Nothing that quotes the content or its author is left: context and matched words go too.
    expect(gone.context).toBe('{}');
    const left = JSON.parse(gone.matches) as Array<{ matched: string; start: number }>;
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((m) => m.matched === '' && typeof m.start === 'number')).toBe(true);
    expect((await as(app, mod1).get(`/api/v1/cases/${expired.id}/verify`)).json().ok).toBe(true);
    expect((await as(app, mod1).get(`/api/v1/cases/${held.id}/verify`)).json().ok).toBe(true);
  });

  it('detects edited evidence', async () => {
    const id = (await screen('p-9', '赌博平台注册送彩金')).json().caseId;
    await t.ctx.db
      .updateTable('moderation_evidence')
      .set({ matches: '[]' })
      .where('case_id', '=', id)
      .execute();
    expect((await as(app, mod1).get(`/api/v1/cases/${id}/verify`)).json().ok).toBe(false);
  });

  it('counts screened content per day, type and decision', async () => {
    const stats = (await as(app, mod1).get('/api/v1/screen/stats')).json().items;
    const allow = stats.find(
      (s: { decision: string; contentType: string }) => s.decision === 'allow' && s.contentType === 'post',
    );
    expect(allow.count).toBeGreaterThanOrEqual(5);
  });

  it('screens a batch in order', async () => {
    const res = await as(app, { key }).post('/api/v1/screen/batch', {
      items: [
        { contentType: 'comment', text: '你好', contentId: 'b-1', author: { account: 'u1' } },
        { contentType: 'comment', text: '赌博', contentId: 'b-2', author: { account: 'u2' } },
      ],
    });
    expect(res.json().results.map((r: { decision: string }) => r.decision)).toEqual(['allow', 'block']);
  });
});
