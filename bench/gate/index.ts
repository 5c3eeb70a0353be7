// POST /api/v1/screen under load (autocannon, 50 connections) beside a bare Fastify route that returns a
// constant, both in child processes on this machine, with 3,000 published rules. Prints Markdown.
//   node --import tsx bench/gate/index.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { child, cpuSeconds, ROOT } from '../http-load.js';
import { gatePosts, makeRules } from '../screening/corpus.js';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const BIN = path.join(ROOT, 'bin/custodian.js');

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'custodian-gate-'));
  const env = {
    CUSTODIAN_DATA_DIR: dir,
    CUSTODIAN_JOBS: 'false',
    CUSTODIAN_RATE_LIMIT_PER_MINUTE: '10000000',
  };
  // The CLI makes no database where there is none: create it first.
  spawnSync(process.execPath, [BIN, 'migrate', '--data-dir', dir], { env: { ...process.env, ...env } });
  const key = spawnSync(
    process.execPath,
    [BIN, 'apikey', 'create', '--name', 'bench', '--scopes', 'all', '--data-dir', dir],
    {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    },
  ).stdout.trim();
  const server = await child([BIN, 'serve', '--port', '0'], env, /Custodian ready at (http:\/\/[^"\s]+)/);
  const bareSrc = `import Fastify from 'fastify'; const a = Fastify(); a.post('/', async () => ({ decision: 'allow', matches: [] }));
    await a.listen({ port: 0, host: '127.0.0.1' }); console.log('READY http://127.0.0.1:' + a.server.address().port + '/');`;
  const bare = await child(['--input-type=module', '-e', bareSrc], {}, /READY (http:\/\/\S+)/);
  try {
    const corpus = makeRules(3000);
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const set = await (
      await fetch(`${server.url}/api/v1/rule-sets`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ name: 'bench' }),
      })
    ).json();
    const version = await fetch(`${server.url}/api/v1/rule-sets/${set.id}/versions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ rules: corpus.rules }),
    });
    // No body, so no JSON content type (Fastify refuses an empty JSON body).
    const published = await fetch(`${server.url}/api/v1/rule-sets/${set.id}/versions/1/publish`, {
      method: 'POST',
      headers: { authorization: auth.authorization },
    });
    // Without a published rule set the gate screens against nothing: the figures would mean nothing.
    if (version.status !== 201 || published.status !== 200)
      throw new Error(
        `rule set not published: ${version.status} ${published.status} ${await published.text()}`,
      );
    const body = gatePosts();
    const run = (url: string, headers: Record<string, string>, duration = SECONDS) =>
      autocannon({
        url,
        method: 'POST',
        connections: 50,
        duration,
        headers,
        setupClient: (c) => c.setBody(body()),
      });
    // Warm both servers (JIT, caches), then alternate three measured rounds and keep each one's median.
    await run(bare.url, { 'content-type': 'application/json' }, 2);
    await run(`${server.url}/api/v1/screen`, auth, 2);
    const bareRuns: autocannon.Result[] = [];
    const gateRuns: autocannon.Result[] = [];
    // Server CPU time per answered request, from /proc: unlike req/s it does not move with what else the
    // shared machine runs, so it shows what the gate itself costs next to the bare route.
    const cpu = { bare: 0, gate: 0, bareReq: 0, gateReq: 0 };
    for (let k = 0; k < 3; k++) {
      let c0 = cpuSeconds(bare.pid);
      const b = await run(bare.url, { 'content-type': 'application/json' });
      cpu.bare += cpuSeconds(bare.pid) - c0;
      cpu.bareReq += b.requests.total;
      bareRuns.push(b);
      c0 = cpuSeconds(server.pid);
      const g = await run(`${server.url}/api/v1/screen`, auth);
      cpu.gate += cpuSeconds(server.pid) - c0;
      cpu.gateReq += g.requests.total;
      gateRuns.push(g);
    }
    for (const r of [...bareRuns, ...gateRuns])
      if (r.errors + r.non2xx > 0)
        console.error(`errors: ${r.errors}, answers by status: ${JSON.stringify(r.statusCodeStats)}`);
    const median = (rs: autocannon.Result[]) =>
      [...rs].sort((a, b) => a.requests.average - b.requests.average)[1];
    const bareR = median(bareRuns);
    const gateR = median(gateRuns);
    const row = (name: string, r: autocannon.Result, base: number) =>
      `| ${name} | ${Math.round(r.requests.average).toLocaleString('en')} | ${r.latency.p99} ms | ${r.errors + r.non2xx} | ${((r.requests.average / base) * 100).toFixed(0)}% |`;
    console.log(
      `### Screening gate over HTTP (issue 5) — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 2 cores`,
    );
    console.log();
    console.log(
      `autocannon, 50 connections, ${SECONDS} s each, median of 3 alternating rounds after a warm-up; 3,000 published rules; ~200-character Chinese posts; same machine.`,
    );
    console.log();
    console.log('| target | req/s | p99 latency | errors | share of bare |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(row('bare Fastify route returning a constant', bareR, bareR.requests.average));
    console.log(
      row('Custodian `POST /api/v1/screen` (API key, full normalization)', gateR, bareR.requests.average),
    );
    const us = (s: number, n: number) => (s / n) * 1e6;
    const bareUs = us(cpu.bare, cpu.bareReq);
    const gateUs = us(cpu.gate, cpu.gateReq);
    console.log();
    console.log(
      `Server CPU per request over the three rounds: bare ${bareUs.toFixed(0)} µs, gate ${gateUs.toFixed(0)} µs (the gate answers ${((bareUs / gateUs) * 100).toFixed(0)}% as many requests per CPU second as the bare route).`,
    );
  } finally {
    server.kill();
    bare.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
