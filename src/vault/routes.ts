import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { AppError, badRequest } from '../http/errors.js';
import { errorResponses, IdParams, Ok, page, Paging } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { FIELD_TYPES, type FieldType } from './fields.js';
import { csvCell } from '../csv.js';
import { CATEGORY_IDS, LEGAL_BASES } from '../rules/register.js';

const FieldType_ = Type.Union(FIELD_TYPES.map((t) => Type.Literal(t)));
// A field's name, wherever one is given: a value typed there by mistake is refused by its shape.
const FieldName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_]*$' });
const FieldInput = Type.Object(
  {
    name: FieldName,
    type: FieldType_,
    value: Type.String({ minLength: 1, maxLength: 2000 }),
    category: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Required for OTHER: one of the register’s categories; fixed by any other type',
      }),
    ),
  },
  { additionalProperties: false },
);
const MaskedField = Type.Object({
  name: Type.String(),
  type: Type.String(),
  category: Type.String(),
  sensitive: Type.Boolean(),
  masked: Type.String(),
  updatedAt: Type.String(),
});
const Subject = Type.Object(
  {
    id: Type.String(),
    externalId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    erasedAt: Type.Union([Type.String(), Type.Null()]),
    fields: Type.Array(MaskedField),
  },
  { $id: 'Subject' },
);
const Transfer = Type.Object(
  {
    id: Type.String(),
    subjectId: Type.String(),
    recipient: Type.String(),
    purpose: Type.String(),
    categories: Type.Array(Type.String()),
    legalBasis: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'Transfer' },
);
const Purpose = Type.String({
  minLength: 2,
  maxLength: 200,
  description: 'Why the data is read; recorded in the audit log',
});
const ExportQuery = Type.Object({
  purpose: Purpose,
  format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
  recipient: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  transferId: Type.Optional(Type.String({ maxLength: 64 })),
});

