import cookie from '@fastify/cookie';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { SESSION_COOKIE } from '../http/auth.js';
import { errorResponses, IdParams, Ok, page, Paging } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { PERMISSIONS, ROLE_LABELS, ROLE_PERMISSIONS, ROLES } from './permissions.js';
import {
  ApiKeySchema,
  LoginBody,
  NewApiKeyBody,
  NewUserBody,
  SessionSchema,
  SetupBody,
  UserPatch,
  UserSchema,
} from './schema.js';
import type { Principal, RequestInfo } from './service.js';

export const reqInfo = (req: FastifyRequest): RequestInfo => ({
  ip: req.ip,
  userAgent: req.headers['user-agent'],
  requestId: req.id,
});

const sessionBody = (p: Principal) => ({
  user: p.user!,
  permissions: [...p.permissions],
  csrfToken: p.session!.csrfToken,
  mustEnrollTotp: p.session!.mustEnrollTotp,
});

/** Staff accounts: setup, sign-in, users, profile, API keys. */
export function accountRoutes(ctx: AppContext) {
  const secureCookie = ctx.config.publicUrl?.startsWith('https:') ?? false;
  const setCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: secureCookie,
      maxAge: ctx.config.session.absoluteHours * 3600,
    });

  return async function routes(app: App) {
    // The session cookie is set and cleared only here (sign-in, sign-out); other routes carry no cookie hooks.
    await app.register(cookie);
    const tags = ['accounts'];
    app.addSchema(UserSchema);
    app.addSchema(ApiKeySchema);

    app.get(
      '/setup',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Whether the first administrator still has to be created',
          response: { 200: Type.Object({ needed: Type.Boolean() }) },
        },
      },
      async () => ({ needed: await ctx.accounts.setupNeeded() }),
    );

    app.post(
      '/setup',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Create the first administrator (only while no user exists) and sign in',
          body: SetupBody,
          response: { 201: SessionSchema, ...errorResponses },
        },
      },
      async (req, reply) => {
        await ctx.accounts.setup(req.body, reqInfo(req));
        const { token, principal } = await ctx.accounts.login(
          { username: req.body.username, password: req.body.password },
          reqInfo(req),
        );
        setCookie(reply, token);
        return reply.status(201).send(sessionBody(principal));
      },
    );

    app.post(
      '/auth/login',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'Sign in; sets an HttpOnly session cookie and returns the CSRF token to send as X-CSRF-Token',
          body: LoginBody,
          response: { 200: SessionSchema, ...errorResponses },
        },
      },
      async (req, reply) => {
        const { token, principal } = await ctx.accounts.login(req.body, reqInfo(req));
        setCookie(reply, token);
        return sessionBody(principal);
      },
    );

    app.get(
      '/auth/session',
      {
        config: { session: true, allowUnverified: true },
        schema: {
          tags,
          summary: 'The signed-in user, permissions and CSRF token',
          response: { 200: SessionSchema, ...errorResponses },
        },
      },
      async (req) => sessionBody(req.principal!),
    );

    for (const [path, everywhere] of [
      ['/auth/logout', false],
      ['/auth/logout-all', true],
    ] as const) {
      app.post(
        path,
        {
          config: { session: true, allowUnverified: true },
          schema: {
            tags,
            summary: everywhere ? 'Sign out on every device' : 'Sign out',
            response: { 200: Ok, ...errorResponses },
          },
        },
        async (req, reply) => {
          await ctx.accounts.logout(req.principal!, everywhere, req.id);
          reply.clearCookie(SESSION_COOKIE, { path: '/' });
          return { ok: true };
        },
      );
    }

    app.get(
      '/roles',
      {
        config: { session: true },
        schema: {
          tags,
          summary: 'Roles and the permissions each grants',
          response: {
            200: Type.Object({
              roles: Type.Array(
                Type.Object({
                  role: Type.String(),
                  labelZh: Type.String(),
                  labelEn: Type.String(),
                  permissions: Type.Array(Type.String()),
                }),
              ),
              permissions: Type.Array(Type.String()),
            }),
          },
        },
      },
      async () => ({
        roles: ROLES.map((role) => ({
          role,
          labelZh: ROLE_LABELS[role].zh,
          labelEn: ROLE_LABELS[role].en,
          permissions: [...ROLE_PERMISSIONS[role]],
        })),
        permissions: [...PERMISSIONS],
      }),
    );

    // ---- users ----
    app.get(
      '/users',
      {
        config: { permission: 'users:read' },
        schema: {
          tags,
          summary: 'List staff users',
          querystring: Type.Composite([
            Paging,
            Type.Object({
              q: Type.Optional(Type.String({ maxLength: 64 })),
              role: Type.Optional(Type.String({ maxLength: 32 })),
            }),
          ]),
          response: { 200: page(Type.Ref('User')), ...errorResponses },
        },
      },
      async (req) => ({
        ...(await ctx.accounts.listUsers(req.query)),
        limit: req.query.limit,
        offset: req.query.offset,
      }),
    );

    app.post(
      '/users',
      {
        config: { permission: 'users:write' },
        schema: {
          tags,
          summary: 'Create a staff user',
          body: NewUserBody,
          response: { 201: Type.Ref('User'), ...errorResponses },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await ctx.accounts.createUser(req.principal!.actor, req.body, req.id)),
    );

    app.get(
      '/users/:id',
      {
        config: { permission: 'users:read' },
        schema: {
          tags,
          summary: 'One staff user',
          params: IdParams,
          response: { 200: Type.Ref('User'), ...errorResponses },
        },
      },
      async (req) => ctx.accounts.getUser(req.params.id),
    );

    app.patch(
      '/users/:id',
      {
        config: { permission: 'users:write' },
        schema: {
          tags,
          summary: 'Change a user’s name, role, or disable it (ends its sessions)',
          params: IdParams,
          body: UserPatch,
          response: { 200: Type.Ref('User'), ...errorResponses },
        },
      },
      async (req) => ctx.accounts.updateUser(req.principal!.actor, req.params.id, req.body, req.id),
    );

    app.post(
      '/users/:id/unlock',
      {
        config: { permission: 'users:write' },
        schema: {
          tags,
          summary: 'Lift a sign-in lockout',
          params: IdParams,
          response: { 200: Ok, ...errorResponses },
        },
      },
      async (req) => {
        await ctx.accounts.unlock(req.principal!.actor, req.params.id, req.id);
        return { ok: true };
      },
    );

    app.post(
      '/users/:id/password',
      {
        config: { permission: 'users:write' },
        schema: {
          tags,
          summary: 'Set a new password for a user (ends its sessions)',
          params: IdParams,
          body: Type.Object(
            { password: Type.String({ minLength: 1, maxLength: 256 }) },
            { additionalProperties: false },
          ),
          response: { 200: Ok, ...errorResponses },
        },
      },
      async (req) => {
        await ctx.accounts.resetPassword(req.principal!.actor, req.params.id, req.body.password, req.id);
        return { ok: true };
      },
    );

    // ---- own profile ----
    app.post(
      '/profile/password',
      {
        config: { session: true },
        schema: {
          tags,
          summary: 'Change my password (other sessions end)',
          body: Type.Object(
            {
              currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
              newPassword: Type.String({ minLength: 1, maxLength: 256 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Ok, ...errorResponses },
        },
      },
      async (req) => {
        await ctx.accounts.changePassword(
          req.principal!,
          req.body.currentPassword,
          req.body.newPassword,
          req.id,
        );
        return { ok: true };
      },
    );

    app.post(
      '/profile/totp/setup',
      {
        config: { session: true, allowUnverified: true },
        schema: {
          tags,
          summary: 'Start two-factor enrolment: a secret and an otpauth:// URI for the authenticator app',
          response: { 200: Type.Object({ secret: Type.String(), uri: Type.String() }), ...errorResponses },
        },
      },
      async (req) => ctx.accounts.beginTotp(req.principal!),
    );

    app.post(
      '/profile/totp/enable',
      {
        config: { session: true, allowUnverified: true },
        schema: {
          tags,
          summary: 'Finish enrolment with a code from the app',
          body: Type.Object(
            { code: Type.String({ minLength: 6, maxLength: 6, pattern: '^[0-9]{6}$' }) },
            { additionalProperties: false },
          ),
          response: { 200: Ok, ...errorResponses },
        },
      },
      async (req) => {
        await ctx.accounts.enableTotp(req.principal!, req.body.code, req.id);
        return { ok: true };
      },
    );

    app.post(
      '/profile/totp/disable',
      {
        config: { session: true },
        schema: {
          tags,
          summary: 'Turn two-factor authentication off (needs the password)',
          body: Type.Object(
            { password: Type.String({ minLength: 1, maxLength: 256 }) },
            { additionalProperties: false },
          ),
          response: { 200: Ok, ...errorResponses },
        },
      },
      async (req) => {
        await ctx.accounts.disableTotp(req.principal!, req.body.password, req.id);
        return { ok: true };
      },
    );

    // ---- API keys ----
    app.get(
      '/api-keys',
      {
        config: { permission: 'apikeys:read' },
        schema: {
          tags,
          summary: 'List API keys (never the keys themselves)',
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('ApiKey')) }), ...errorResponses },
        },
      },
      async () => ({ items: await ctx.accounts.listApiKeys() }),
    );

    app.post(
      '/api-keys',
      {
        config: { permission: 'apikeys:write' },
        schema: {
          tags,
          summary: 'Create an API key; the key is shown once, only its hash is kept',
          body: NewApiKeyBody,
          response: {
            201: Type.Composite([ApiKeySchema, Type.Object({ key: Type.String() })]),
            ...errorResponses,
          },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await ctx.accounts.createApiKey(req.principal!.actor, req.body, req.id)),
    );

    app.delete(
      '/api-keys/:id',
      {
        config: { permission: 'apikeys:write' },
        schema: {
          tags,
          summary: 'Revoke an API key',
          params: IdParams,
          response: { 200: Type.Ref('ApiKey'), ...errorResponses },
        },
      },
      async (req) => ctx.accounts.revokeApiKey(req.principal!.actor, req.params.id, req.id),
    );
  };
}
