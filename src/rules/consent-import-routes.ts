import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { errorResponses } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { IMPORT_LIMITS, importConsents } from './consent-import.js';

const RowError = Type.Object({
  row: Type.Integer({ description: '1-based line of the file (the CSV header is line 1)' }),
  field: Type.String(),
  code: Type.String(),
  message: Type.String(),
});

/** Bulk import of consents given before Custodian (PIPL 14), with per-row errors. */
export function consentImportRoutes(ctx: AppContext) {
  return async function routes(app: App) {
    app.post(
      '/consents/import',
      {
        config: { permission: 'consents:write' },
        // The file travels inside JSON, where escaping can grow it; the service enforces the file's own limit.
        bodyLimit: IMPORT_LIMITS.bytes * 2 + 65_536,
        schema: {
          tags: ['rules and consent'],
          summary: `Import consents from CSV or JSONL (at most ${IMPORT_LIMITS.bytes / 1024 / 1024} MB, ${IMPORT_LIMITS.rows} rows); atomic by default: one bad row and nothing is written`,
          body: Type.Object(
            {
              format: Type.Union([Type.Literal('csv'), Type.Literal('jsonl')]),
              data: Type.String({
                description:
                  'CSV with the header subject,purpose,given,rulesVersion,channel,time,separate,evidence (separate: kinds joined by ";"; evidence: a JSON object), or one JSON object per line with the same fields',
              }),
              dryRun: Type.Optional(Type.Boolean({ default: false })),
              atomic: Type.Optional(Type.Boolean({ default: true })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              received: Type.Integer(),
              imported: Type.Integer(),
              failed: Type.Integer(),
              valid: Type.Integer(),
              duplicates: Type.Integer(),
              dryRun: Type.Boolean(),
              atomic: Type.Boolean(),
              sha256: Type.String(),
              errors: Type.Array(RowError),
              errorsTruncated: Type.Boolean(),
            }),
            ...errorResponses,
            413: Type.Ref('Error'),
          },
        },
      },
      async (req) =>
        importConsents(
          ctx.store,
          ctx.audit,
          (v) => ctx.rules.version(v),
          req.principal!.actor,
          req.body,
          req.id,
        ),
    );
  };
}
