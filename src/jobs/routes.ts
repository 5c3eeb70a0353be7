import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { errorResponses, IdParams, Ok, page, Paging } from '../http/schemas.js';
import { notFound } from '../http/errors.js';
import type { App } from '../http/types.js';
import { transact } from '../db/transaction.js';

const Job = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  runAt: Type.String(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export function jobRoutes(ctx: AppContext) {
  return async function routes(app: App) {
    const tags = ['jobs'];
    app.get(
      '/jobs',
      {
        config: { permission: 'jobs:read' },
        schema: {
          tags,
          summary: 'Background jobs; `status=failed` lists dead and failing ones',
          querystring: Type.Composite([
            Paging,
            Type.Object({
              status: Type.Optional(
                Type.Union(['pending', 'running', 'done', 'dead', 'failed'].map((s) => Type.Literal(s))),
              ),
            }),
          ]),
          response: { 200: page(Job), ...errorResponses },
        },
      },
      async (req) => {
        let q = ctx.db.selectFrom('jobs');
        const s = req.query.status;
        if (s === 'failed')
          q = q.where((eb) => eb.or([eb('status', '=', 'dead'), eb('last_error', 'is not', null)]));
        else if (s) q = q.where('status', '=', s);
        const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
        const rows = await q
          .selectAll()
          .orderBy('updated_at', 'desc')
          .limit(req.query.limit)
          .offset(req.query.offset)
          .execute();
        return {
          total,
          limit: req.query.limit,
          offset: req.query.offset,
          items: rows.map((r) => ({
            id: r.id,
            kind: r.kind,
            status: r.status,
            attempts: r.attempts,
            maxAttempts: r.max_attempts,
            runAt: r.run_at,
            lastError: r.last_error,
            createdAt: r.created_at,
            updatedAt: r.updated_at,
          })),
        };
      },
    );

    app.post(
      '/jobs/:id/retry',
      {
        config: { permission: 'jobs:write' },
        schema: {
          tags,
          summary: 'Run a dead or failing job again now',
          params: IdParams,
          response: { 200: Ok, ...errorResponses },
        },
      },
      async (req) => {
        if (!(await ctx.jobs.retry(req.params.id))) throw notFound('Retryable job');
        await transact(ctx.db, (tx) =>
          ctx.audit.append(tx, {
            action: 'job.retry',
            actor: req.principal!.actor,
            requestId: req.id,
            target: { type: 'job', id: req.params.id },
          }),
        );
        ctx.jobs.poke();
        return { ok: true };
      },
    );
  };
}
