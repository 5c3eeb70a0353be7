import { createHmac } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { transact } from '../db/transaction.js';
import { ALL_PII_TYPES } from '../pii/pii-types.js';
import type { Finding, PiiType } from '../pii/types.js';

// The engine is loaded on the first scan, so start-up does not pay for it.
const engine = () => import('../pii/index.js');
import { badRequest } from './errors.js';
import { errorResponses } from './schemas.js';
import type { App } from './types.js';

const MAX_CHARS = 2_000_000;
const TypeName = Type.Union(ALL_PII_TYPES.map((t) => Type.Literal(t)));
const FindingSchema = Type.Object({
  type: Type.String(),
  start: Type.Integer(),
  end: Type.Integer(),
  text: Type.String(),
  score: Type.Number(),
  validated: Type.Boolean(),
  field: Type.Optional(Type.String()),
});
const Input = Type.Object(
  {
    text: Type.Optional(Type.String({ maxLength: MAX_CHARS })),
    records: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.String({ minLength: 1, maxLength: 200 }),
            text: Type.Optional(Type.String()),
            fields: Type.Optional(Type.Record(Type.String(), Type.String())),
          },
          { additionalProperties: false },
        ),
        { maxItems: 5000 },
      ),
    ),
    types: Type.Optional(Type.Array(TypeName, { minItems: 1 })),
    minScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);
const Operator = Type.Union(
  ['mask', 'redact', 'replace', 'pseudonymize', 'generalize'].map((o) => Type.Literal(o)),
);

type Body = {
  text?: string;
  records?: Array<{ id: string; text?: string; fields?: Record<string, string> }>;
  types?: PiiType[];
  minScore?: number;
};

/** Checks the request has exactly one of text or records and stays within the size limit. */
function units(body: Body): Array<{ id: string | null; field: string | null; text: string }> {
  if ((body.text === undefined) === (body.records === undefined))
    throw badRequest(
      'invalid_request',
      'give either text or records',
      body.text === undefined ? 'text' : 'records',
    );
  if (body.text !== undefined) return [{ id: null, field: null, text: body.text }];
  const out: Array<{ id: string | null; field: string | null; text: string }> = [];
  let chars = 0;
  const ids = new Set<string>();
  for (const [i, r] of body.records!.entries()) {
    if (r.text === undefined && !r.fields)
      throw badRequest('invalid_record', `records[${i}] needs text or fields`, `records.${i}`);
    // Answers are keyed by id: a second record with the same id would overwrite the first one's.
    if (ids.has(r.id))
      throw badRequest('duplicate_id', `records[${i}].id repeats an earlier record's id`, `records.${i}.id`);
    ids.add(r.id);
    if (r.text !== undefined) out.push({ id: r.id, field: null, text: r.text });
    for (const [k, v] of Object.entries(r.fields ?? {})) out.push({ id: r.id, field: k, text: v });
  }
  for (const u of out) chars += u.text.length;
  if (chars > MAX_CHARS)
    throw badRequest('too_large', `records hold ${chars} characters; the limit is ${MAX_CHARS}`, 'records');
  return out;
}

