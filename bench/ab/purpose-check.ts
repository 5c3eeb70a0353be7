// A/B of POST /api/v1/purpose-check between AB_BASE and this checkout: one store seeded as bench/purpose-check
// seeds it (1,000,000 consents; AB_CONSENTS resizes), each checkout's benchmark server on it.
//   node --import tsx bench/ab/purpose-check.ts [sqlite|postgres] [share denied, default 0.05 | ledger-free]
// AB_QUERIES: how many prepared queries with random subjects (default 20,000).
import path from 'node:path';
import { SYSTEM } from '../../src/audit/actor.js';
import { bareFastify, child, ROOT } from '../http-load.js';
import { makeQueries } from '../purpose-check/corpus.js';
import { createBenchStore, seedBenchStore, type Dialect } from '../purpose-check/store.js';
import { compare, roots, sideEnv } from './shared.js';

const dialect: Dialect = process.argv[2] === 'sqlite' ? 'sqlite' : 'postgres';
const mix = process.argv[3] ?? '0.05';
const PG_URL = process.env.CUSTODIAN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const b = await createBenchStore(dialect, PG_URL);
try {
  const { ctx, purposes, gen } = await seedBenchStore(b, Number(process.env.AB_CONSENTS ?? 1_000_000));
  const key = await ctx.accounts.createApiKey(SYSTEM, { name: 'ab', scopes: ['purpose:check'] });
  const ledgerFree = mix === 'ledger-free';
  const bodies = makeQueries(
    purposes,
    gen.pairs,
    gen.subjects,
    Number(process.env.AB_QUERIES ?? 20_000),
    ledgerFree ? 0 : Number(mix),
    1,
    ledgerFree,
  ).map((q) => JSON.stringify(q));
  await ctx.close();
  let i = 0;
  const body = () => bodies[i++ % bodies.length];
  const bare = await bareFastify({ allowed: true, reasons: [] });
  const servers: Array<Awaited<ReturnType<typeof child>>> = [];
  for (const [k, root] of roots(ROOT).entries())
    servers.push(
      await child(
        ['--import', 'tsx', path.join(root, 'bench/purpose-check/server.ts')],
        { BENCH_STORE: JSON.stringify(b), ...sideEnv(k ? 'B' : 'A') },
        /READY (http:\/\/\S+)/,
      ),
    );
  const auth = { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' };
  const check = (s: (typeof servers)[number]) => ({
    ...s,
    url: `${s.url}/api/v1/purpose-check`,
    headers: auth,
  });
  try {
    await compare(
      { ...bare, headers: { 'content-type': 'application/json' } },
      check(servers[0]),
      check(servers[1]),
      body,
      `${dialect}, ${mix}`,
    );
  } finally {
    for (const t of [bare, ...servers]) t.kill();
    await new Promise((r) => setTimeout(r, 500));
  }
} finally {
  await b.cleanup();
}
