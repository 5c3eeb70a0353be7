import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/context.js';
import { KeyRing } from '../../src/crypto/keyring.js';
import { buildApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { SmtpNotifier } from '../../src/notifier/notifier.js';
import { DIALECTS, makeContext, makeStore, testConfig, type TestContext } from '../helpers/dialects.js';
import { as, login, makeApp, setupAdmin, STRONG_PASSWORD } from '../helpers/http.js';

describe('SMTP notifier', () => {
  it('delivers e-mail with its headers through an SMTP server', async () => {
    const got: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, cb) {
        let raw = '';
        stream.on('data', (c) => (raw += c));
        stream.on('end', () => {
          got.push(raw);
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.server.address() as AddressInfo).port;
    try {
      const n = new SmtpNotifier(`smtp://127.0.0.1:${port}`, 'privacy@example.cn');
      await n.send({
        channel: 'email',
        to: 'user@example.cn',
        subject: 'AD 新品通知',
        body: '退订请点击链接',
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
      expect(got).toHaveLength(1);
      expect(got[0]).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
      expect(got[0]).toMatch(/To: user@example.cn/);
      await expect(n.send({ channel: 'sms', to: '13800138000', body: 'x' })).rejects.toThrow(
        /no SMS gateway/,
      );
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe.each(DIALECTS)('sign-in limits and logs on %s', (dialect) => {
  let t: TestContext;
  afterAll(async () => t?.cleanup());

  it('locks an address out after too many failures across usernames', async () => {
    t = await makeContext(dialect, { 'login.maxFailuresPerIp': 4, 'login.maxFailuresPerAccount': 100 });
    const app = await makeApp(t.ctx);
    await setupAdmin(app);
    for (const u of ['a1', 'a2', 'a3', 'a4'])
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u, password: 'wrong password!' },
      });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: STRONG_PASSWORD },
    });
    expect(res.statusCode).toBe(429);
    // Another address is not affected.
    const other = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '198.51.100.7',
      payload: { username: 'admin', password: STRONG_PASSWORD },
    });
    expect(other.statusCode).toBe(200);
    await app.close();
  });

  it('ends sessions at their absolute expiry even when active', async () => {
    const app = await makeApp(t.ctx);
    const s = await login(app, 'admin').catch(async () => {
      await t.ctx.db.deleteFrom('login_throttle').execute();
      return login(app, 'admin');
    });
    expect((await as(app, s).get('/api/v1/auth/session')).statusCode).toBe(200);
    const id = createHash('sha256').update(s.cookie.split('=')[1]).digest('hex');
    await t.ctx.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString(), last_seen_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
    expect((await as(app, s).get('/api/v1/auth/session')).statusCode).toBe(401);
    await app.close();
  });
});

describe('request logs', () => {
  it('carry no passwords, cookies, API keys, CSRF tokens or query-string values', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const ts = await makeStore('sqlite');
    const ctx = await AppContext.create(testConfig(ts.dataDir, { logLevel: 'debug' }), {
      store: ts.store,
      keys: KeyRing.generate(),
      logger: createLogger('debug', sink),
    });
    const app = await buildApp(ctx, { logRequests: true, webDir: null });
    try {
      const admin = await setupAdmin(app);
      const { key } = (
        await as(app, admin).post('/api/v1/api-keys', { name: 'k', scopes: ['users:read'] })
      ).json();
      await as(app, { key }).get('/api/v1/users');
      await as(app, admin).get('/api/v1/subjects?type=PHONE_NUMBER&value=13912345678');
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: 'a wrong password' },
      });
      const log = lines.join('');
      expect(log).toContain('"reqId"');
      expect(log).toContain('"url":"/api/v1/subjects"');
      for (const secret of [
        STRONG_PASSWORD,
        'a wrong password',
        key,
        admin.csrf,
        admin.cookie.split('=')[1],
        '13912345678',
      ])
        expect(log).not.toContain(secret);
    } finally {
      await app.close();
      await ctx.close();
      await ts.cleanup().catch(() => undefined);
    }
  });
});