/** `POST /api/v1/pii/scan|redact`: the engine over HTTP. Requests are not stored; only counts are audited. */
export function piiRoutes(ctx: AppContext) {
  // Pseudonyms through the API are keyed by the key ring, so they are stable across calls and instances.
  const pseudonymKey = createHmac('sha256', Buffer.from(ctx.keys.blindIndex('pii-pseudonym', 'v1'))).digest();

  const auditCounts = (
    action: string,
    req: { principal: { actor: never } | null; id: string },
    findings: Finding[],
    chars: number,
    records: number,
  ) =>
    transact(ctx.db, (tx) => {
      const byType: Record<string, number> = {};
      for (const f of findings) byType[f.type] = (byType[f.type] ?? 0) + 1;
      return ctx.audit.append(tx, {
        action,
        actor: req.principal!.actor,
        requestId: req.id,
        details: { chars, records, findings: byType },
      });
    });

  return async function routes(app: App) {
    const tags = ['pii'];
    app.post(
      '/pii/scan',
      {
        config: { permission: 'pii:scan' },
        bodyLimit: 8 * 1024 * 1024,
        schema: {
          tags,
          summary: 'Find personal information in a text or in records (checksums validated, UTF-16 offsets)',
          body: Input,
          response: {
            200: Type.Object({
              findings: Type.Optional(Type.Array(FindingSchema)),
              records: Type.Optional(
                Type.Array(Type.Object({ id: Type.String(), findings: Type.Array(FindingSchema) })),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const body = req.body as Body;
        const list = units(body);
        const opts = { types: body.types, minScore: body.minScore };
        const { scan } = await engine();
        const results = list.map((u) => ({ u, findings: scan(u.text, opts) }));
        const all = results.flatMap((r) => r.findings);
        await auditCounts(
          'pii.scan',
          req as never,
          all,
          list.reduce((n, u) => n + u.text.length, 0),
          body.records?.length ?? 1,
        );
        if (body.text !== undefined) return { findings: results[0].findings };
        const byId = new Map<string, Array<Finding & { field?: string }>>();
        for (const r of body.records!) byId.set(r.id, []);
        for (const { u, findings } of results)
          byId.get(u.id!)!.push(...findings.map((f) => (u.field ? { ...f, field: u.field } : f)));
        return { records: [...byId].map(([id, findings]) => ({ id, findings })) };
      },
    );

    app.post(
      '/pii/redact',
      {
        config: { permission: 'pii:scan' },
        bodyLimit: 8 * 1024 * 1024,
        schema: {
          tags,
          summary:
            'De-identify a text or records: mask, redact, replace with a type tag, keyed pseudonyms, generalize',
          body: Type.Composite(
            [
              Input,
              Type.Object({
                operator: Type.Optional(Operator),
                operators: Type.Optional(Type.Record(Type.String(), Operator)),
              }),
            ],
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              text: Type.Optional(Type.String()),
              findings: Type.Optional(Type.Array(FindingSchema)),
              records: Type.Optional(
                Type.Array(
                  Type.Object({
                    id: Type.String(),
                    text: Type.Optional(Type.String()),
                    fields: Type.Optional(Type.Record(Type.String(), Type.String())),
                    findings: Type.Integer(),
                  }),
                ),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const body = req.body as Body & { operator?: string; operators?: Record<string, string> };
        for (const k of Object.keys(body.operators ?? {}))
          if (!(ALL_PII_TYPES as readonly string[]).includes(k))
            throw badRequest('invalid_type', `operators.${k} is not a known type`, `operators.${k}`);
        const list = units(body);
        const opts = {
          types: body.types,
          minScore: body.minScore,
          default: (body.operator ?? 'mask') as never,
          operators: body.operators as never,
          pseudonymKey,
        };
        const { redact } = await engine();
        const results = list.map((u) => ({ u, r: redact(u.text, opts) }));
        await auditCounts(
          'pii.redact',
          req as never,
          results.flatMap((x) => x.r.findings),
          list.reduce((n, u) => n + u.text.length, 0),
          body.records?.length ?? 1,
        );
        if (body.text !== undefined) return { text: results[0].r.text, findings: results[0].r.findings };
        const out = new Map<
          string,
          { id: string; text?: string; fields?: Record<string, string>; findings: number }
        >();
        for (const r of body.records!) out.set(r.id, { id: r.id, findings: 0 });
        for (const { u, r } of results) {
          const o = out.get(u.id!)!;
          o.findings += r.findings.length;
          if (u.field) (o.fields ??= {})[u.field] = r.text;
          else o.text = r.text;
        }
        return { records: [...out.values()] };
      },
    );
  };
}
