import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { errorResponses, IdParams, page, Paging } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { checkScreenContext } from './service.js';
import type { RuleFormat } from '../screening/formats.js';
import { RULE_ACTIONS, RULE_KINDS } from '../screening/rules.js';

const Match = Type.Object({
  rule: Type.String(),
  category: Type.String(),
  action: Type.String(),
  start: Type.Integer(),
  end: Type.Integer(),
  matched: Type.String(),
  ruleSet: Type.Optional(Type.String()),
  version: Type.Optional(Type.Integer()),
});
const ScreenBody = Type.Object(
  {
    contentType: Type.String({ minLength: 1, maxLength: 64 }),
    text: Type.String({ maxLength: 100_000 }),
    contentId: Type.String({ minLength: 1, maxLength: 200 }),
    author: Type.Object(
      {
        account: Type.String({ minLength: 1, maxLength: 200 }),
        ip: Type.Optional(Type.String({ maxLength: 64 })),
      },
      { additionalProperties: false },
    ),
    context: Type.Optional(Type.Record(Type.String(), Type.Any())),
  },
  { additionalProperties: false },
);
const ScreenAnswer = Type.Object({
  decision: Type.String(),
  matches: Type.Array(Match),
  caseId: Type.Optional(Type.String()),
});
const RuleSchema = Type.Object(
  {
    id: Type.String(),
    pattern: Type.String(),
    category: Type.String(),
    action: Type.Union(RULE_ACTIONS.map((a) => Type.Literal(a))),
    type: Type.Optional(Type.Union(RULE_KINDS.map((k) => Type.Literal(k)))),
    contentTypes: Type.Optional(Type.Array(Type.String())),
    allow: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);
const Format = Type.Union([Type.Literal('jsonl'), Type.Literal('csv'), Type.Literal('text')]);
const Options = Type.Record(Type.String(), Type.Union([Type.Boolean(), Type.Integer()]));
const RuleSet = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  active: Type.Boolean(),
  options: Options,
  publishedVersion: Type.Union([Type.Integer(), Type.Null()]),
  latestVersion: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const Version = Type.Object({
  version: Type.Integer(),
  ruleCount: Type.Integer(),
  sha256: Type.String(),
  note: Type.String(),
  status: Type.String(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  publishedAt: Type.Union([Type.String(), Type.Null()]),
});
const VersionParams = Type.Object({
  id: Type.String({ maxLength: 64 }),
  version: Type.Integer({ minimum: 1 }),
});
const Reasons = Type.Object(
  {
    facts: Type.String({ minLength: 1, maxLength: 2000 }),
    rule: Type.String({ minLength: 1, maxLength: 500 }),
    ground: Type.String({ minLength: 1, maxLength: 1000 }),
    objection: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);
const Case = Type.Object(
  {
    id: Type.String(),
    contentId: Type.String(),
    contentType: Type.String(),
    decision: Type.String(),
    status: Type.String(),
    topCategory: Type.String(),
    categories: Type.Array(Type.String()),
    authorAccount: Type.String(),
    receivedAt: Type.String(),
    transmissionStoppedAt: Type.Union([Type.String(), Type.Null()]),
    claimedBy: Type.Union([Type.String(), Type.Null()]),
    claimedAt: Type.Union([Type.String(), Type.Null()]),
    decidedBy: Type.Union([Type.String(), Type.Null()]),
    decidedAt: Type.Union([Type.String(), Type.Null()]),
    reasons: Type.Union([Reasons, Type.Null()]),
    retainUntil: Type.String(),
    legalHold: Type.Boolean(),
    purgedAt: Type.Union([Type.String(), Type.Null()]),
    claimedByName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    decidedByName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { $id: 'Case' },
);
const Report = Type.Object({
  id: Type.String(),
  number: Type.String(),
  caseIds: Type.Array(Type.String()),
  authority: Type.String(),
  createdAt: Type.String(),
  manifestSha256: Type.String(),
  submittedAt: Type.Union([Type.String(), Type.Null()]),
  submittedTo: Type.Union([Type.String(), Type.Null()]),
  receipt: Type.Union([Type.String(), Type.Null()]),
});

/** The gate, rule sets, the moderation queue and report packages. */
export function moderationRoutes(ctx: AppContext) {
  return async function routes(app: App) {
    app.addSchema(Case);

    // ---- the gate ----
    app.post(
      '/screen',
      {
        config: { permission: 'screen' },
        schema: {
          tags: ['screening'],
          summary:
            'Screen content before publication: allow, review (queued) or block (stop transmission; evidence kept)',
          body: ScreenBody,
          response: { 200: ScreenAnswer, ...errorResponses },
        },
      },
      // Not async: an allowed post is answered without a promise (see screenNow).
      (req) => ctx.moderation.screenNow(req.principal!.actor, req.body, req.id),
    );

    app.post(
      '/screen/batch',
      {
        config: { permission: 'screen' },
        bodyLimit: 16 * 1024 * 1024,
        schema: {
          tags: ['screening'],
          summary: 'Screen many items (backfills); each answer as from /screen, in order',
          body: Type.Object(
            { items: Type.Array(ScreenBody, { minItems: 1, maxItems: 1000 }) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ results: Type.Array(ScreenAnswer) }), ...errorResponses },
        },
      },
      async (req) => {
        // Every item is checked first: a bad one late in the batch must not leave the earlier ones stored.
        req.body.items.forEach((item, i) => checkScreenContext(item.context, `items.${i}.context`));
        const results = [];
        for (const item of req.body.items)
          results.push(await ctx.moderation.screen(req.principal!.actor, item, req.id));
        return { results };
      },
    );

    app.get(
      '/screen/stats',
      {
        config: { permission: 'cases:read' },
        schema: {
          tags: ['screening'],
          summary: 'Daily counts of screened content by type and decision',
          querystring: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 366, default: 30 }) }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  day: Type.String(),
                  contentType: Type.String(),
                  decision: Type.String(),
                  count: Type.Integer(),
                }),
              ),
            }),
          },
        },
      },
      async (req) => {
        await ctx.moderation.flushCounters();
        const since = new Date(Date.now() - req.query.days * 86_400_000).toISOString().slice(0, 10);
        const rows = await ctx.db
          .selectFrom('screen_counters')
          .selectAll()
          .where('day', '>=', since)
          .orderBy('day')
          .execute();
        return {
          items: rows.map((r) => ({
            day: r.day,
            contentType: r.content_type,
            decision: r.decision,
            count: Number(r.count),
          })),
        };
      },
    );

    // ---- rule sets ----
    const tags = ['rule sets'];
    app.get(
      '/rule-sets',
      {
        config: { permission: 'rulesets:read' },
        schema: {
          tags,
          summary: 'Rule sets',
          response: { 200: Type.Object({ items: Type.Array(RuleSet) }), ...errorResponses },
        },
      },
      async () => ({ items: await ctx.ruleSets.list() }),
    );
    app.post(
      '/rule-sets',
      {
        config: { permission: 'rulesets:write' },
        schema: {
          tags,
          summary: 'Create a rule set',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              description: Type.Optional(Type.String({ maxLength: 1000 })),
              options: Type.Optional(Options),
            },
            { additionalProperties: false },
          ),
          response: { 201: RuleSet, ...errorResponses },
        },
      },
      async (req, reply) =>
        reply.status(201).send((await ctx.ruleSets.create(req.principal!.actor, req.body, req.id)) as never),
    );
    app.get(
      '/rule-sets/:id',
      {
        config: { permission: 'rulesets:read' },
        schema: {
          tags,
          summary: 'A rule set with its version history',
          params: IdParams,
          response: {
            200: Type.Composite([RuleSet, Type.Object({ versions: Type.Array(Version) })]),
            ...errorResponses,
          },
        },
      },
      async (req) => ctx.ruleSets.get(req.params.id),
    );
    app.patch(
      '/rule-sets/:id',
      {
        config: { permission: 'rulesets:write' },
        schema: {
          tags,
          summary: 'Describe, activate or deactivate a rule set, or change its normalization options',
          params: IdParams,
          body: Type.Object(
            {
              description: Type.Optional(Type.String({ maxLength: 1000 })),
              active: Type.Optional(Type.Boolean()),
              options: Type.Optional(Options),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: RuleSet, ...errorResponses },
        },
      },
      async (req) => {
        const r = await ctx.ruleSets.update(req.principal!.actor, req.params.id, req.body, req.id);
        await ctx.ruleCache.refresh();
        return r;
      },
    );
    app.post(
      '/rule-sets/:id/versions',
      {
        config: { permission: 'rulesets:write' },
        bodyLimit: 32 * 1024 * 1024,
        schema: {
          tags,
          summary: 'Add a draft version: rules as objects, or imported text (jsonl, csv, or one term a line)',
          params: IdParams,
          body: Type.Object(
            {
              rules: Type.Optional(Type.Array(RuleSchema, { maxItems: 200_000 })),
              text: Type.Optional(Type.String({ maxLength: 30_000_000 })),
              format: Type.Optional(Format),
              note: Type.Optional(Type.String({ maxLength: 500 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Version, ...errorResponses },
        },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(
            await ctx.ruleSets.addVersion(
              req.principal!.actor,
              req.params.id,
              { ...req.body, format: req.body.format as RuleFormat | undefined } as never,
              req.id,
            ),
          ),
    );
    app.post(
      '/rule-sets/:id/versions/:version/publish',
      {
        config: { permission: 'rulesets:write' },
        schema: {
          tags,
          summary: 'Publish a version: the gate applies it within seconds on every instance',
          params: VersionParams,
          response: { 200: RuleSet, ...errorResponses },
        },
      },
      async (req) => {
        const r = await ctx.ruleSets.publish(req.principal!.actor, req.params.id, req.params.version, req.id);
        await ctx.ruleCache.refresh();
        return r;
      },
    );
    app.get(
      '/rule-sets/:id/versions/:version/export',
      {
        config: { permission: 'rulesets:read' },
        schema: {
          tags,
          summary: 'Export a version as JSONL, CSV or plain text',
          params: VersionParams,
          querystring: Type.Object({ format: Type.Optional(Format) }),
          response: { 200: Type.String(), ...errorResponses },
        },
      },
      async (req, reply) => {
        const format = (req.query.format ?? 'jsonl') as RuleFormat;
        const ext = format === 'text' ? 'txt' : format;
        reply
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'text/plain; charset=utf-8')
          .header('content-disposition', `attachment; filename="rules-v${req.params.version}.${ext}"`);
        return ctx.ruleSets.export(req.params.id, req.params.version, format);
      },
    );
    app.get(
      '/rule-sets/:id/diff',
      {
        config: { permission: 'rulesets:read' },
        schema: {
          tags,
          summary: 'Rules added, removed and changed between two versions',
          params: IdParams,
          querystring: Type.Object({ from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) }),
          response: {
            200: Type.Object({
              from: Type.Integer(),
              to: Type.Integer(),
              added: Type.Array(RuleSchema),
              removed: Type.Array(RuleSchema),
              changed: Type.Array(Type.Object({ before: RuleSchema, after: RuleSchema })),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => ctx.ruleSets.diff(req.params.id, req.query.from, req.query.to),
    );
    app.post(
      '/rule-sets/:id/test',
      {
        config: { permission: 'rulesets:read' },
        schema: {
          tags,
          summary: 'Screen a text against one version (e.g. a draft) without storing anything',
          params: IdParams,
          body: Type.Object(
            {
              text: Type.String({ maxLength: 100_000 }),
              version: Type.Integer({ minimum: 1 }),
              contentType: Type.Optional(Type.String({ maxLength: 64 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ decision: Type.String(), matches: Type.Array(Match) }),
            ...errorResponses,
          },
        },
      },
      async (req) => ctx.ruleSets.test(req.params.id, req.body.version, req.body.text, req.body.contentType),
    );

    // ---- the moderation queue ----
    const ctags = ['moderation'];
    app.get(
      '/cases',
      {
        config: { permission: 'cases:read' },
        schema: {
          tags: ctags,
          summary: 'Cases, oldest first; status=queue lists open, claimed and escalated work',
          querystring: Type.Composite([
            Paging,
            Type.Object({
              status: Type.Optional(
                Type.Union(
                  ['queue', 'open', 'claimed', 'removed', 'restored', 'escalated', 'reportable'].map((s) =>
                    Type.Literal(s),
                  ),
                ),
              ),
              category: Type.Optional(Type.String({ maxLength: 64 })),
              contentType: Type.Optional(Type.String({ maxLength: 64 })),
              olderThanHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 366 * 100 })),
              q: Type.Optional(Type.String({ maxLength: 200 })),
            }),
          ]),
          response: { 200: page(Type.Ref('Case')), ...errorResponses },
        },
      },
      async (req) => ({
        ...(await ctx.moderation.list(req.query)),
        limit: req.query.limit,
        offset: req.query.offset,
      }),
    );
    app.get(
      '/cases/:id',
      {
        config: { permission: 'cases:read' },
        schema: {
          tags: ctags,
          summary: 'A case with its evidence and matches (opening it is audited)',
          params: IdParams,
          response: {
            200: Type.Composite([
              Type.Omit(Case, []),
              Type.Object({
                evidence: Type.Object({
                  content: Type.Union([Type.String(), Type.Null()]),
                  contentSha256: Type.String(),
                  evidenceSha256: Type.String(),
                  context: Type.Record(Type.String(), Type.Any()),
                  ruleVersions: Type.Array(Type.Object({ ruleSet: Type.String(), version: Type.Integer() })),
                  matches: Type.Array(Match),
                  hasAuthorIp: Type.Boolean(),
                }),
              }),
            ]),
            ...errorResponses,
          },
        },
      },
      async (req) => ctx.moderation.get(req.principal!.actor, req.params.id, req.id),
    );
    app.post(
      '/cases/:id/claim',
      {
        config: { permission: 'cases:decide' },
        schema: {
          tags: ctags,
          summary: 'Claim a case to work on it',
          params: IdParams,
          response: { 200: Type.Ref('Case'), ...errorResponses },
        },
      },
      async (req) => ctx.moderation.claim(req.principal!.actor, req.params.id, req.id),
    );
    app.post(
      '/cases/:id/decide',
      {
        config: { permission: 'cases:decide' },
        schema: {
          tags: ctags,
          summary: 'Remove (calls the provider’s webhook), restore, escalate, or mark as reportable',
          params: IdParams,
          body: Type.Object(
            {
              action: Type.Union(['remove', 'restore', 'escalate', 'reportable'].map((a) => Type.Literal(a))),
              reasons: Type.Optional(Reasons),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Ref('Case'), ...errorResponses },
        },
      },
      async (req) => ctx.moderation.decide(req.principal!.actor, req.params.id, req.body as never, req.id),
    );
    app.post(
      '/cases/:id/hold',
      {
        config: { permission: 'cases:decide' },
        schema: {
          tags: ctags,
          summary: 'Put evidence under legal hold (kept past retention) or release it',
          params: IdParams,
          body: Type.Object({ hold: Type.Boolean() }, { additionalProperties: false }),
          response: { 200: Type.Ref('Case'), ...errorResponses },
        },
      },
      async (req) => ctx.moderation.setLegalHold(req.principal!.actor, req.params.id, req.body.hold, req.id),
    );
    app.get(
      '/cases/:id/verify',
      {
        config: { permission: 'cases:read' },
        schema: {
          tags: ctags,
          summary: 'Recompute the evidence hash and compare it with the one in the audit chain',
          params: IdParams,
          response: {
            200: Type.Object({
              ok: Type.Boolean(),
              evidenceSha256: Type.String(),
              audited: Type.Union([Type.String(), Type.Null()]),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => ctx.moderation.verifyEvidence(req.params.id),
    );

    // ---- report packages ----
    const rtags = ['reports'];
    app.get(
      '/reports',
      {
        config: { permission: 'reports:read' },
        schema: {
          tags: rtags,
          summary: 'Report packages for the authority, newest first',
          querystring: Type.Composite([
            Paging,
            Type.Object({
              submitted: Type.Optional(
                Type.Boolean({ description: 'Only packages already submitted (true) or not yet (false)' }),
              ),
            }),
          ]),
          response: { 200: page(Report), ...errorResponses },
        },
      },
      async (req) => ctx.reports.list(req.query),
    );
    app.post(
      '/reports',
      {
        config: { permission: 'reports:write' },
        schema: {
          tags: rtags,
          summary: 'Build a report package: Chinese PDF summary, JSON, original evidence, SHA-256 manifest',
          body: Type.Object(
            {
              caseIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 500 }),
              authority: Type.String({ minLength: 1, maxLength: 200 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: Report, ...errorResponses },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await ctx.reports.create(req.principal!.actor, req.body, req.id)),
    );
    app.get(
      '/reports/:id/download',
      {
        config: { permission: 'reports:read' },
        schema: {
          tags: rtags,
          summary: 'Download the package (zip)',
          params: IdParams,
          response: { 200: Type.Any(), ...errorResponses },
        },
      },
      async (req, reply) => {
        const r = await ctx.reports.download(req.principal!.actor, req.params.id, req.id);
        return reply
          .type('application/zip')
          .header('content-disposition', `attachment; filename="${r.number}.zip"`)
          .send(r.archive);
      },
    );
    app.post(
      '/reports/:id/submission',
      {
        config: { permission: 'reports:write' },
        schema: {
          tags: rtags,
          summary: 'Record when and to whom the package was submitted, and the receipt',
          params: IdParams,
          body: Type.Object(
            {
              submittedTo: Type.String({ minLength: 1, maxLength: 200 }),
              receipt: Type.Optional(Type.String({ maxLength: 500 })),
              submittedAt: Type.Optional(Type.String({ format: 'date-time' })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Report, ...errorResponses },
        },
      },
      async (req) => ctx.reports.recordSubmission(req.principal!.actor, req.params.id, req.body, req.id),
    );
  };
}
