import { Type, type TSchema } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { errorResponses } from '../http/schemas.js';
import type { FastifyReply } from 'fastify';
import type { App } from '../http/types.js';
import { rulesDocument, DOC_LANGS, type DocLang } from './document.js';
import { rulesHtml } from './document-html.js';
import { rulesPdf } from './document-pdf.js';
import { DATA_CATEGORIES } from './register.js';
import type { RulesVersion } from './service.js';
import { consentRates, MAX_BUCKETS } from './stats.js';
import { wideningsBetween } from './widening.js';

export const Category = Type.Object({
  id: Type.String(),
  sensitive: Type.Boolean(),
  zh: Type.String(),
  en: Type.String(),
});

export const Organisation = Type.Object({
  providerName: Type.String(),
  officerContact: Type.Union([Type.String(), Type.Null()]),
  complaintChannel: Type.Union([Type.String(), Type.Null()]),
});

/** A version as the API shows it: with the labels and sensitivity of the categories it uses. */
export const presentVersion = (v: RulesVersion) => {
  const used = new Set(v.purposes.flatMap((p) => p.categories));
  return { ...v, categories: DATA_CATEGORIES.filter((c) => used.has(c.id)) };
};

const lit = (xs: readonly string[]) => Type.Union(xs.map((x) => Type.Literal(x)));
const ExportQuery = Type.Object({
  format: Type.Optional(lit(['html', 'pdf'])),
  lang: Type.Optional(lit(DOC_LANGS)),
});

/**
 * The rules as documents (HTML, PDF), the publication preview, the category labels and consent-rate
 * statistics. Registered by rulesRoutes; `Version` is its schema of a published version.
 */
