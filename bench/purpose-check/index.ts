// The purpose check (issue 4) with a register of 50 purposes and 1,000,000 consents, on SQLite and on
// PostgreSQL: `rules.check()` in process, and `POST /api/v1/purpose-check` under autocannon (50 connections)
// beside a bare Fastify route returning a constant, measured in the same run. Prints Markdown.
//   node --import tsx bench/purpose-check/index.ts [sqlite] [postgres]
// PostgreSQL: CUSTODIAN_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a schema of
// its own, dropped afterwards. BENCH_CONSENTS, BENCH_LOAD_SECONDS, BENCH_ROUNDS, BENCH_INPROC_SECONDS resize it;
// BENCH_SERVER_ARGS adds Node flags to the server process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
import autocannon from 'autocannon';
import { SYSTEM, type ActorRef } from '../../src/audit/actor.js';
import { AppContext } from '../../src/context.js';
import { bareFastify, child, cpuMeter, median } from '../http-load.js';
import { makeQueries } from './corpus.js';
import { createBenchStore, seedBenchStore, type Dialect } from './store.js';

const PG_URL = process.env.CUSTODIAN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONSENTS = Number(process.env.BENCH_CONSENTS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const INPROC_SECONDS = Number(process.env.BENCH_INPROC_SECONDS ?? 3);
const args = process.argv.slice(2).filter((a): a is Dialect => a === 'sqlite' || a === 'postgres');
const DIALECTS: Dialect[] = args.length ? args : ['sqlite', 'postgres'];
// Shares of denied checks to measure; the first is the realistic mix the target is judged on. `ledger-free`
// checks only purposes on contract or a legal duty: allowed without a ledger read, so it shows what the web
// stack, API key, validation and audit counters cost alone.
const MIXES = (process.env.BENCH_DENIED ?? '0.05,0.5,ledger-free').split(',').map((x, k) => {
  if (x === 'ledger-free')
    return {
      name: 'no ledger read (contract and legal-duty purposes)',
      denied: 0,
      seed: k + 1,
      ledgerFree: true,
    };
  const denied = Number(x);
  const name =
    denied === 0
      ? 'all allowed'
      : denied < 0.2
        ? `mostly allowed (${denied * 100}% denied)`
        : `denial-heavy (${denied * 100}% denied)`;
  return { name, denied, seed: k + 1, ledgerFree: false };
});

const fmt = (n: number) => Math.round(n).toLocaleString('en');
type Query = { subject: string; purpose: string; categories: string[] };

/** `rules.check()` for `seconds` with `inFlight` checks awaiting at once; checks/s and the allowed share. */
async function inProcess(ctx: AppContext, actor: ActorRef, qs: Query[], inFlight: number, seconds: number) {
  let i = 0;
  let allowed = 0;
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) {
        const r = await ctx.rules.check(actor, qs[i++ % qs.length]);
        done++;
        if (r.allowed) allowed++;
      }
    }),
  );
  return { perSecond: done / ((performance.now() - started) / 1000), allowed: allowed / done };
}

interface Round {
  r: autocannon.Result;
  cpuUs: number;
  /** The local PostgreSQL server's CPU per request (it shares the machine's two cores). */
  dbUs: number;
}
const middle = (rs: Round[]) => rs.find((x) => x.r === median(rs.map((y) => y.r)))!;

