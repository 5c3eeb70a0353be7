import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { migrationsCurrent } from '../db/database.js';
import type { App } from './types.js';
import { VERSION } from '../version.js';

/** Liveness and readiness. */
export function probeRoutes(ctx: AppContext) {
  return async function routes(app: App) {
    const tags = ['system'];
    app.get(
      '/api/health',
      {
        // Outside the web stack, so never rate limited: a load balancer must always get an answer.
        config: { public: true },
        logLevel: 'warn',
        schema: { tags, summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/api/ready',
      {
        config: { public: true },
        logLevel: 'warn',
        schema: {
          tags,
          summary: 'Readiness: the database answers and its migrations are current',
          response: {
            200: Type.Object({ status: Type.String(), database: Type.String(), migrations: Type.String() }),
            503: Type.Object({ status: Type.String(), database: Type.String(), migrations: Type.String() }),
          },
        },
      },
      async (_req, reply) => {
        let database = 'ok';
        let migrations = 'current';
        try {
          await sql`select 1`.execute(ctx.db);
          if (!(await migrationsCurrent(ctx.db, ctx.store.schema))) migrations = 'pending';
        } catch {
          database = 'unreachable';
          migrations = 'unknown';
        }
        const ready = database === 'ok' && migrations === 'current';
        return reply
          .status(ready ? 200 : 503)
          .send({ status: ready ? 'ready' : 'not_ready', database, migrations });
      },
    );
  };
}

/** What the web app needs to know before anyone signs in. */
export function systemRoutes(ctx: AppContext) {
  return async function routes(app: App) {
    const tags = ['system'];
    app.get(
      '/api/v1/meta',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Provider name, version, and whether setup is still needed',
          response: {
            200: Type.Object({
              providerName: Type.String(),
              version: Type.String(),
              mode: Type.String(),
              setupNeeded: Type.Boolean(),
              dialect: Type.String(),
            }),
          },
        },
      },
      async () => ({
        providerName: ctx.config.providerName,
        version: VERSION,
        mode: ctx.config.mode,
        setupNeeded: await ctx.accounts.setupNeeded(),
        dialect: ctx.store.dialect.name,
      }),
    );
  };
}
