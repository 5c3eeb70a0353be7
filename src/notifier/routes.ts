import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { errorResponses, page, Paging } from '../http/schemas.js';
import type { App } from '../http/types.js';

const OutboxMessage = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  recipient: Type.String(),
  subject: Type.Union([Type.String(), Type.Null()]),
  body: Type.String(),
  createdAt: Type.String(),
});

/** The development outbox, so every notice can be seen without an SMS or mail gateway. */
export function outboxRoutes(ctx: AppContext) {
  return async function routes(app: App) {
    app.get(
      '/outbox',
      {
        config: { permission: 'outbox:read' },
        schema: {
          tags: ['notifier'],
          summary: 'Messages held by the development outbox, newest first',
          querystring: Paging,
          response: {
            200: Type.Composite([page(OutboxMessage), Type.Object({ notifier: Type.String() })]),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const total = Number(
          (
            await ctx.db
              .selectFrom('outbox_messages')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
        const rows = await ctx.db
          .selectFrom('outbox_messages')
          .selectAll()
          .orderBy('created_at', 'desc')
          .limit(req.query.limit)
          .offset(req.query.offset)
          .execute();
        return {
          notifier: ctx.notifier.kind,
          total,
          limit: req.query.limit,
          offset: req.query.offset,
          items: rows.map((r) => ({
            id: r.id,
            channel: r.channel,
            recipient: r.recipient,
            subject: r.subject,
            body: r.body,
            createdAt: r.created_at,
          })),
        };
      },
    );
  };
}