export function publicationRoutes(ctx: AppContext, app: App, Version: TSchema) {
  const tags = ['rules and consent'];

  const portalUrl = (req: { protocol: string; host: string }) =>
    ctx.config.publicUrl ?? `${req.protocol}://${req.host}`;

  // Versions are immutable, so their PDFs are too: built once per version, language and portal address, since
  // building one costs about a second of CPU and the route is public.
  const pdfs = new Map<string, Promise<Buffer>>();
  const pdfOf = (v: RulesVersion, lang: DocLang, url: string) => {
    const key = `${v.version}\n${lang}\n${url}`;
    let pdf = pdfs.get(key);
    if (!pdf) {
      if (pdfs.size >= 64) pdfs.delete(pdfs.keys().next().value!);
      pdf = rulesPdf(rulesDocument(v, lang, url), v.publishedAt);
      pdf.catch(() => pdfs.delete(key));
      pdfs.set(key, pdf);
    }
    return pdf;
  };

  const exportVersion = async (
    v: RulesVersion,
    q: { format?: string; lang?: string },
    req: { protocol: string; host: string },
    reply: FastifyReply,
  ) => {
    const format = q.format === 'pdf' ? 'pdf' : 'html';
    const lang: DocLang = q.lang === 'en' ? 'en' : 'zh-CN';
    const url = portalUrl(req);
    const name = `rules-v${v.version}-${lang}.${format}`;
    reply.header('content-disposition', `attachment; filename="${name}"`);
    if (format === 'html')
      return reply.type('text/html; charset=utf-8').send(rulesHtml(rulesDocument(v, lang, url)));
    return reply.type('application/pdf').send(await pdfOf(v, lang, url));
  };

  app.get(
    '/rules/versions/:version/export',
    {
      config: { public: true },
      schema: {
        tags,
        summary:
          'One published version as a document: standalone HTML or PDF, in Chinese or English (public)',
        params: Type.Object({ version: Type.Integer({ minimum: 1 }) }),
        querystring: ExportQuery,
        response: { 200: Type.Any(), ...errorResponses },
      },
    },
    async (req, reply) => exportVersion(await ctx.rules.version(req.params.version), req.query, req, reply),
  );
  app.get(
    '/rules/current/export',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'The rules in force as a document: standalone HTML or PDF, in Chinese or English (public)',
        querystring: ExportQuery,
        response: { 200: Type.Any(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const cur = await ctx.rules.current();
      if (!cur)
        throw new AppError(404, 'not_published', 'No collection-and-use rules have been published yet');
      return exportVersion(cur, req.query, req, reply);
    },
  );
  app.get(
    '/rules/categories',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'The data categories with their labels and sensitivity (public)',
        response: { 200: Type.Object({ items: Type.Array(Category) }) },
      },
    },
    async () => ({ items: [...DATA_CATEGORIES] }),
  );
  app.get(
    '/rules/preview',
    {
      config: { permission: 'purposes:read' },
      schema: {
        tags,
        summary:
          'The version a publication now would create (not stored), the version in force, and the purposes whose consents it would require again',
        response: {
          200: Type.Object({
            preview: Version,
            current: Type.Union([Version, Type.Null()]),
            reconsent: Type.Array(
              Type.Object({
                purpose: Type.String(),
                categories: Type.Array(Type.String()),
                methods: Type.Array(Type.String()),
                recipients: Type.Array(Type.String()),
                terms: Type.Array(Type.String(), {
                  description:
                    'Other terms that grew: legal_basis, disclosure, guardian, cross_border:<destination>/<recipient>',
                }),
                consenting: Type.Integer({
                  description: 'People whose consent in force would stop covering it',
                }),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async () => {
      const [preview, current] = await Promise.all([ctx.rules.preview(), ctx.rules.current()]);
      const widenings = current ? wideningsBetween(current.purposes, preview.purposes) : [];
      const reconsent = [];
      for (const w of widenings)
        reconsent.push({ ...w, consenting: await ctx.rules.consentingCount(w.purpose) });
      return {
        preview: presentVersion(preview),
        current: current ? presentVersion(current) : null,
        reconsent,
      };
    },
  );
  app.get(
    '/consents/stats',
    {
      config: { permission: 'consents:read' },
      schema: {
        tags,
        summary: `Consent rates per purpose over time (days or weeks, China Standard Time unless utcOffset says otherwise; at most ${MAX_BUCKETS} buckets)`,
        querystring: Type.Object({
          purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          from: Type.Optional(Type.String({ format: 'date', description: 'First day, YYYY-MM-DD' })),
          to: Type.Optional(
            Type.String({ format: 'date', description: 'Last day, YYYY-MM-DD; default today' }),
          ),
          bucket: Type.Optional(lit(['day', 'week'])),
          utcOffset: Type.Optional(
            Type.Integer({
              minimum: -720,
              maximum: 840,
              description: 'Minutes east of UTC where days begin; default 480 (China Standard Time)',
            }),
          ),
        }),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            bucket: Type.String(),
            utcOffset: Type.Integer(),
            purposes: Type.Array(
              Type.Object({
                purpose: Type.String(),
                buckets: Type.Array(
                  Type.Object({
                    start: Type.String(),
                    given: Type.Integer(),
                    withdrawn: Type.Integer(),
                    consenting: Type.Integer(),
                    subjects: Type.Integer(),
                    rate: Type.Union([Type.Number(), Type.Null()]),
                  }),
                ),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      // A key no purpose ever had would chart nobody: say so instead of drawing an empty chart.
      const { purpose } = req.query;
      const known = async (key: string) =>
        (await ctx.db.selectFrom('purposes').select('key').where('key', '=', key).executeTakeFirst()) ??
        (await ctx.db
          .selectFrom('consents')
          .select('purpose_key')
          .where('purpose_key', '=', key)
          .limit(1)
          .executeTakeFirst());
      if (purpose !== undefined && !(await known(purpose)))
        throw new AppError(404, 'unknown_purpose', `no purpose has the key ${purpose}`, { field: 'purpose' });
      return consentRates(ctx.db, ctx.store.dialect, req.query as never);
    },
  );
}
