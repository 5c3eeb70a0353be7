import cookie from '@fastify/cookie';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { errorResponses, Ok } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { PortalService, type ClientInfo, type PortalPrincipal } from './service.js';

/** The portal's own cookie, scoped to the portal API: never sent to staff routes, never read by them. */
export const PORTAL_COOKIE = 'custodian_portal';
const COOKIE_PATH = '/api/v1/portal';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    portal: PortalPrincipal | null;
  }
}

const services = new WeakMap<AppContext, PortalService>();
/** One portal service per context (its pending deliveries are the context's). */
export function portalService(ctx: AppContext): PortalService {
  let s = services.get(ctx);
  if (!s) {
    s = new PortalService(
      ctx.db,
      ctx.keys,
      ctx.audit,
      ctx.notifier,
      ctx.vault,
      ctx.rules,
      ctx.logger,
      ctx.config.providerName,
      ctx.config.portal.contactFields,
    );
    services.set(ctx, s);
  }
  return s;
}

const clientInfo = (req: FastifyRequest): ClientInfo => ({
  ip: req.ip,
  userAgent: req.headers['user-agent'],
  requestId: req.id,
});

const Contact = Type.String({
  minLength: 3,
  maxLength: 254,
  description: 'A mainland mobile number or an e-mail address',
});
const PortalSession = Type.Object({
  csrfToken: Type.String({ description: 'Send as X-CSRF-Token on the portal’s state-changing calls' }),
  expiresAt: Type.String(),
  channel: Type.String(),
});
const PortalSessionState = Type.Object({
  signedIn: Type.Boolean(),
  ...Type.Partial(PortalSession).properties,
});
const ConsentItem = Type.Object({
  purpose: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  descriptionZh: Type.String(),
  descriptionEn: Type.String(),
  categories: Type.Array(
    Type.Object({ id: Type.String(), zh: Type.String(), en: Type.String(), sensitive: Type.Boolean() }),
  ),
  separate: Type.Array(Type.String()),
  state: Type.Union([
    Type.Literal('given'),
    // Given under earlier rules that have since widened this purpose: to be given again (PIPL 14).
    Type.Literal('reconsent'),
    Type.Literal('withdrawn'),
    Type.Literal('none'),
  ]),
  widened: Type.Optional(
    Type.Object({
      categories: Type.Array(Type.Object({ id: Type.String(), zh: Type.String(), en: Type.String() })),
      methods: Type.Array(Type.String()),
      recipients: Type.Array(Type.Object({ name: Type.String(), nameEn: Type.Optional(Type.String()) })),
      terms: Type.Array(Type.String(), {
        description:
          'Other terms that grew: legal_basis, disclosure, guardian, reintroduced, cross_border:<destination>/<recipient>',
      }),
    }),
  ),
  rulesVersion: Type.Union([Type.Integer(), Type.Null()]),
  at: Type.Union([Type.String(), Type.Null()]),
  channel: Type.Union([Type.String(), Type.Null()]),
  history: Type.Array(
    Type.Object({
      given: Type.Boolean(),
      rulesVersion: Type.Integer(),
      channel: Type.String(),
      at: Type.String(),
    }),
  ),
});
const PurposeParams = Type.Object({ purpose: Type.String({ minLength: 1, maxLength: 64 }) });

/**
 * "My consents": one-time codes by SMS or e-mail, a short portal session of its own, the person's consents and
 * their withdrawal in one call (PIPL 15).
 */
