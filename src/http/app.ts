import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { accountRoutes } from '../accounts/routes.js';
import { auditRoutes } from '../audit/routes.js';
import type { AppContext } from '../context.js';
import { jobRoutes } from '../jobs/routes.js';
import { outboxRoutes } from '../notifier/routes.js';
import { portalRoutes } from '../portal/routes.js';
import { VERSION } from '../version.js';
import { moderationRoutes } from '../moderation/routes.js';
import { rulesRoutes } from '../rules/routes.js';
import { consentImportRoutes } from '../rules/consent-import-routes.js';
import { retentionRoutes } from '../rules/retention-routes.js';
import { vaultRoutes } from '../vault/routes.js';
import { webhookRoutes } from '../webhooks/routes.js';
import { piiRoutes } from './pii-routes.js';
import { authHook } from './auth.js';
import { errorHandler } from './error-handler.js';
import { buildValidator } from './validation.js';
import { ErrorBody } from './schemas.js';
import { securityHeaders } from './security-headers.js';
import { rateLimitHook } from './rate-limit.js';
import { probeRoutes, systemRoutes } from './system-routes.js';
import type { App } from './types.js';

export interface BuildOptions {
  /** Log requests (the server does; tests usually don't). */
  logRequests?: boolean;
  /** Directory of the built web app; default dist/web beside the code. */
  webDir?: string | null;
}

/** A route's access rule, collected for the authorization matrix and checked at start-up. */
export interface RouteAccess {
  method: string;
  url: string;
  permission?: string;
  public?: boolean;
  session?: boolean;
  portal?: boolean;
}

/**
 * Builds the HTTP app without listening: `server.ts` listens, tests call `app.inject()`.
 * @example const app = await buildApp(ctx); const res = await app.inject({ url: '/api/health' });
 */
export async function buildApp(
  ctx: AppContext,
  opts: BuildOptions = {},
): Promise<App & { routeAccess: RouteAccess[] }> {
  const app = Fastify({
    loggerInstance: opts.logRequests ? ctx.logger : undefined,
    bodyLimit: ctx.config.http.bodyLimitBytes,
    trustProxy: ctx.config.http.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      // A caller's id is kept for tracing unless it could carry a number (a phone, an ID): it goes into
      // every log line and audit entry of the request.
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) && !/\d{7}/.test(given)
        ? given
        : randomUUID();
    },
    requestIdHeader: false,
    schemaController: { compilersFactory: { buildValidator } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App & { routeAccess: RouteAccess[] };

  const routeAccess: RouteAccess[] = [];
  app.decorate('routeAccess', routeAccess);
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    const url = route.url;
    if (!url.startsWith('/api/')) return;
    if (url.startsWith('/api/docs')) return;
    const c = route.config ?? {};
    for (const method of ([] as string[]).concat(route.method)) {
      if (method === 'HEAD') continue;
      // Every API route states who may call it; forgetting is a start-up error, not an open door.
      if (!c.permission && !c.public && !c.session && !c.portal)
        throw new Error(`route ${method} ${url} declares no access rule`);
      routeAccess.push({
        method,
        url,
        permission: c.permission,
        public: c.public,
        session: c.session,
        portal: c.portal,
      });
    }
  });

  app.addSchema(ErrorBody);
  app.setErrorHandler(errorHandler);
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });

  // Liveness and readiness stay outside the web stack (headers, rate limits, sessions): load balancers poll
  // them constantly and need nothing but the answer.
  await app.register(probeRoutes(ctx));

  await app.register(async (main: App) => {
    const headers = securityHeaders({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          objectSrc: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      hsts: ctx.config.publicUrl?.startsWith('https:') ? undefined : false,
    });
    // JSON answers get the headers an API needs (OWASP REST Security): no sniffing, nothing framed or loaded
    // from them, and not stored by a browser or proxy (they carry personal information: consent histories,
    // audit entries, moderation cases); pages get helmet's full set with the strict CSP. Both sets are fixed,
    // computed once.
    const apiHeaders = {
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
      ...(headers['strict-transport-security']
        ? { 'strict-transport-security': headers['strict-transport-security'] }
        : {}),
    };
    main.addHook('onRequest', (req, reply, done) => {
      reply.headers(req.url.startsWith('/api/') && !req.url.startsWith('/api/docs') ? apiHeaders : headers);
      done();
    });
    // Per client address; limits are announced when they bite (429 with retry-after), not on every answer.
    main.addHook('onRequest', rateLimitHook(ctx.config.http.rateLimitPerMinute));
    await main.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Custodian API',
          version: VERSION,
          description:
            'Network-information protection platform. Authenticate with `Authorization: Bearer <API key>`, or with the session cookie from `POST /api/v1/auth/login` plus its CSRF token in `X-CSRF-Token` on state-changing requests.',
        },
        components: {
          securitySchemes: {
            apiKey: {
              type: 'http',
              scheme: 'bearer',
              description: 'API key created in the console or with `custodian apikey create`',
            },
            session: { type: 'apiKey', in: 'cookie', name: 'custodian_session' },
          },
        },
        security: [{ apiKey: [] }, { session: [] }],
      },
      refResolver: { buildLocalReference: (json, _base, _frag, i) => (json.$id as string) ?? `def-${i}` },
    });
    await main.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

    main.addHook('onRequest', authHook(ctx));

    await main.register(systemRoutes(ctx));
    await main.register(
      async (v1) => {
        await v1.register(accountRoutes(ctx));
        await v1.register(auditRoutes(ctx));
        await v1.register(jobRoutes(ctx));
        await v1.register(webhookRoutes(ctx));
        await v1.register(outboxRoutes(ctx));
        await v1.register(piiRoutes(ctx));
        await v1.register(vaultRoutes(ctx));
        await v1.register(moderationRoutes(ctx));
        await v1.register(rulesRoutes(ctx));
        await v1.register(consentImportRoutes(ctx));
        await v1.register(retentionRoutes(ctx));
        await v1.register(portalRoutes(ctx));
      },
      { prefix: '/api/v1' },
    );

    main.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
      main.swagger(),
    );

    const webDir =
      opts.webDir === undefined ? fileURLToPath(new URL('../../dist/web', import.meta.url)) : opts.webDir;
    const hasWeb = !!webDir && existsSync(webDir);
    if (hasWeb) await main.register(fastifyStatic, { root: webDir!, wildcard: false, index: false });
    main.setNotFoundHandler((req, reply) => {
      // A missing asset is a 404, never the app's HTML (a tab open across a deploy must not run HTML as JS).
      if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/assets/') && hasWeb)
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-cache')
          .sendFile('index.html');
      return reply.status(404).send({
        error: {
          code: 'not_found',
          message: `${req.method} ${req.url.split('?')[0]} does not exist`,
          details: {},
        },
      });
    });
  });
  return app;
}
