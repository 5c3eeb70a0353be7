import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import type { AppContext } from '../../src/context.js';

export const STRONG_PASSWORD = 'correct horse battery staple';

export type TestApp = Awaited<ReturnType<typeof buildApp>>;

/** A signed-in browser: its cookie and CSRF token, replayed on each request. */
export interface Session {
  cookie: string;
  csrf: string;
}

export async function makeApp(ctx: AppContext): Promise<TestApp> {
  const app = await buildApp(ctx, { webDir: null });
  await app.ready();
  return app;
}

export function cookieOf(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'custodian_session');
  if (!c) throw new Error(`no session cookie (status ${res.statusCode}: ${res.body})`);
  return `custodian_session=${c.value}`;
}

export async function setupAdmin(app: TestApp, username = 'admin'): Promise<Session> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/setup',
    payload: { username, password: STRONG_PASSWORD },
  });
  if (res.statusCode !== 201) throw new Error(`setup failed: ${res.body}`);
  return { cookie: cookieOf(res), csrf: res.json().csrfToken };
}

export async function login(app: TestApp, username: string, password = STRONG_PASSWORD): Promise<Session> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return { cookie: cookieOf(res), csrf: res.json().csrfToken };
}

/** Request as a session (cookie + CSRF header) or as an API key. */
export function as(app: TestApp, who: Session | { key: string }) {
  const headers = (): Record<string, string> =>
    'key' in who ? { authorization: `Bearer ${who.key}` } : { cookie: who.cookie, 'x-csrf-token': who.csrf };
  return {
    get: (url: string) => app.inject({ method: 'GET', url, headers: headers() }),
    post: (url: string, payload?: unknown) =>
      app.inject({ method: 'POST', url, headers: headers(), payload: payload as never }),
    put: (url: string, payload?: unknown) =>
      app.inject({ method: 'PUT', url, headers: headers(), payload: payload as never }),
    patch: (url: string, payload?: unknown) =>
      app.inject({ method: 'PATCH', url, headers: headers(), payload: payload as never }),
    delete: (url: string) => app.inject({ method: 'DELETE', url, headers: headers() }),
  };
}

/**
 * The cast of the rules suites: an administrator, a privacy officer signed in, and an API key with `scopes`
 * (the provider's server).
 */
export async function officerAndKey(
  app: TestApp,
  scopes: string[] = ['purpose:check', 'consents:write', 'consents:read'],
): Promise<{ admin: Session; dpo: Session; key: string }> {
  const admin = await setupAdmin(app);
  await as(app, admin).post('/api/v1/users', {
    username: 'dpo',
    password: STRONG_PASSWORD,
    role: 'privacy_officer',
  });
  const dpo = await login(app, 'dpo');
  const key = (await as(app, admin).post('/api/v1/api-keys', { name: 'shop', scopes })).json().key as string;
  return { admin, dpo, key };
}
