import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transact } from '../../src/db/transaction.js';
import { purgeFinished } from '../../src/jobs/housekeeping.js';
import { verifyWebhook } from '../../src/webhooks/signature.js';
import { HttpSmsNotifier, OutboxNotifier } from '../../src/notifier/notifier.js';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';
import { as, makeApp, setupAdmin, type Session, type TestApp } from '../helpers/http.js';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe.each(DIALECTS)('jobs, webhooks and the outbox on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let admin: Session;
  let receiver: Server;
  let receiverUrl = '';
  const received: Received[] = [];
  let failNext = 0;

  beforeAll(async () => {
    t = await makeContext(dialect);
    app = await makeApp(t.ctx);
    admin = await setupAdmin(app);
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(503).end();
          return;
        }
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
    receiver.close();
  });

  it('runs a job, retries a failing one with back-off, and dead-letters it', async () => {
    let calls = 0;
    t.ctx.jobs.register('test.flaky', async () => {
      calls++;
      throw new Error('gateway down');
    });
    const ok: string[] = [];
    t.ctx.jobs.register('test.ok', async (p: { n: number }) => void ok.push(String(p.n)));
    await t.ctx.jobs.enqueue(t.ctx.db, 'test.ok', { n: 1 });
    const id = await t.ctx.jobs.enqueue(t.ctx.db, 'test.flaky', {}, { maxAttempts: 2 });
    await t.ctx.jobs.runDue();
    expect(ok).toEqual(['1']);
    let job = await t.ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'pending', attempts: 1, last_error: 'gateway down' });
    expect(Date.parse(job.run_at)).toBeGreaterThan(Date.now() + 5_000);
    await t.ctx.db
      .updateTable('jobs')
      .set({ run_at: new Date(0).toISOString() })
      .where('id', '=', id)
      .execute();
    await t.ctx.jobs.runDue();
    job = await t.ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(job.status).toBe('dead');
    expect(calls).toBe(2);

    const failed = await as(app, admin).get('/api/v1/jobs?status=failed');
    expect(failed.json().items.map((j: { id: string }) => j.id)).toContain(id);
    expect((await as(app, admin).post(`/api/v1/jobs/${id}/retry`)).statusCode).toBe(200);
    job = await t.ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(job.status).toBe('pending');
  });

  it('does not run a job twice when two workers claim at once', async () => {
    const seen: string[] = [];
    t.ctx.jobs.register('test.once', async (p: { n: number }) => void seen.push(String(p.n)));
    await t.ctx.db.deleteFrom('jobs').execute();
    for (let i = 0; i < 30; i++) await t.ctx.jobs.enqueue(t.ctx.db, 'test.once', { n: i });
    await Promise.all([
      t.ctx.jobs.runDue(10),
      t.ctx.jobs.runDue(10),
      t.ctx.jobs.runDue(10),
      t.ctx.jobs.runDue(10),
    ]);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it('delivers signed webhooks, retries failures, and logs deliveries', async () => {
    const created = await as(app, admin).post('/api/v1/webhooks', {
      name: 'shop',
      url: receiverUrl,
      events: ['content.removed'],
    });
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json();
    expect(secret).toMatch(/^whsec_/);
    const stored = await t.ctx.db
      .selectFrom('webhook_endpoints')
      .select('secret')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain(secret);
    const bad = await as(app, admin).post('/api/v1/webhooks', {
      name: 'x',
      url: 'ftp://example',
      events: ['content.removed'],
    });
    expect(bad.json().error.details.field).toBe('url');
    // An event Custodian never sends is refused, not stored to leave the endpoint silent.
    const unknown = await as(app, admin).post('/api/v1/webhooks', {
      name: 'x',
      url: 'https://example.com/hook',
      events: ['zzz.unknown'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.field).toBe('events.0');
    // A user name and password in the address: no delivery could be made (fetch refuses it), so refused,
    // without echoing the password.
    const withPassword = await as(app, admin).post('/api/v1/webhooks', {
      name: 'secrets',
      url: 'https://hook:Pa55word@example.com/h',
      events: ['content.removed'],
    });
    expect(withPassword.statusCode).toBe(400);
    expect(withPassword.json().error.details.field).toBe('url');
    expect(withPassword.body).not.toContain('Pa55word');
    // Cloud metadata lives on link-local addresses, however they are written: refused.
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/',
      'http://[fe80::1]/h',
      'http://[::ffff:169.254.169.254]/',
      'http://0.0.0.0:8080/',
      'http://metadata.google.internal/computeMetadata/v1/',
    ]) {
      const r = await as(app, admin).post('/api/v1/webhooks', {
        name: 'meta',
        url,
        events: ['content.removed'],
      });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.details.field).toBe('url');
    }
    // A secret in the query is not shown back to staff.
    const withSecrets = await as(app, admin).post('/api/v1/webhooks', {
      name: 'secrets',
      url: 'https://example.com/h?token=abc123&site=shop',
      events: ['content.removed'],
    });
    expect(withSecrets.json().url).toBe('https://example.com/h?token=***&site=shop');
    const listed = (await as(app, admin).get('/api/v1/webhooks')).body;
    expect(listed).not.toContain('abc123');
    await as(app, admin).delete(`/api/v1/webhooks/${withSecrets.json().id}`);

    failNext = 1;
    await transact(t.ctx.db, (tx) => t.ctx.webhooks.emit(tx, 'content.removed', { contentId: 'post-1' }));
    await transact(t.ctx.db, (tx) => t.ctx.webhooks.emit(tx, 'other.event', { contentId: 'post-2' }));
    await t.ctx.jobs.runDue();
    expect(received).toHaveLength(0);
    let log = (await as(app, admin).get('/api/v1/webhooks/deliveries')).json().items;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'failing', lastStatusCode: 503, attempts: 1 });

    await t.ctx.db
      .updateTable('jobs')
      .set({ run_at: new Date(0).toISOString() })
      .where('status', '=', 'pending')
      .execute();
    await t.ctx.jobs.runDue();
    expect(received).toHaveLength(1);
    const r = received[0];
    expect(verifyWebhook(secret, r.body, String(r.headers['custodian-signature']))).toBe(true);
    expect(
      verifyWebhook(secret, r.body.replace('post-1', 'post-9'), String(r.headers['custodian-signature'])),
    ).toBe(false);
    expect(JSON.parse(r.body)).toMatchObject({ event: 'content.removed', data: { contentId: 'post-1' } });
    log = (await as(app, admin).get('/api/v1/webhooks/deliveries')).json().items;
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 204 });
  });

  it('keeps development messages in the outbox, shown to staff', async () => {
    await new OutboxNotifier(t.ctx.db).send({ channel: 'sms', to: '13800138000', body: '验证码 123456' });
    await t.ctx.jobs.enqueue(t.ctx.db, 'notify.send', {
      channel: 'email',
      to: 'a@example.cn',
      subject: 'Hi',
      body: 'Hello',
    });
    await t.ctx.jobs.runDue();
    const out = (await as(app, admin).get('/api/v1/outbox')).json();
    expect(out.notifier).toBe('outbox');
    expect(out.items.map((m: { channel: string }) => m.channel).sort()).toEqual(['email', 'sms']);
  });

  it('deletes finished work past its keeping time and keeps the rest', async () => {
    t.ctx.jobs.register('test.keep-ok', async () => undefined);
    t.ctx.jobs.register('test.keep-fail', async () => {
      throw new Error('down');
    });
    const done = await t.ctx.jobs.enqueue(t.ctx.db, 'test.keep-ok', {});
    const dead = await t.ctx.jobs.enqueue(t.ctx.db, 'test.keep-fail', {}, { maxAttempts: 1 });
    const waiting = await t.ctx.jobs.enqueue(
      t.ctx.db,
      'test.keep-ok',
      {},
      { runAt: new Date(Date.now() + 3_600_000) },
    );
    const endpoint = await as(app, admin).post('/api/v1/webhooks', {
      name: 'keep',
      url: receiverUrl,
      events: ['content.removed'],
    });
    await transact(t.ctx.db, (tx) => t.ctx.webhooks.emit(tx, 'content.removed', { contentId: 'keep-1' }));
    await t.ctx.jobs.runDue();
    await new OutboxNotifier(t.ctx.db).send({ channel: 'sms', to: '13800138000', body: '验证码 654321' });
    const jobs = async () =>
      Object.fromEntries(
        (await t.ctx.db.selectFrom('jobs').select(['id', 'status']).execute()).map((j) => [j.id, j.status]),
      );
    const deliveries = () =>
      t.ctx.db
        .selectFrom('webhook_deliveries')
        .select('status')
        .where('endpoint_id', '=', endpoint.json().id)
        .execute();
    expect((await jobs())[done]).toBe('done');
    expect((await jobs())[dead]).toBe('dead');
    expect(await deliveries()).toEqual([{ status: 'delivered' }]);
    // Nothing is old yet.
    expect(await purgeFinished(t.ctx.db)).toEqual({ jobs: 0, deliveries: 0, outbox: 0 });
    // Forty days on: done jobs, delivered webhooks and development messages go; dead letters stay.
    const r = await purgeFinished(t.ctx.db, new Date(Date.now() + 40 * 86_400_000));
    expect(r.deliveries).toBeGreaterThanOrEqual(1);
    expect(r.outbox).toBeGreaterThanOrEqual(1);
    let left = await jobs();
    expect(left[done]).toBeUndefined();
    expect(left[dead]).toBe('dead');
    expect(left[waiting]).toBe('pending');
    expect(await deliveries()).toEqual([]);
    expect(await t.ctx.db.selectFrom('outbox_messages').select('id').execute()).toEqual([]);
    // A hundred days on, the dead letter goes as well; work still to run never does.
    await purgeFinished(t.ctx.db, new Date(Date.now() + 100 * 86_400_000));
    left = await jobs();
    expect(left[dead]).toBeUndefined();
    expect(left[waiting]).toBe('pending');
  });

  it('sends SMS through an HTTP gateway with its token, and reports gateway failures', async () => {
    const before = received.length;
    await new HttpSmsNotifier(receiverUrl, 'gw-token').send({
      channel: 'sms',
      to: '13800138000',
      body: '【示例】验证码 654321',
    });
    const r = received[before];
    expect(r.headers.authorization).toBe('Bearer gw-token');
    expect(JSON.parse(r.body)).toEqual({ to: '13800138000', body: '【示例】验证码 654321' });
    failNext = 1;
    await expect(
      new HttpSmsNotifier(receiverUrl, null).send({ channel: 'sms', to: '1', body: 'x' }),
    ).rejects.toThrow(/answered 503/);
  });
});
