import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { errorResponses } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { csvRow, CSV_COLUMNS, exportAudit, listAudit } from './query.js';
import { verifyAudit } from './verify.js';

const Filter = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 64 })),
  actorType: Type.Optional(
    Type.Union(['user', 'api_key', 'system', 'cli', 'public', 'subject'].map((t) => Type.Literal(t))),
  ),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  targetType: Type.Optional(Type.String({ maxLength: 64 })),
  targetId: Type.Optional(Type.String({ maxLength: 100 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
});

const Entry = Type.Object(
  {
    seq: Type.Integer(),
    at: Type.String(),
    actorType: Type.String(),
    actorId: Type.Union([Type.String(), Type.Null()]),
    action: Type.String(),
    targetType: Type.Union([Type.String(), Type.Null()]),
    targetId: Type.Union([Type.String(), Type.Null()]),
    purpose: Type.Union([Type.String(), Type.Null()]),
    requestId: Type.Union([Type.String(), Type.Null()]),
    details: Type.Record(Type.String(), Type.Any()),
    hash: Type.String(),
  },
  { $id: 'AuditEntry' },
);

const normalizeTime = (s?: string) => (s ? new Date(s).toISOString() : undefined);

export function auditRoutes(ctx: AppContext) {
  return async function routes(app: App) {
    const tags = ['audit'];
    app.addSchema(Entry);

    app.get(
      '/audit',
      {
        config: { permission: 'audit:read' },
        schema: {
          tags,
          summary: 'Audit entries, newest first; page with `before` = the last seq seen',
          querystring: Type.Composite([
            Filter,
            Type.Object({
              before: Type.Optional(Type.Integer({ minimum: 1 })),
              limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            }),
          ]),
          response: {
            200: Type.Object({
              items: Type.Array(Type.Ref('AuditEntry')),
              nextBefore: Type.Union([Type.Integer(), Type.Null()]),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) =>
        listAudit(ctx.db, {
          ...req.query,
          from: normalizeTime(req.query.from),
          to: normalizeTime(req.query.to),
        }),
    );

    app.get(
      '/audit/export',
      {
        config: { permission: 'audit:export' },
        schema: {
          tags,
          summary: 'Export matching entries as CSV or JSONL (oldest first)',
          querystring: Type.Composite([
            Filter,
            Type.Object({
              format: Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], { default: 'jsonl' }),
            }),
          ]),
          response: { 200: Type.String(), ...errorResponses },
        },
      },
      async (req, reply) => {
        const f = { ...req.query, from: normalizeTime(req.query.from), to: normalizeTime(req.query.to) };
        const csv = req.query.format === 'csv';
        const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '');
        reply
          .header('content-type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="custodian-audit-${stamp}.${csv ? 'csv' : 'jsonl'}"`,
          );
        async function* body() {
          if (csv) yield '\ufeff' + CSV_COLUMNS.join(',') + '\r\n';
          for await (const e of exportAudit(ctx.db, f)) yield csv ? csvRow(e) : JSON.stringify(e) + '\n';
        }
        return reply.send(Readable.from(body()));
      },
    );

    app.get(
      '/audit/verify',
      {
        config: { permission: 'audit:read' },
        schema: {
          tags,
          summary: 'Re-compute the hash chain and signed checkpoints now',
          response: {
            200: Type.Object({
              ok: Type.Boolean(),
              checked: Type.Integer(),
              checkpoints: Type.Integer(),
              elapsedMs: Type.Number(),
              perSecond: Type.Number(),
              problem: Type.Union([
                Type.Object({ seq: Type.Integer(), kind: Type.String(), message: Type.String() }),
                Type.Null(),
              ]),
            }),
            ...errorResponses,
          },
        },
      },
      async () => verifyAudit(ctx.store, ctx.keys),
    );
  };
}
