import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { errorResponses, Ok } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { Category, Organisation, presentVersion, publicationRoutes } from './publication-routes.js';
import { CATEGORY_IDS, DATA_CATEGORIES, LEGAL_BASES, SEPARATE, type Purpose } from './register.js';

// Categories a check may name: the register's own. Anything else is refused without being repeated back,
// in the answer or the audit log (a mistyped field may hold personal information).
const CheckCategories = Type.Array(Type.Union(CATEGORY_IDS.map((c) => Type.Literal(c))), { maxItems: 50 });

const lit = (xs: readonly string[]) => Type.Union(xs.map((x) => Type.Literal(x)));
const PurposeBody = Type.Object(
  {
    key: Type.String({ minLength: 2, maxLength: 64 }),
    nameZh: Type.String({ minLength: 1, maxLength: 100 }),
    nameEn: Type.String({ minLength: 1, maxLength: 100 }),
    descriptionZh: Type.String({ maxLength: 4000 }),
    descriptionEn: Type.String({ maxLength: 4000 }),
    legalBasis: lit(LEGAL_BASES),
    necessity: Type.String({ maxLength: 4000 }),
    // English versions of the texts the rules show, for the English rules (NDSR 21 asks for both here).
    necessityEn: Type.Optional(Type.String({ maxLength: 4000 })),
    categories: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 50 }),
    methods: Type.Array(lit(['form', 'device', 'third_party', 'public_source']), { minItems: 1 }),
    retentionDays: Type.Integer({ minimum: 1, maximum: 36_500 }),
    retentionAction: lit(['delete', 'anonymise']),
    recipients: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 200 }),
          nameEn: Type.Optional(Type.String({ maxLength: 200 })),
          kind: lit(['third_party', 'processor']),
          purpose: Type.String({ minLength: 1, maxLength: 500 }),
          purposeEn: Type.Optional(Type.String({ maxLength: 500 })),
          categories: Type.Array(Type.String({ maxLength: 64 })),
          contract: Type.Optional(Type.String({ maxLength: 1000 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    crossBorder: Type.Array(
      Type.Object(
        {
          destination: Type.String({ minLength: 1, maxLength: 100 }),
          destinationEn: Type.Optional(Type.String({ maxLength: 100 })),
          recipient: Type.String({ minLength: 1, maxLength: 200 }),
          recipientEn: Type.Optional(Type.String({ maxLength: 200 })),
          mechanism: lit(['security_assessment', 'standard_contract', 'certification', 'exempt']),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
    publicDisclosure: Type.Boolean(),
    minors: Type.Boolean(),
  },
  { additionalProperties: false },
);
const PurposeOut = Type.Composite([
  PurposeBody,
  Type.Object({ id: Type.String(), archived: Type.Boolean(), updatedAt: Type.String() }),
]);
const Version = Type.Object({
  version: Type.Integer(),
  effectiveAt: Type.String(),
  publishedAt: Type.String(),
  sha256: Type.String(),
  purposes: Type.Array(PurposeBody),
  organisation: Organisation,
  /** Labels and sensitivity of the categories this version uses, so readers need no copy of them. */
  categories: Type.Array(Category),
});
const Consent = Type.Object({
  id: Type.String(),
  subject: Type.String(),
  purpose: Type.String(),
  given: Type.Boolean(),
  rulesVersion: Type.Integer(),
  channel: Type.String(),
  separate: Type.Array(Type.String()),
  createdAt: Type.String(),
});
const Check = Type.Object({ allowed: Type.Boolean(), reasons: Type.Array(Type.String()) });
// No NUL: PostgreSQL cannot store one, and a ledger read shared by concurrent checks would fail with it.
const NO_NUL = '^[^\\u0000]*$';
const Subject = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: NO_NUL,
  description: 'The provider’s reference for the person',
});
const PurposeKey = Type.String({ minLength: 1, maxLength: 64, pattern: NO_NUL });

/** Processing register, published rules, consent ledger, purpose check. */
export function rulesRoutes(ctx: AppContext) {
  return async function routes(app: App) {
    const tags = ['rules and consent'];
    app.get(
      '/purposes',
      {
        config: { permission: 'purposes:read' },
        schema: {
          tags,
          summary: 'The processing register',
          querystring: Type.Object({ archived: Type.Optional(Type.Boolean()) }),
          response: {
            200: Type.Object({
              items: Type.Array(PurposeOut),
              categories: Type.Array(
                Type.Object({
                  id: Type.String(),
                  sensitive: Type.Boolean(),
                  zh: Type.String(),
                  en: Type.String(),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => ({
        items: await ctx.rules.listPurposes(req.query.archived),
        categories: [...DATA_CATEGORIES],
      }),
    );
    app.post(
      '/purposes',
      {
        config: { permission: 'purposes:write' },
        schema: {
          tags,
          summary: 'Create a purpose; a key already in use (archived or not) is a 409 key_taken',
          body: PurposeBody,
          response: { 201: PurposeOut, ...errorResponses },
        },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(
            await ctx.rules.savePurpose(req.principal!.actor, req.body as Purpose, req.id, { create: true }),
          ),
    );
    app.put(
      '/purposes/:key',
      {
        config: { permission: 'purposes:write' },
        schema: {
          tags,
          summary: `Create or replace a purpose; sensitive categories (${CATEGORY_IDS.length} known) and provision to third parties need a necessity statement`,
          params: Type.Object({ key: Type.String({ maxLength: 64 }) }),
          body: Type.Omit(PurposeBody, ['key'], { additionalProperties: false }),
          response: { 200: PurposeOut, ...errorResponses },
        },
      },
      async (req) =>
        ctx.rules.savePurpose(
          req.principal!.actor,
          { ...(req.body as Purpose), key: req.params.key },
          req.id,
        ),
    );
    app.delete(
      '/purposes/:key',
      {
        config: { permission: 'purposes:write' },
        schema: {
          tags,
          summary: 'Archive a purpose (it leaves the next published version)',
          params: Type.Object({ key: Type.String({ maxLength: 64 }) }),
          response: { 200: Ok, ...errorResponses },
        },
      },
      async (req) => {
        await ctx.rules.archivePurpose(req.principal!.actor, req.params.key, req.id);
        return { ok: true };
      },
    );

    app.post(
      '/rules/publish',
      {
        config: { permission: 'rules:publish' },
        schema: {
          tags,
          summary: 'Publish the register as a new, immutable version of the collection-and-use rules',
          body: Type.Object(
            { effectiveAt: Type.Optional(Type.String({ format: 'date-time' })) },
            { additionalProperties: false },
          ),
          response: { 201: Version, ...errorResponses },
        },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(presentVersion(await ctx.rules.publish(req.principal!.actor, req.body, req.id))),
    );
    app.get(
      '/rules/current',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'The collection-and-use rules in force (public)',
          response: { 200: Version, ...errorResponses },
        },
      },
      async () => {
        const cur = await ctx.rules.current();
        if (!cur)
          throw new AppError(404, 'not_published', 'No collection-and-use rules have been published yet');
        return presentVersion(cur);
      },
    );
    app.get(
      '/rules/versions',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Every published version (public)',
          response: {
            200: Type.Object({
              items: Type.Array(Type.Omit(Version, ['purposes', 'organisation', 'categories'])),
            }),
          },
        },
      },
      async () => ({ items: await ctx.rules.listVersions() }),
    );
    app.get(
      '/rules/versions/:version',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'One published version (public)',
          params: Type.Object({ version: Type.Integer({ minimum: 1 }) }),
          response: { 200: Version, ...errorResponses },
        },
      },
      async (req) => presentVersion(await ctx.rules.version(req.params.version)),
    );

    app.post(
      '/consents',
      {
        config: { permission: 'consents:write' },
        schema: {
          tags,
          summary: 'Record a consent given or withdrawn, with the rules version shown and evidence',
          body: Type.Object(
            {
              subject: Subject,
              purpose: PurposeKey,
              given: Type.Boolean(),
              rulesVersion: Type.Integer({ minimum: 1 }),
              channel: lit(['web', 'app', 'sms', 'paper', 'import']),
              separate: Type.Optional(Type.Array(lit(SEPARATE), { maxItems: 5 })),
              evidence: Type.Optional(Type.Record(Type.String(), Type.Any())),
            },
            { additionalProperties: false },
          ),
          response: { 201: Consent, ...errorResponses },
        },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(await ctx.rules.recordConsent(req.principal!.actor, req.body as never, req.id)),
    );
    app.get(
      '/consents',
      {
        config: { permission: 'consents:read' },
        schema: {
          tags,
          summary: 'A subject’s consent history, newest first',
          querystring: Type.Object({ subject: Subject }),
          response: { 200: Type.Object({ items: Type.Array(Consent) }), ...errorResponses },
        },
      },
      async (req) => ({ items: await ctx.rules.consentHistory(req.query.subject) }),
    );

    app.post(
      '/purpose-check',
      {
        config: { permission: 'purpose:check' },
        schema: {
          tags,
          summary:
            'May this purpose use these categories of this subject’s information now? Reasons name what is missing',
          body: Type.Object(
            {
              subject: Subject,
              purpose: PurposeKey,
              categories: CheckCategories,
            },
            { additionalProperties: false },
          ),
          response: { 200: Check, ...errorResponses },
        },
      },
      // Not async: a check that needs no read or write is answered without a promise (see checkNow).
      (req) => ctx.rules.checkNow(req.principal!.actor, req.body, req.id),
    );
    app.post(
      '/purpose-check/batch',
      {
        config: { permission: 'purpose:check' },
        schema: {
          tags,
          summary: 'The purpose check for many subjects',
          body: Type.Object(
            {
              purpose: PurposeKey,
              categories: CheckCategories,
              subjects: Type.Array(Subject, { minItems: 1, maxItems: 1000 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              results: Type.Array(Type.Composite([Check, Type.Object({ subject: Type.String() })])),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => ({
        results: await ctx.rules.checkBatch(
          req.principal!.actor,
          req.body.purpose,
          req.body.categories,
          req.body.subjects,
          req.id,
        ),
      }),
    );

    publicationRoutes(ctx, app, Version);
  };
}