/** The subject vault: `/api/v1/subjects…`. */
export function vaultRoutes(ctx: AppContext) {
  return async function routes(app: App) {
    const tags = ['vault'];
    app.addSchema(Subject);
    app.addSchema(Transfer);

    app.post(
      '/subjects',
      {
        config: { permission: 'subjects:write' },
        schema: {
          tags,
          summary: 'Store a subject’s personal information, encrypted per field',
          body: Type.Object(
            {
              externalId: Type.Optional(
                Type.String({ minLength: 1, maxLength: 128, description: 'The provider’s own account id' }),
              ),
              fields: Type.Array(FieldInput, { minItems: 1, maxItems: 100 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Ref('Subject'), ...errorResponses },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await ctx.vault.create(req.principal!.actor, req.body as never, req.id)),
    );

    app.get(
      '/subjects',
      {
        config: { permission: 'subjects:read' },
        schema: {
          tags,
          summary:
            'Find subjects by an exact value (blind index; needs subjects:reveal) or external id; values come back masked',
          querystring: Type.Composite([
            Paging,
            Type.Object({
              externalId: Type.Optional(Type.String({ maxLength: 128 })),
              type: Type.Optional(FieldType_),
              value: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            }),
          ]),
          response: { 200: page(Type.Ref('Subject')), ...errorResponses },
        },
      },
      async (req) => {
        const q = req.query;
        // A search by value answers "does anyone hold this value?", and with the masked view's visible
        // characters that recovers whole values a guess at a time: only those who may read values may ask.
        if (q.value !== undefined && !req.principal!.permissions.has('subjects:reveal'))
          throw new AppError(
            403,
            'forbidden',
            'Searching by value needs the subjects:reveal permission (search by externalId instead)',
            { field: 'value', permission: 'subjects:reveal' },
          );
        const r = await ctx.vault.find(
          req.principal!.actor,
          { ...q, type: q.type as FieldType | undefined },
          req.id,
        );
        return { ...r, limit: q.limit, offset: q.offset };
      },
    );

    app.get(
      '/subjects/count',
      {
        config: { permission: 'subjects:read' },
        schema: {
          tags,
          summary: 'How many subjects are stored and how many were erased (reads no personal information)',
          response: {
            200: Type.Object({ total: Type.Integer(), erased: Type.Integer() }),
            ...errorResponses,
          },
        },
      },
      async () => ctx.vault.count(),
    );

    app.get(
      '/subjects/:id',
      {
        config: { permission: 'subjects:read' },
        schema: {
          tags,
          summary: 'One subject, values masked',
          params: IdParams,
          response: { 200: Type.Ref('Subject'), ...errorResponses },
        },
      },
      async (req) => ctx.vault.get(req.principal!.actor, req.params.id, req.id),
    );

    app.patch(
      '/subjects/:id',
      {
        config: { permission: 'subjects:write' },
        schema: {
          tags,
          summary: 'Set or remove fields',
          params: IdParams,
          body: Type.Object(
            {
              set: Type.Optional(Type.Array(FieldInput, { maxItems: 100 })),
              remove: Type.Optional(Type.Array(FieldName, { maxItems: 100 })),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: Type.Ref('Subject'), ...errorResponses },
        },
      },
      async (req) => ctx.vault.update(req.principal!.actor, req.params.id, req.body as never, req.id),
    );

    app.post(
      '/subjects/:id/reveal',
      {
        config: { permission: 'subjects:reveal' },
        schema: {
          tags,
          summary:
            'Read plaintext values for a declared purpose (each field read is audited with the purpose)',
          params: IdParams,
          body: Type.Object(
            {
              purpose: Purpose,
              fields: Type.Optional(Type.Array(FieldName, { minItems: 1, maxItems: 100 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({ name: Type.String(), type: Type.String(), value: Type.String() }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => ({
        items: await ctx.vault.reveal(
          req.principal!.actor,
          req.params.id,
          req.body.purpose,
          req.body.fields ?? null,
          req.id,
        ),
      }),
    );

    app.get(
      '/subjects/:id/export',
      {
        config: { permission: 'subjects:export' },
        schema: {
          tags,
          summary:
            'Export a subject’s data (JSON or CSV): the copy a person may ask for, or a recorded third-party provision',
          params: IdParams,
          querystring: ExportQuery,
          response: { 200: Type.Any(), ...errorResponses },
        },
      },
      async (req, reply) => {
        const body = await ctx.vault.export(req.principal!.actor, req.params.id, req.query, req.id);
        const name = `subject-${req.params.id}.${req.query.format}`;
        // Not stored by a browser or proxy: every API answer says so (src/http/app.ts).
        reply.header('content-disposition', `attachment; filename="${name}"`);
        if (req.query.format === 'json')
          return reply.type('application/json; charset=utf-8').send(JSON.stringify(body, null, 2));
        const lines = ['name,type,category,sensitive,value,updatedAt'];
        for (const f of body.fields)
          lines.push([f.name, f.type, f.category, f.sensitive, f.value, f.updatedAt].map(csvCell).join(','));
        return reply.type('text/csv; charset=utf-8').send('\ufeff' + lines.join('\r\n') + '\r\n');
      },
    );

    app.delete(
      '/subjects/:id',
      {
        config: { permission: 'subjects:erase' },
        schema: {
          tags,
          summary:
            'Erase a subject: destroys its data key (crypto-shredding); the audit log keeps only that it happened',
          params: IdParams,
          querystring: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 200 }) }),
          response: { 200: Ok, ...errorResponses },
        },
      },
      async (req) => {
        await ctx.vault.erase(req.principal!.actor, req.params.id, req.query.reason, req.id);
        return { ok: true };
      },
    );

    app.post(
      '/subjects/:id/transfers',
      {
        config: { permission: 'transfers:write' },
        schema: {
          tags,
          summary:
            'Record a provision to a third party (PIPL 23): recipient, purpose, categories, legal basis',
          params: IdParams,
          body: Type.Object(
            {
              recipient: Type.String({ minLength: 1, maxLength: 200 }),
              purpose: Purpose,
              // The register's categories: a transfer of anything else would cover no field.
              categories: Type.Array(Type.Union(CATEGORY_IDS.map((c) => Type.Literal(c))), {
                minItems: 1,
                maxItems: 50,
              }),
              legalBasis: Type.Union(LEGAL_BASES.map((b) => Type.Literal(b))),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Ref('Transfer'), ...errorResponses },
        },
      },
      async (req, reply) => {
        if (!req.body.recipient.trim())
          throw badRequest('invalid_recipient', 'recipient must not be blank', 'recipient');
        return reply
          .status(201)
          .send(await ctx.vault.recordTransfer(req.principal!.actor, req.params.id, req.body, req.id));
      },
    );

    app.get(
      '/subjects/:id/transfers',
      {
        config: { permission: 'transfers:read' },
        schema: {
          tags,
          summary: 'Recorded provisions of this subject’s data',
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Transfer')) }), ...errorResponses },
        },
      },
      async (req) => ({ items: await ctx.vault.listTransfers(req.params.id) }),
    );
  };
}
