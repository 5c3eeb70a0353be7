import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generate } from 'otplib';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';
import {
  as,
  cookieOf,
  login,
  makeApp,
  setupAdmin,
  STRONG_PASSWORD,
  type Session,
  type TestApp,
} from '../helpers/http.js';

describe.each(DIALECTS)('staff accounts on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await makeContext(dialect, { 'login.maxFailuresPerAccount': 3 });
    app = await makeApp(t.ctx);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('reports setup needed, and nothing else answers before setup', async () => {
    expect((await app.inject({ url: '/api/v1/setup' })).json()).toEqual({ needed: true });
    expect((await app.inject({ url: '/api/v1/users' })).statusCode).toBe(401);
  });

  it('rejects a weak first password, naming the field, and creates nothing', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { username: 'admin', password: 'short' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'weak_password', details: { field: 'password' } });
    expect((await app.inject({ url: '/api/v1/setup' })).json()).toEqual({ needed: true });
  });

  it('creates the first administrator once', async () => {
    admin = await setupAdmin(app);
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { username: 'other', password: STRONG_PASSWORD },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('setup_done');
    const session = await as(app, admin).get('/api/v1/auth/session');
    expect(session.json().user).toMatchObject({ username: 'admin', role: 'admin' });
  });

  it('sets an HttpOnly, SameSite=Strict session cookie', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: STRONG_PASSWORD },
    });
    const c = res.cookies.find((x) => x.name === 'custodian_session')!;
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe('Strict');
  });

  it('answers a wrong password and an unknown user with the same 401 body', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'not the password' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'nobody', password: 'not the password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
  });

  it('refuses a state change without the CSRF token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: admin.cookie },
      payload: { username: 'mod1', password: STRONG_PASSWORD, role: 'moderator' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf');
    expect((await as(app, admin).get('/api/v1/users')).json().total).toBe(1);
  });

  it('validates input: the error names the field and nothing changes', async () => {
    const res = await as(app, admin).post('/api/v1/users', {
      username: 'mod1',
      password: STRONG_PASSWORD,
      role: 'overlord',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe('role');
    const extra = await as(app, admin).post('/api/v1/users', {
      username: 'mod1',
      password: STRONG_PASSWORD,
      role: 'moderator',
      sudo: true,
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.details.field).toBe('sudo');
    expect((await as(app, admin).get('/api/v1/users')).json().total).toBe(1);
  });

  it('creates, lists, searches and updates users; a taken name is a 409', async () => {
    const created = await as(app, admin).post('/api/v1/users', {
      username: 'Mod1',
      displayName: '审核员一',
      password: STRONG_PASSWORD,
      role: 'moderator',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ username: 'mod1', role: 'moderator', displayName: '审核员一' });
    expect(created.json()).not.toHaveProperty('password_hash');
    const dup = await as(app, admin).post('/api/v1/users', {
      username: 'mod1',
      password: STRONG_PASSWORD,
      role: 'auditor',
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.details.field).toBe('username');
    await as(app, admin).post('/api/v1/users', {
      username: 'audit1',
      password: STRONG_PASSWORD,
      role: 'auditor',
    });
    const search = await as(app, admin).get('/api/v1/users?q=审核');
    expect(search.json().items.map((u: { username: string }) => u.username)).toEqual(['mod1']);
    const page = await as(app, admin).get('/api/v1/users?limit=2&offset=2');
    expect(page.json()).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page.json().items).toHaveLength(1);
    const id = created.json().id;
    const patched = await as(app, admin).patch(`/api/v1/users/${id}`, { role: 'privacy_officer' });
    expect(patched.json().role).toBe('privacy_officer');
  });

  it('never demotes the last administrator', async () => {
    const me = (await as(app, admin).get('/api/v1/auth/session')).json().user;
    const res = await as(app, admin).patch(`/api/v1/users/${me.id}`, { role: 'auditor' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('last_admin');
  });

  it('locks an account after repeated failures; an admin lifts it', async () => {
    for (let i = 0; i < 3; i++)
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'audit1', password: 'wrong password!' },
      });
    const locked = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'audit1', password: STRONG_PASSWORD },
    });
    expect(locked.statusCode).toBe(429);
    // Unknown names lock the same way, so a lockout does not reveal that an account exists.
    for (let i = 0; i < 3; i++)
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'ghost', password: 'wrong password!' },
      });
    const ghost = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ghost', password: 'x' },
    });
    expect(ghost.statusCode).toBe(429);
    const users = (await as(app, admin).get('/api/v1/users?q=audit1')).json().items;
    expect((await as(app, admin).post(`/api/v1/users/${users[0].id}/unlock`)).statusCode).toBe(200);
    expect((await login(app, 'audit1')).cookie).toMatch(/^custodian_session=/);
  });

  it('searches names literally (LIKE wildcards escaped) and shows who is locked out', async () => {
    await as(app, admin).post('/api/v1/users', {
      username: 'ab_cd',
      password: STRONG_PASSWORD,
      role: 'auditor',
    });
    const hits = (q: string) => as(app, admin).get(`/api/v1/users?q=${encodeURIComponent(q)}`);
    expect((await hits('b_c')).json().items.map((u: { username: string }) => u.username)).toEqual(['ab_cd']);
    expect((await hits('%')).json().total).toBe(0);
    for (let i = 0; i < 3; i++)
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'ab_cd', password: 'wrong password!' },
      });
    expect((await hits('ab_cd')).json().items[0].locked).toBe(true);
    expect((await hits('audit1')).json().items[0].locked).toBe(false);
  });

  it('the auditor reads but cannot write', async () => {
    const auditor = await login(app, 'audit1');
    expect((await as(app, auditor).get('/api/v1/users')).statusCode).toBe(200);
    expect((await as(app, auditor).get('/api/v1/audit')).statusCode).toBe(200);
    const res = await as(app, auditor).post('/api/v1/users', {
      username: 'x12',
      password: STRONG_PASSWORD,
      role: 'auditor',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.details.permission).toBe('users:write');
  });

  it('logs out one session, or every session', async () => {
    const a = await login(app, 'audit1');
    const b = await login(app, 'audit1');
    await as(app, a).post('/api/v1/auth/logout');
    expect((await as(app, a).get('/api/v1/auth/session')).statusCode).toBe(401);
    expect((await as(app, b).get('/api/v1/auth/session')).statusCode).toBe(200);
    const c = await login(app, 'audit1');
    await as(app, c).post('/api/v1/auth/logout-all');
    expect((await as(app, b).get('/api/v1/auth/session')).statusCode).toBe(401);
  });

  it('expires idle sessions', async () => {
    const s = await login(app, 'audit1');
    const old = new Date(Date.now() - 31 * 60_000).toISOString();
    const id = createHash('sha256').update(s.cookie.split('=')[1]).digest('hex');
    await t.ctx.db.updateTable('sessions').set({ last_seen_at: old }).where('id', '=', id).execute();
    expect((await as(app, s).get('/api/v1/auth/session')).statusCode).toBe(401);
  });

  it('changes the own password and ends other sessions', async () => {
    const s1 = await login(app, 'audit1');
    const s2 = await login(app, 'audit1');
    const bad = await as(app, s1).post('/api/v1/profile/password', {
      currentPassword: 'nope',
      newPassword: 'another long passphrase',
    });
    expect(bad.json().error.details.field).toBe('currentPassword');
    const ok = await as(app, s1).post('/api/v1/profile/password', {
      currentPassword: STRONG_PASSWORD,
      newPassword: 'another long passphrase',
    });
    expect(ok.statusCode).toBe(200);
    expect((await as(app, s1).get('/api/v1/auth/session')).statusCode).toBe(200);
    expect((await as(app, s2).get('/api/v1/auth/session')).statusCode).toBe(401);
    await login(app, 'audit1', 'another long passphrase');
  });

  it('enrols TOTP and then requires the code at login', async () => {
    const s = await login(app, 'mod1');
    const setup = await as(app, s).post('/api/v1/profile/totp/setup');
    const { secret, uri } = setup.json();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect((await as(app, s).post('/api/v1/profile/totp/enable', { code: '000000' })).statusCode).toBe(400);
    expect(
      (await as(app, s).post('/api/v1/profile/totp/enable', { code: await generate({ secret }) })).statusCode,
    ).toBe(200);
    const noCode = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'mod1', password: STRONG_PASSWORD },
    });
    expect(noCode.json().error.code).toBe('totp_required');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'mod1', password: STRONG_PASSWORD, totp: '123456' },
    });
    expect(wrong.json().error.code).toBe('invalid_totp');
    // Enrolment used this step's code; codes are single-use, so the next step's code (within tolerance) is used.
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const signIn = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'mod1', password: STRONG_PASSWORD, totp: next },
      });
    const good = await signIn();
    expect(good.statusCode).toBe(200);
    const replay = await signIn();
    expect(replay.json().error.code).toBe('invalid_totp');
    const row = await t.ctx.db
      .selectFrom('users')
      .select('totp_secret')
      .where('username', '=', 'mod1')
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).not.toContain(secret);
  });

  it('creates an API key shown once, stores only its hash, records use, and revokes it', async () => {
    const res = await as(app, admin).post('/api/v1/api-keys', {
      name: 'shop backend',
      scopes: ['audit:read'],
    });
    expect(res.statusCode).toBe(201);
    const { id, key } = res.json();
    expect(key).toMatch(/^cus_[a-z0-9]{8}_/);
    const stored = await t.ctx.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key);
    expect((await as(app, { key }).get('/api/v1/audit')).statusCode).toBe(200);
    expect((await as(app, { key }).get('/api/v1/users')).statusCode).toBe(403);
    const listed = (await as(app, admin).get('/api/v1/api-keys'))
      .json()
      .items.find((k: { id: string }) => k.id === id);
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(key);
    await as(app, admin).delete(`/api/v1/api-keys/${id}`);
    // Revoking again keeps the first revocation and records nothing more.
    const first = (await as(app, admin).get('/api/v1/api-keys'))
      .json()
      .items.find((k: { id: string }) => k.id === id).revokedAt;
    expect((await as(app, admin).delete(`/api/v1/api-keys/${id}`)).statusCode).toBe(200);
    const revocations = await t.ctx.db
      .selectFrom('audit_entries')
      .select('seq')
      .where('action', '=', 'apikey.revoke')
      .where('target_id', '=', id)
      .execute();
    expect(revocations).toHaveLength(1);
    expect(
      (await as(app, admin).get('/api/v1/api-keys')).json().items.find((k: { id: string }) => k.id === id)
        .revokedAt,
    ).toBe(first);
    const after = await as(app, { key }).get('/api/v1/audit');
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('invalid_api_key');
    const badScope = await as(app, admin).post('/api/v1/api-keys', { name: 'x', scopes: ['root'] });
    expect(badScope.statusCode).toBe(400);
  });

  it('over one kept-alive connection: each request is its own key, and a revocation counts at once', async () => {
    const make = async (name: string, scopes: string[]) =>
      (await as(app, admin).post('/api/v1/api-keys', { name, scopes })).json() as { id: string; key: string };
    const reader = await make('reader', ['audit:read']);
    const other = await make('other', ['users:read']);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    let connections = 0;
    app.server.on('connection', () => connections++);
    // One socket for every request: the memo of the last key on a connection is what is tested.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string, key: string) =>
      new Promise<number>((resolve, reject) => {
        http
          .get(`${url}${path}`, { agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          })
          .on('error', reject);
      });
    try {
      expect(await get('/api/v1/audit', reader.key)).toBe(200);
      expect(await get('/api/v1/audit', reader.key)).toBe(200);
      // Another key on the same connection is that key, not the one before.
      expect(await get('/api/v1/audit', other.key)).toBe(403);
      expect(await get('/api/v1/users', other.key)).toBe(200);
      expect(await get('/api/v1/users', reader.key)).toBe(403);
      expect(await get('/api/v1/audit', `${reader.key.slice(0, -1)}x`)).toBe(401);
      expect(await get('/api/v1/audit', reader.key)).toBe(200);
      expect((await as(app, admin).delete(`/api/v1/api-keys/${reader.id}`)).statusCode).toBe(200);
      expect(await get('/api/v1/audit', reader.key)).toBe(401);
      expect(await get('/api/v1/users', other.key)).toBe(200);

      // The memo is used: the same key again on the connection is not resolved again ...
      const resolve = vi.spyOn(t.ctx.accounts, 'resolveApiKey');
      expect(await get('/api/v1/users', other.key)).toBe(200);
      expect(await get('/api/v1/users', other.key)).toBe(200);
      expect(resolve).toHaveBeenCalledTimes(0);
      // ... until its grant expires. A revocation made elsewhere (another instance: straight in the database)
      // counts then, on the same connection.
      await t.ctx.db
        .updateTable('api_keys')
        .set({ revoked_at: new Date().toISOString() })
        .where('id', '=', other.id)
        .execute();
      expect(await get('/api/v1/users', other.key)).toBe(200);
      const now = Date.now();
      vi.spyOn(Date, 'now').mockReturnValue(now + 6_000);
      expect(await get('/api/v1/users', other.key)).toBe(401);
      expect(resolve).toHaveBeenCalledTimes(1);
      expect(connections).toBe(1);
    } finally {
      vi.restoreAllMocks();
      agent.destroy();
    }
  });

  it('audits logins and changes without secrets or plaintext addresses', async () => {
    const entries = await t.ctx.db.selectFrom('audit_entries').selectAll().execute();
    const actions = new Set(entries.map((e) => e.action));
    for (const a of [
      'user.create',
      'auth.login',
      'auth.login.failed',
      'user.unlock',
      'apikey.create',
      'apikey.revoke',
      'user.totp.enable',
    ])
      expect(actions).toContain(a);
    const dump = JSON.stringify(entries);
    expect(dump).not.toContain(STRONG_PASSWORD);
    expect(dump).not.toContain('127.0.0.1');
    expect(dump).not.toMatch(/cus_[a-z0-9]{8}_[A-Za-z0-9_-]{43}/);
  });

  it('exports the audit log as CSV and JSONL with the viewer’s filters', async () => {
    const csv = await as(app, admin).get('/api/v1/audit/export?format=csv&action=user.');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]).toBe(
      'seq,at,actorType,actorId,action,targetType,targetId,purpose,requestId,details,hash',
    );
    expect(rows.slice(1).every((r) => r.includes('"user.'))).toBe(true);
    const jsonl = await as(app, admin).get('/api/v1/audit/export?format=jsonl&action=apikey.create');
    const entries = jsonl.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e: { action: string }) => e.action === 'apikey.create')).toBe(true);
  });

  it('requires TOTP enrolment for administrators when configured', async () => {
    const t2 = await makeContext(dialect, { requireAdminTotp: true });
    const app2 = await makeApp(t2.ctx);
    try {
      const res = await app2.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { username: 'root1', password: STRONG_PASSWORD },
      });
      expect(res.json().mustEnrollTotp).toBe(true);
      const s = { cookie: cookieOf(res), csrf: res.json().csrfToken };
      expect((await as(app2, s).get('/api/v1/users')).json().error.code).toBe('totp_enrolment_required');
      const { secret } = (await as(app2, s).post('/api/v1/profile/totp/setup')).json();
      await as(app2, s).post('/api/v1/profile/totp/enable', { code: await generate({ secret }) });
      expect((await as(app2, s).get('/api/v1/users')).statusCode).toBe(200);
    } finally {
      await app2.close();
      await t2.cleanup();
    }
  });
});
