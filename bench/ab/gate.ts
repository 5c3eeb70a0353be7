// A/B of POST /api/v1/screen (3,000 published rules, ~200-character Chinese posts) between AB_BASE and this
// checkout, each served by its own `custodian serve` (build both first: `npm run build`).
//   node --import tsx bench/ab/gate.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bareFastify, child, ROOT } from '../http-load.js';
import { gatePosts, makeRules } from '../screening/corpus.js';
import { compare, roots, sideEnv } from './shared.js';

const dirs: string[] = [];
async function gate(root: string, side: 'A' | 'B') {
  const bin = path.join(root, 'bin/custodian.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'custodian-ab-'));
  dirs.push(dir);
  const env = {
    CUSTODIAN_DATA_DIR: dir,
    CUSTODIAN_JOBS: 'false',
    CUSTODIAN_RATE_LIMIT_PER_MINUTE: '10000000',
    ...sideEnv(side),
  };
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [bin, ...args, '--data-dir', dir], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
  cli(['migrate']);
  const key = cli(['apikey', 'create', '--name', 'ab', '--scopes', 'all']).stdout.trim();
  const s = await child([bin, 'serve', '--port', '0'], env, /Custodian ready at (http:\/\/[^"\s]+)/);
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const post = (p: string, body?: unknown) =>
    fetch(`${s.url}${p}`, {
      method: 'POST',
      headers: body === undefined ? { authorization: auth.authorization } : auth,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const set = await (await post('/api/v1/rule-sets', { name: 'ab' })).json();
  await post(`/api/v1/rule-sets/${set.id}/versions`, { rules: makeRules(3000).rules });
  const published = await post(`/api/v1/rule-sets/${set.id}/versions/1/publish`);
  if (published.status !== 200) throw new Error(`${root}: rule set not published (${published.status})`);
  return { ...s, url: `${s.url}/api/v1/screen`, headers: auth };
}

const body = gatePosts();
const bare = await bareFastify({ decision: 'allow', matches: [] });
const [a, b] = [await gate(roots(ROOT)[0], 'A'), await gate(roots(ROOT)[1], 'B')];
try {
  await compare({ ...bare, headers: { 'content-type': 'application/json' } }, a, b, body, 'gate');
} finally {
  for (const t of [bare, a, b]) t.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
