import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Role } from '../../src/accounts/permissions.js';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';
import {
  login,
  makeApp,
  setupAdmin,
  STRONG_PASSWORD,
  as,
  type Session,
  type TestApp,
} from '../helpers/http.js';

/**
 * Every API route × every caller (no one, each role, an API key with and without the route's scope, a
 * revoked key) gets exactly the answer the permission table says: 401, 403, or through to the handler.
 */
describe.each(DIALECTS)('authorization matrix on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  const sessions = new Map<Role, Session>();
  const scopedKeys = new Map<string, string>();
  let noScopeKey = '';
  let revokedKey = '';

  beforeAll(async () => {
    t = await makeContext(dialect, { 'http.rateLimitPerMinute': 1_000_000 });
    app = await makeApp(t.ctx);
    const admin = await setupAdmin(app, 'root1');
    sessions.set('admin', admin);
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      await as(app, admin).post('/api/v1/users', {
        username: `u-${role.replace(/_/g, '-')}`,
        password: STRONG_PASSWORD,
        role,
      });
      sessions.set(role, await login(app, `u-${role.replace(/_/g, '-')}`));
    }
    for (const p of PERMISSIONS)
      scopedKeys.set(p, (await as(app, admin).post('/api/v1/api-keys', { name: p, scopes: [p] })).json().key);
    // A key whose one scope differs from every route's is simulated per route below.
    noScopeKey = (
      await as(app, admin).post('/api/v1/api-keys', { name: 'settings only', scopes: ['settings:read'] })
    ).json().key;
    const revoked = (
      await as(app, admin).post('/api/v1/api-keys', { name: 'revoked', scopes: ['all'] })
    ).json();
    await as(app, admin).delete(`/api/v1/api-keys/${revoked.id}`);
    revokedKey = revoked.key;
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  const call = (method: string, url: string, headers: Record<string, string>) =>
    app.inject({
      method: method as 'GET',
      url: url.replace(/:id/g, '00000000-0000-0000-0000-000000000000'),
      headers:
        method === 'GET' || method === 'DELETE'
          ? headers
          : { ...headers, 'content-type': 'application/json' },
      payload: method === 'GET' || method === 'DELETE' ? undefined : '{}',
    });

  const through = (status: number) => status !== 401 && status !== 403;

  it('covers every route', () => {
    expect(app.routeAccess.length).toBeGreaterThan(25);
    for (const r of app.routeAccess) expect(r.public || r.session || r.permission || r.portal).toBeTruthy();
  });

  it('gives each caller the answer the permission table says', async () => {
    const mismatches: string[] = [];
    const expectStatus = (label: string, status: number, want: 'through' | 401 | 403) => {
      const ok = want === 'through' ? through(status) : status === want;
      if (!ok) mismatches.push(`${label}: got ${status}, want ${want}`);
    };
    for (const r of app.routeAccess) {
      const label = `${r.method} ${r.url}`;
      if (r.public) {
        expectStatus(`${label} anonymous`, (await call(r.method, r.url, {})).statusCode, 'through');
        continue;
      }
      if (r.portal) {
        // Portal routes know only the portal cookie: no staff session or API key opens them.
        expectStatus(`${label} anonymous`, (await call(r.method, r.url, {})).statusCode, 401);
        for (const role of ROLES) {
          const s = sessions.get(role)!;
          const res = await call(r.method, r.url, { cookie: s.cookie, 'x-csrf-token': s.csrf });
          expectStatus(`${label} ${role}`, res.statusCode, 401);
        }
        const k = await call(r.method, r.url, {
          authorization: `Bearer ${scopedKeys.get('consents:write')}`,
        });
        expectStatus(`${label} API key`, k.statusCode, 401);
        continue;
      }
      expectStatus(`${label} anonymous`, (await call(r.method, r.url, {})).statusCode, 401);
      expectStatus(
        `${label} revoked key`,
        (await call(r.method, r.url, { authorization: `Bearer ${revokedKey}` })).statusCode,
        401,
      );
      for (const role of ROLES) {
        const s = sessions.get(role)!;
        const res = await call(r.method, r.url, { cookie: s.cookie, 'x-csrf-token': s.csrf });
        const want = r.session || ROLE_PERMISSIONS[role].has(r.permission as never) ? 'through' : 403;
        expectStatus(`${label} ${role}`, res.statusCode, want);
        // Signing out (or changing the password) ends the session: sign in again for the next route.
        if (r.url.includes('logout') || r.url.includes('password'))
          sessions.set(role, await login(app, role === 'admin' ? 'root1' : `u-${role.replace(/_/g, '-')}`));
        // Without the CSRF header a session's state change is refused.
        if (r.method !== 'GET' && want === 'through') {
          const s2 = sessions.get(role)!;
          const noCsrf = await call(r.method, r.url, { cookie: s2.cookie });
          expectStatus(`${label} ${role} without CSRF`, noCsrf.statusCode, 403);
        }
      }
      if (r.session) {
        expectStatus(
          `${label} API key`,
          (await call(r.method, r.url, { authorization: `Bearer ${scopedKeys.get('users:read')}` }))
            .statusCode,
          403,
        );
      } else {
        const withScope = await call(r.method, r.url, {
          authorization: `Bearer ${scopedKeys.get(r.permission!)}`,
        });
        expectStatus(`${label} key with ${r.permission}`, withScope.statusCode, 'through');
        if (r.permission !== 'settings:read') {
          const without = await call(r.method, r.url, { authorization: `Bearer ${noScopeKey}` });
          expectStatus(`${label} key without ${r.permission}`, without.statusCode, 403);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