async function measure(dialect: Dialect, bare: { url: string; pid: number }) {
  const b = await createBenchStore(dialect, PG_URL);
  try {
    const { ctx, purposes, gen, seedSeconds } = await seedBenchStore(b, CONSENTS);
    const rows = await ctx.db
      .selectFrom('consents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const key = await ctx.accounts.createApiKey(SYSTEM, { name: 'bench', scopes: ['purpose:check'] });
    const actor: ActorRef = { type: 'api_key', id: key.id };
    const queries = MIXES.map((m) =>
      makeQueries(purposes, gen.pairs, gen.subjects, 20_000, m.denied, m.seed, m.ledgerFree),
    );

    const inproc = [];
    for (const [k, m] of MIXES.entries()) {
      await inProcess(ctx, actor, queries[k], 1, 0.5); // warm-up
      const one = await inProcess(ctx, actor, queries[k], 1, INPROC_SECONDS);
      const many = await inProcess(ctx, actor, queries[k], 50, INPROC_SECONDS);
      inproc.push({ mix: m.name, one, many });
    }
    await ctx.rules.flushAllowed(SYSTEM);
    await ctx.close();

    const server = await child(
      [
        ...(process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? []),
        '--import',
        'tsx',
        'bench/purpose-check/server.ts',
      ],
      { BENCH_STORE: JSON.stringify(b) },
      /READY (http:\/\/\S+)/,
    );
    try {
      const auth = { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' };
      const json = { 'content-type': 'application/json' };
      // One autocannon round; also the target process's CPU time per request (less sensitive than req/s to
      // what else the shared machine runs).
      const run = async (
        target: { url: string; pid: number },
        path: string,
        headers: Record<string, string>,
        qs: Query[],
        duration = SECONDS,
      ): Promise<Round> => {
        const bodies = qs.map((q) => JSON.stringify(q));
        let i = 0;
        const meter = cpuMeter(target.pid);
        const r = await autocannon({
          url: new URL(path, target.url).toString(),
          method: 'POST',
          connections: 50,
          duration,
          headers,
          requests: [
            { method: 'POST', setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) },
          ],
        });
        const { serverUs, dbUs } = meter(r.requests.total);
        return { r, cpuUs: serverUs, dbUs };
      };
      const check = '/api/v1/purpose-check';
      // Warm both servers (JIT, caches), then alternate the measured rounds and keep each one's median.
      await run(bare, '/', json, queries[0], 2);
      await run(server, check, auth, queries[0], 2);
      const bares: Round[] = [];
      const checks: Round[][] = MIXES.map(() => []);
      for (let k = 0; k < ROUNDS; k++) {
        bares.push(await run(bare, '/', json, queries[0]));
        for (const [j] of MIXES.entries()) checks[j].push(await run(server, check, auth, queries[j]));
      }
      return {
        dialect,
        consents: rows.n,
        subjects: gen.subjects,
        seedSeconds,
        inproc,
        bare: middle(bares),
        checks: checks.map(middle),
      };
    } finally {
      server.kill();
    }
  } finally {
    // Give the killed server a moment to let go of its connections before the schema is dropped.
    await new Promise((r) => setTimeout(r, 300));
    await b.cleanup();
  }
}

const bare = await bareFastify({ allowed: true, reasons: [] });
const results = [];
try {
  for (const d of DIALECTS) results.push(await measure(d, bare));
} finally {
  bare.kill();
}

const storeName = (d: Dialect) =>
  d === 'sqlite' ? 'SQLite (WAL, synchronous=FULL)' : 'PostgreSQL (local server)';
console.log(
  `### Purpose check (issue 4) — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 2 cores`,
);
console.log();
console.log(
  `Register: 50 published purposes (40 on consent: 30 ordinary, 5 with a sensitive category, 4 providing data to a third party, 1 for children under 14 with a transfer abroad; 5 on contract, 5 on a legal duty). ` +
    `Ledger: ${results.map((r) => `${fmt(r.consents)} consents for ${fmt(r.subjects)} subjects on ${storeName(r.dialect)}, loaded in ${r.seedSeconds.toFixed(1)} s`).join('; ')} ` +
    `(4–5 purposes each, 12% later withdrawn and half of those given again, 5% missing a separate consent; loaded without per-row audit entries, as fixture data).`,
);
console.log();
console.log(
  `In process: \`rules.check()\`, ${INPROC_SECONDS} s per figure after a warm-up; each denial is audited before its answer, concurrent denials sharing a commit.`,
);
console.log();
console.log('| store | query mix | checks/s, one at a time | checks/s, 50 in flight | allowed |');
console.log('|---|---|---:|---:|---:|');
for (const r of results)
  for (const x of r.inproc)
    console.log(
      `| ${storeName(r.dialect)} | ${x.mix} | ${fmt(x.one.perSecond)} | ${fmt(x.many.perSecond)} | ${(x.many.allowed * 100).toFixed(0)}% |`,
    );
console.log();
console.log(
  `HTTP: autocannon, 50 connections, ${SECONDS} s each, median of ${ROUNDS} alternating rounds after a warm-up; API key; random subjects from 20,000 prepared queries; same machine.`,
);
console.log();
console.log(
  '| store | target | req/s | p50 latency | p99 latency | errors | share of bare | server CPU per request | PostgreSQL CPU per request |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
const row = (store: string, name: string, x: Round, base: number, dialect: Dialect) =>
  `| ${store} | ${name} | ${fmt(x.r.requests.average)} | ${x.r.latency.p50} ms | ${x.r.latency.p99} ms | ${x.r.errors + x.r.non2xx} | ${((x.r.requests.average / base) * 100).toFixed(0)}% | ${fmt(x.cpuUs)} µs | ${dialect === 'postgres' ? `${fmt(x.dbUs)} µs` : '—'} |`;
for (const r of results) {
  const base = r.bare.r.requests.average;
  console.log(row(storeName(r.dialect), 'bare Fastify route returning a constant', r.bare, base, r.dialect));
  for (const [j, m] of MIXES.entries())
    console.log(
      row(storeName(r.dialect), `\`POST /api/v1/purpose-check\`, ${m.name}`, r.checks[j], base, r.dialect),
    );
}
