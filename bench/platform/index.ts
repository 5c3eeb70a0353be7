// Platform benchmarks: audited writes vs plain inserts, audit verify speed, start-up time, /api/health
// under load vs a bare Fastify hello-world. Prints Markdown. Run: node --import tsx bench/platform/index.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { SYSTEM } from '../../src/audit/actor.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { transact } from '../../src/db/transaction.js';
import { makeContext, PG_URL, type TestContext } from '../../test/helpers/dialects.js';

const WRITES = Number(process.env.BENCH_WRITES ?? 3000);
const VERIFY_ENTRIES = Number(process.env.BENCH_VERIFY_ENTRIES ?? 300_000);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const ROOT = path.resolve(import.meta.dirname, '../..');

const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function plainTable(t: TestContext) {
  await t.ctx.db.schema
    .createTable('bench_plain')
    .ifNotExists()
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('at', 'text')
    .addColumn('actor_type', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text')
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('purpose', 'text')
    .addColumn('request_id', 'text')
    .addColumn('details', 'text')
    .addColumn('details_digest', 'text')
    .addColumn('prev_hash', 'text')
    .addColumn('hash', 'text')
    .execute();
}

/** One transaction per write, sequential, as a request handler would commit each acknowledged write. */
async function writes(dialect: 'sqlite' | 'postgres') {
  const t = await makeContext(dialect);
  try {
    await plainTable(t);
    const details = { contentId: 'post-1', rule: 'r-17', decision: 'block' };
    const row = (i: number) => ({
      seq: i + 1,
      at: new Date().toISOString(),
      actor_type: 'api_key',
      actor_id: 'k1',
      action: 'bench.write',
      target_type: 'content',
      target_id: `c${i}`,
      purpose: null,
      request_id: null,
      details: JSON.stringify(details),
      details_digest: 'x'.repeat(64),
      prev_hash: 'y'.repeat(64),
      hash: 'z'.repeat(64),
    });
    // Warm up both paths.
    for (let i = 0; i < 50; i++) {
      await transact(t.ctx.db, (tx) =>
        tx.db
          .insertInto('bench_plain' as never)
          .values(row(1_000_000 + i) as never)
          .execute(),
      );
      await transact(t.ctx.db, (tx) => t.ctx.audit.append(tx, { action: 'bench.warm', actor: SYSTEM }));
    }
    let start = performance.now();
    for (let i = 0; i < WRITES; i++)
      await transact(t.ctx.db, (tx) =>
        tx.db
          .insertInto('bench_plain' as never)
          .values(row(i) as never)
          .execute(),
      );
    const plain = WRITES / ((performance.now() - start) / 1000);
    start = performance.now();
    for (let i = 0; i < WRITES; i++)
      await transact(t.ctx.db, (tx) =>
        t.ctx.audit.append(tx, {
          action: 'bench.write',
          actor: { type: 'api_key', id: 'k1' },
          target: { type: 'content', id: `c${i}` },
          details,
        }),
      );
    const audited = WRITES / ((performance.now() - start) / 1000);
    return {
      dialect:
        dialect === 'postgres'
          ? PG_URL
            ? 'PostgreSQL 15 (local server)'
            : 'PostgreSQL (PGlite, embedded)'
          : 'SQLite (WAL, synchronous=FULL)',
      plain,
      audited,
    };
  } finally {
    await t.cleanup();
  }
}

async function verifySpeed() {
  const t = await makeContext('sqlite');
  try {
    const batch = 2000;
    for (let done = 0; done < VERIFY_ENTRIES; done += batch)
      await transact(t.ctx.db, async (tx) => {
        for (let i = 0; i < batch; i++)
          await t.ctx.audit.append(tx, {
            action: 'bench.fill',
            actor: SYSTEM,
            target: { type: 'content', id: `c${done + i}` },
            details: { n: done + i },
          });
      });
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await verifyAudit(t.ctx.store, t.ctx.keys);
      if (!r.ok) throw new Error('verify failed');
      runs.push(r.perSecond);
    }
    return { entries: VERIFY_ENTRIES, perSecond: runs.sort((a, b) => a - b)[1] };
  } finally {
    await t.cleanup();
  }
}

