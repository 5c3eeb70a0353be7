import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createPurposeChecker, PurposeCheckError } from '../../src/client/index.js';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';
import { as, makeApp, setupAdmin, type TestApp } from '../helpers/http.js';
import { purposeBody } from '../helpers/purposes.js';

const marketing = purposeBody();

describe.each(DIALECTS)('the typed client’s purpose checker on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let key = '';
  const requests: string[] = [];
  // The client's fetch goes through app.inject, so no port is opened; each request's path is recorded.
  const fetchViaInject: typeof fetch = async (input) => {
    const req = input as Request;
    const url = new URL(req.url);
    requests.push(url.pathname);
    const res = await app.inject({
      method: req.method as 'POST',
      url: url.pathname + url.search,
      headers: Object.fromEntries(req.headers.entries()),
      payload: req.body ? await req.text() : undefined,
    });
    return new Response(res.body, { status: res.statusCode, headers: res.headers as Record<string, string> });
  };
  const client = () => createClient({ baseUrl: 'http://custodian.test', apiKey: key, fetch: fetchViaInject });

  beforeAll(async () => {
    t = await makeContext(dialect);
    app = await makeApp(t.ctx);
    const admin = await setupAdmin(app);
    key = (
      await as(app, admin).post('/api/v1/api-keys', {
        name: 'shop',
        scopes: ['purpose:check', 'consents:write'],
      })
    ).json().key;
    await as(app, admin).put('/api/v1/purposes/marketing', marketing);
    await as(app, admin).post('/api/v1/rules/publish', {});
    for (const subject of ['a', 'b', 'c'])
      await as(app, { key }).post('/api/v1/consents', {
        subject,
        purpose: 'marketing',
        given: true,
        rulesVersion: 1,
        channel: 'web',
      });
    await as(app, { key }).post('/api/v1/consents', {
      subject: 'b',
      purpose: 'marketing',
      given: false,
      rulesVersion: 1,
      channel: 'web',
    });
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('answers concurrent checks with one batch request, each with its own decision', async () => {
    const checker = createPurposeChecker(client());
    requests.length = 0;
    const subjects = ['a', 'b', 'c', 'd', 'a'];
    const out = await Promise.all(
      subjects.map((subject) =>
        checker.check({ subject, purpose: 'marketing', categories: ['contact', 'contact'] }),
      ),
    );
    expect(requests).toEqual(['/api/v1/purpose-check/batch']);
    expect(out).toEqual([
      { allowed: true, reasons: [] },
      { allowed: false, reasons: ['consent_withdrawn'] },
      { allowed: true, reasons: [] },
      { allowed: false, reasons: ['no_consent'] },
      { allowed: true, reasons: [] },
    ]);
    // Different categories travel separately; a lone check uses the single route.
    requests.length = 0;
    const [x, y] = await Promise.all([
      checker.check({ subject: 'a', purpose: 'marketing', categories: ['contact'] }),
      checker.check({ subject: 'a', purpose: 'marketing', categories: ['location'] }),
    ]);
    expect(requests.sort()).toEqual(['/api/v1/purpose-check', '/api/v1/purpose-check']);
    expect(x.allowed).toBe(true);
    expect(y).toEqual({ allowed: false, reasons: ['category_not_in_scope:location'] });
  });

  it('splits large bursts into batches of at most maxBatch', async () => {
    const checker = createPurposeChecker(client(), { maxBatch: 2 });
    requests.length = 0;
    const out = await Promise.all(
      ['a', 'b', 'c', 'a', 'b'].map((subject) =>
        checker.check({ subject, purpose: 'marketing', categories: ['contact'] }),
      ),
    );
    expect(out.map((d) => d.allowed)).toEqual([true, false, true, true, false]);
    expect(requests).toHaveLength(3);
  });

  it('decides nothing itself: a withdrawal counts at the next check, and denials are audited', async () => {
    const checker = createPurposeChecker(client());
    expect((await checker.check({ subject: 'c', purpose: 'marketing', categories: [] })).allowed).toBe(true);
    await as(app, { key }).post('/api/v1/consents', {
      subject: 'c',
      purpose: 'marketing',
      given: false,
      rulesVersion: 1,
      channel: 'app',
    });
    const before = await t.ctx.db
      .selectFrom('audit_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'purpose.check.denied')
      .executeTakeFirstOrThrow();
    expect(await checker.check({ subject: 'c', purpose: 'marketing', categories: [] })).toEqual({
      allowed: false,
      reasons: ['consent_withdrawn'],
    });
    const after = await t.ctx.db
      .selectFrom('audit_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'purpose.check.denied')
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
  });

  it('rejects every waiting check with the server’s error', async () => {
    const noKey = createPurposeChecker(
      createClient({ baseUrl: 'http://custodian.test', apiKey: 'wrong', fetch: fetchViaInject }),
    );
    const results = await Promise.allSettled([
      noKey.check({ subject: 'a', purpose: 'marketing', categories: [] }),
      noKey.check({ subject: 'b', purpose: 'marketing', categories: [] }),
    ]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const err = (r as PromiseRejectedResult).reason as PurposeCheckError;
      expect(err).toBeInstanceOf(PurposeCheckError);
      expect(err.status).toBe(401);
    }
    const bad = await createPurposeChecker(client())
      .check({ subject: '', purpose: 'marketing', categories: [] })
      .catch((e: PurposeCheckError) => e);
    expect((bad as PurposeCheckError).status).toBe(400);
  });
});