export function portalRoutes(ctx: AppContext) {
  const portal = portalService(ctx);
  const secure = ctx.config.publicUrl?.startsWith('https:') ?? false;
  return async function routes(app: App) {
    // The portal session cookie, set, read and cleared only in these routes.
    await app.register(cookie);
    const tags = ['portal'];
    app.decorateRequest('portal', null);
    // Runs after the shared auth hook, which leaves portal routes alone. Before validation, as for staff.
    app.addHook('onRequest', async (req: FastifyRequest) => {
      req.portal = null;
      if (!req.routeOptions.config.portal) return;
      const token = req.cookies?.[PORTAL_COOKIE];
      const p = token ? await portal.authenticate(token) : null;
      if (!p)
        throw new AppError(401, 'portal_session_required', 'Verify your phone or e-mail with a code first');
      // Synchronizer token as for staff sessions, on top of SameSite=Strict.
      if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== p.csrfToken)
        throw new AppError(403, 'csrf', 'Missing or wrong X-CSRF-Token header');
      req.portal = p;
    });
    const clear = (reply: FastifyReply) => reply.clearCookie(PORTAL_COOKIE, { path: COOKIE_PATH });

    app.post(
      '/portal/otp',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'Send a one-time code to a phone (SMS) or e-mail address known to the provider. The answer is the same whether or not it is known',
          body: Type.Object({ contact: Contact }, { additionalProperties: false }),
          response: {
            202: Type.Object({ accepted: Type.Boolean(), expiresInSeconds: Type.Integer() }),
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const r = await portal.requestCode(req.body.contact, clientInfo(req));
        return reply.status(202).send({ accepted: true, ...r });
      },
    );

    app.post(
      '/portal/otp/verify',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'Check the code; sets the HttpOnly portal cookie (30 minutes) and returns the CSRF token for the portal',
          body: Type.Object(
            { contact: Contact, code: Type.String({ pattern: '^[0-9]{6}$' }) },
            { additionalProperties: false },
          ),
          response: { 200: PortalSession, ...errorResponses },
        },
      },
      async (req, reply) => {
        const { token, principal } = await portal.verify(req.body.contact, req.body.code, clientInfo(req));
        reply.setCookie(PORTAL_COOKIE, token, {
          path: COOKIE_PATH,
          httpOnly: true,
          sameSite: 'strict',
          secure,
          maxAge: portal.limits.sessionMinutes * 60,
        });
        return { csrfToken: principal.csrfToken, expiresAt: principal.expiresAt, channel: principal.channel };
      },
    );

    app.get(
      '/portal/session',
      {
        // Asked on every visit, before anyone has verified anything: "not signed in" is an answer, not a 401.
        config: { public: true },
        schema: {
          tags,
          summary: 'Whether a portal session is in force (after a reload), and its CSRF token if so',
          response: { 200: PortalSessionState, ...errorResponses },
        },
      },
      async (req) => {
        const token = req.cookies?.[PORTAL_COOKIE];
        const p = token ? await portal.authenticate(token) : null;
        return p
          ? { signedIn: true, csrfToken: p.csrfToken, expiresAt: p.expiresAt, channel: p.channel }
          : { signedIn: false };
      },
    );

    app.get(
      '/portal/consents',
      {
        config: { portal: true },
        schema: {
          tags,
          summary:
            'The verified person’s consents: each consent-based purpose of the rules in force, its latest state and history',
          response: {
            200: Type.Object({
              rulesVersion: Type.Union([Type.Integer(), Type.Null()]),
              items: Type.Array(ConsentItem),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => portal.consents(req.portal!),
    );

    for (const [action, given] of [
      ['withdraw', false],
      ['give', true],
    ] as const)
      app.post(
        `/portal/consents/:purpose/${action}`,
        {
          config: { portal: true },
          schema: {
            tags,
            summary: given
              ? 'Give consent to a purpose under the rules in force (with the separate consents it needs)'
              : 'Withdraw consent to a purpose (PIPL 15: as easy as giving it)',
            params: PurposeParams,
            response: { 200: ConsentItem, ...errorResponses },
          },
        },
        async (req) => portal.decide(req.portal!, req.params.purpose, given, clientInfo(req)),
      );

    app.post(
      '/portal/logout',
      {
        config: { portal: true },
        schema: { tags, summary: 'End the portal session', response: { 200: Ok, ...errorResponses } },
      },
      async (req, reply) => {
        await portal.logout(req.portal!, req.id);
        clear(reply);
        return { ok: true };
      },
    );
  };
}
