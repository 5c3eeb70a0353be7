import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { errorResponses, IdParams, page, Paging } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { retentionService } from './retention.js';

const Actor = Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) });
const Counts = Type.Record(Type.String(), Type.Integer());
const Sweep = Type.Object({
  id: Type.String(),
  status: Type.Union(['report', 'applying', 'applied', 'noop'].map((s) => Type.Literal(s))),
  rulesVersion: Type.Union([Type.Integer(), Type.Null()]),
  asOf: Type.String(),
  createdAt: Type.String(),
  createdBy: Actor,
  summary: Type.Object({
    subjects: Type.Integer(),
    fields: Type.Integer(),
    delete: Type.Integer(),
    anonymise: Type.Integer(),
    unregistered: Type.Integer(),
    byPurpose: Counts,
    byCategory: Type.Record(Type.String(), Counts),
    message: Type.Optional(Type.String()),
  }),
  appliedAt: Type.Union([Type.String(), Type.Null()]),
  appliedBy: Type.Union([Actor, Type.Null()]),
  applied: Type.Union([
    Type.Object({ applied: Type.Integer(), skipped: Type.Integer(), subjects: Type.Integer() }),
    Type.Null(),
  ]),
});
const Action = Type.Union([Type.Literal('delete'), Type.Literal('anonymise'), Type.Literal('unregistered')]);
const Item = Type.Object({
  seq: Type.Integer(),
  subjectId: Type.String(),
  field: Type.String(),
  category: Type.String(),
  action: Action,
  purposes: Type.Array(Type.String()),
  status: Type.Union(['pending', 'applied', 'skipped', 'reported'].map((s) => Type.Literal(s))),
  note: Type.Union([Type.String(), Type.Null()]),
});

/** Retention sweeps (PIPL 19, 47): dry-run reports, reviewed, then applied. */
export function retentionRoutes(ctx: AppContext) {
  return async function routes(app: App) {
    const tags = ['retention'];
    const service = () => retentionService(ctx);
    app.post(
      '/retention/sweeps',
      {
        config: { permission: 'retention:write' },
        schema: {
          tags,
          summary:
            'Make a dry-run report of the personal information past its purposes’ retention (nothing is changed)',
          body: Type.Object(
            { dryRun: Type.Literal(true, { description: 'Always a dry run; apply the report separately' }) },
            { additionalProperties: false },
          ),
          response: { 201: Sweep, ...errorResponses },
        },
      },
      async (req, reply) => reply.status(201).send(await service().sweep(req.principal!.actor, {}, req.id)),
    );
    app.get(
      '/retention/sweeps',
      {
        config: { permission: 'retention:read' },
        schema: {
          tags,
          summary: 'Retention reports, newest first',
          querystring: Paging,
          response: { 200: page(Sweep), ...errorResponses },
        },
      },
      async (req) => service().list(req.query),
    );
    app.get(
      '/retention/sweeps/:id',
      {
        config: { permission: 'retention:read' },
        schema: {
          tags,
          summary:
            'One retention report with a page of its items (subject ids, field names, actions; no values)',
          params: IdParams,
          querystring: Type.Composite([Paging, Type.Object({ action: Type.Optional(Action) })]),
          response: {
            200: Type.Composite([Sweep, Type.Object({ items: page(Item) })]),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const s = service();
        return { ...(await s.get(req.params.id)), items: await s.items(req.params.id, req.query) };
      },
    );
    app.post(
      '/retention/sweeps/:id/apply',
      {
        config: { permission: 'retention:apply' },
        schema: {
          tags,
          summary:
            'Apply a reviewed report: each item is checked again and deleted or anonymised as the register says, or skipped when no longer expired',
          params: IdParams,
          body: Type.Optional(Type.Object({}, { additionalProperties: false })),
          response: { 200: Sweep, ...errorResponses },
        },
      },
      async (req) => service().apply(req.principal!.actor, req.params.id, {}, req.id),
    );
  };
}
