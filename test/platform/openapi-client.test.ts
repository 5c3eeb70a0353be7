import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { clientTypes } from '../../scripts/gen-client.js';
import { makeContext, type TestContext } from '../helpers/dialects.js';
import { makeApp, setupAdmin, as, type TestApp } from '../helpers/http.js';

describe('OpenAPI document and typed client', () => {
  let t: TestContext;
  let app: TestApp;
  beforeAll(async () => {
    t = await makeContext('sqlite');
    app = await makeApp(t.ctx);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('serves OpenAPI 3.1 with a response schema on every route', async () => {
    const doc = (await app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(
      doc.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>,
    ).flatMap(([p, methods]) => Object.entries(methods).map(([m, op]) => ({ p, m, op })));
    expect(ops.length).toBeGreaterThan(25);
    for (const { p, m, op } of ops) expect(Object.keys(op.responses ?? {}), `${m} ${p}`).not.toHaveLength(0);
    expect((await app.inject({ url: '/api/docs' })).statusCode).toBeLessThan(400);
  });

  it('the checked-in client types match the current routes (npm run gen:client)', async () => {
    const current = readFileSync(new URL('../../src/client/schema.ts', import.meta.url), 'utf8');
    expect(current === (await clientTypes()), 'src/client/schema.ts is stale: run npm run gen:client').toBe(
      true,
    );
  });

  it('the client talks to the API with an API key', async () => {
    const admin = await setupAdmin(app);
    const { key } = (
      await as(app, admin).post('/api/v1/api-keys', { name: 'client', scopes: ['users:read'] })
    ).json();
    // Route the client's fetch through app.inject, so no port is opened.
    const fetchViaInject: typeof fetch = async (input) => {
      const req = input as Request;
      const res = await app.inject({
        method: req.method as 'GET',
        url: new URL(req.url).pathname + new URL(req.url).search,
        headers: Object.fromEntries(req.headers.entries()),
      });
      return new Response(res.body, {
        status: res.statusCode,
        headers: res.headers as Record<string, string>,
      });
    };
    const client = createClient({ baseUrl: 'http://custodian.test', apiKey: key, fetch: fetchViaInject });
    const { data, error } = await client.GET('/api/v1/users', {
      params: { query: { limit: 10, offset: 0 } },
    });
    expect(error).toBeUndefined();
    expect(data!.items[0].username).toBe('admin');
    const denied = await client.GET('/api/v1/audit', { params: { query: { limit: 5 } } });
    expect(denied.response.status).toBe(403);
  });
});
