import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { badRequest } from '../http/errors.js';
import { errorResponses, IdParams, Ok, Paging } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { WEBHOOK_EVENTS } from './service.js';

const Endpoint = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.String(),
});

const Delivery = Type.Object({
  id: Type.String(),
  endpointId: Type.String(),
  event: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
});

export function webhookRoutes(ctx: AppContext) {
  return async function routes(app: App) {
    const tags = ['webhooks'];
    app.get(
      '/webhooks',
      {
        config: { permission: 'webhooks:read' },
        schema: {
          tags,
          summary: 'Webhook endpoints',
          response: { 200: Type.Object({ items: Type.Array(Endpoint) }), ...errorResponses },
        },
      },
      async () => ({ items: await ctx.webhooks.listEndpoints() }),
    );

    app.post(
      '/webhooks',
      {
        config: { permission: 'webhooks:write' },
        schema: {
          tags,
          summary: 'Add an endpoint; its signing secret is shown once',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              url: Type.String({ minLength: 8, maxLength: 2000 }),
              // An event Custodian never sends would leave the endpoint silent without anyone noticing.
              events: Type.Array(Type.Union(WEBHOOK_EVENTS.map((e) => Type.Literal(e))), {
                minItems: 1,
                maxItems: 50,
              }),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Composite([Endpoint, Type.Object({ secret: Type.String() })]),
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        let u: URL;
        try {
          u = new URL(req.body.url);
        } catch {
          throw badRequest('invalid_url', 'url must be an absolute http(s) URL', 'url');
        }
        if (u.protocol !== 'https:' && u.protocol !== 'http:')
          throw badRequest('invalid_url', 'url must use http or https', 'url');
        // Link-local addresses hold cloud metadata services (169.254.169.254): a delivery there would hand
        // the instance's credentials to whoever reads the endpoint's answers. Private networks stay allowed,
        // since the provider's own systems usually live there.
        if (linkLocal(u.hostname))
          throw badRequest('invalid_url', 'url must not point to a link-local or unspecified address', 'url');
        // No delivery could be made: fetch refuses an address with credentials in it.
        if (u.username || u.password)
          throw badRequest(
            'invalid_url',
            'url must not hold a user name or password; the signature authenticates each delivery',
            'url',
          );
        if (ctx.config.mode === 'production' && u.protocol !== 'https:')
          throw badRequest('insecure_url', 'url must use https in production', 'url');
        return reply
          .status(201)
          .send(await ctx.webhooks.createEndpoint(req.principal!.actor, req.body, req.id));
      },
    );

    app.patch(
      '/webhooks/:id',
      {
        config: { permission: 'webhooks:write' },
        schema: {
          tags,
          summary: 'Pause or resume an endpoint',
          params: IdParams,
          body: Type.Object({ active: Type.Boolean() }, { additionalProperties: false }),
          response: { 200: Endpoint, ...errorResponses },
        },
      },
      async (req) => ctx.webhooks.setActive(req.principal!.actor, req.params.id, req.body.active, req.id),
    );

    app.delete(
      '/webhooks/:id',
      {
        config: { permission: 'webhooks:write' },
        schema: {
          tags,
          summary: 'Remove an endpoint',
          params: IdParams,
          response: { 200: Ok, ...errorResponses },
        },
      },
      async (req) => {
        await ctx.webhooks.deleteEndpoint(req.principal!.actor, req.params.id, req.id);
        return { ok: true };
      },
    );

    app.get(
      '/webhooks/deliveries',
      {
        config: { permission: 'webhooks:read' },
        schema: {
          tags,
          summary: 'Delivery log, newest first',
          querystring: Type.Composite([
            Paging,
            Type.Object({ endpointId: Type.Optional(Type.String({ maxLength: 64 })) }),
          ]),
          response: {
            200: Type.Object({
              items: Type.Array(Delivery),
              total: Type.Integer(),
              limit: Type.Integer(),
              offset: Type.Integer(),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => ({
        ...(await ctx.webhooks.listDeliveries(req.query)),
        limit: req.query.limit,
        offset: req.query.offset,
      }),
    );
  };
}

/** 169.254.0.0/16, fe80::/10, the unspecified addresses and the metadata host name, as the URL parser wrote them. */
function linkLocal(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'metadata.google.internal' || h === '0.0.0.0' || h === '::') return true;
  if (/^169\.254\./.test(h) || /^::ffff:169\.254\./.test(h) || /^::ffff:a9fe:/.test(h)) return true;
  return /^fe[89ab][0-9a-f]:/.test(h);
}