function startChild(
  args: string[],
  readyPattern: RegExp,
): Promise<{ url: string; ms: number; kill: () => void }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CUSTODIAN_JOBS: 'false' },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = readyPattern.exec(out);
      if (m) resolve({ url: m[1], ms: performance.now() - started, kill: () => child.kill('SIGKILL') });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (c) => reject(new Error(`exited ${c}: ${out}`)));
  });
}

async function startupTimes() {
  const dir = mkdtempSync(path.join(tmpdir(), 'custodian-bench-'));
  const times: number[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const s = await startChild(
        [path.join(ROOT, 'bin/custodian.js'), 'serve', '--port', '0', '--data-dir', dir],
        /Custodian ready at (http:\/\/[^"\s]+)/,
      );
      if (i > 0) times.push(s.ms); // the first start creates keys and the database
      s.kill();
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)],
    min: times[0],
    max: times[times.length - 1],
    runs: times.length,
  };
}

async function load(url: string, duration = LOAD_SECONDS) {
  const r = await autocannon({ url, connections: 50, duration });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function healthUnderLoad() {
  const dir = mkdtempSync(path.join(tmpdir(), 'custodian-bench-'));
  // The bare peer runs in its own process too, so both pay the same process and socket costs.
  const bareSrc = `import Fastify from 'fastify'; const a = Fastify(); a.get('/', async () => ({ hello: 'world' }));
    await a.listen({ port: 0, host: '127.0.0.1' }); console.log('READY http://127.0.0.1:' + a.server.address().port + '/');`;
  const bare = await startChild(['--input-type=module', '-e', bareSrc], /READY (http:\/\/\S+)/);
  const server = await startChild(
    [path.join(ROOT, 'bin/custodian.js'), 'serve', '--port', '0', '--data-dir', dir],
    /Custodian ready at (http:\/\/[^"\s]+)/,
  );
  try {
    // Rate limiting is a production guard; the comparison is of request handling.
    // Warm both, then alternate three measured rounds and keep each one's median.
    await load(bare.url, 2);
    await load(`${server.url}/api/health`, 2);
    const bares = [];
    const healths = [];
    for (let k = 0; k < 3; k++) {
      bares.push(await load(bare.url));
      healths.push(await load(`${server.url}/api/health`));
    }
    const median = <T extends { rps: number }>(xs: T[]) => [...xs].sort((a, b) => a.rps - b.rps)[1];
    const bareR = median(bares);
    const healthR = median(healths);
    return { bare: bareR, health: healthR };
  } finally {
    bare.kill();
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
void Fastify;

const out: string[] = [];
const p = (s = '') => {
  out.push(s);
  console.log(s);
};

p(`### Platform (issue 2) — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 2 cores`);
p();
p(`Audited writes: ${WRITES} sequential transactions each, one row per transaction, durable commit.`);
p();
p('| store | plain inserts/s | audited appends/s | audited ÷ plain |');
p('|---|---:|---:|---:|');
for (const d of ['sqlite', 'postgres'] as const) {
  const r = await writes(d);
  p(`| ${r.dialect} | ${fmt(r.plain)} | ${fmt(r.audited)} | ${((r.audited / r.plain) * 100).toFixed(0)}% |`);
}
p();
const v = await verifySpeed();
p(
  `\`audit verify\` on SQLite: ${fmt(v.entries)} entries, median of 3 runs: **${fmt(v.perSecond)} entries/s**.`,
);
p();
const s = await startupTimes();
p(
  `\`custodian serve\` ready (existing data dir, ${s.runs} starts): median **${fmt(s.median)} ms** (min ${fmt(s.min)}, max ${fmt(s.max)}).`,
);
p();
const h = await healthUnderLoad();
p(
  `Load: autocannon, 50 connections, ${LOAD_SECONDS} s each, median of 3 alternating rounds after a warm-up, same machine.`,
);
p();
p('| target | req/s | p99 latency | errors | share of bare |');
p('|---|---:|---:|---:|---:|');
p(`| bare Fastify hello-world | ${fmt(h.bare.rps)} | ${h.bare.p99} ms | ${h.bare.errors} | 100% |`);
p(
  `| Custodian \`GET /api/health\` | ${fmt(h.health.rps)} | ${h.health.p99} ms | ${h.health.errors} | ${((h.health.rps / h.bare.rps) * 100).toFixed(0)}% |`,
);
