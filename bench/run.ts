// Runs every benchmark suite in turn (each in its own process) and prints their Markdown.
// The figures are copied into docs/benchmarks.md with the date they were measured.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
for (const suite of ['platform', 'pii', 'pii-cli', 'screening', 'gate', 'purpose-check']) {
  if (only.length && !only.includes(suite)) continue;
  const file = path.join(root, 'bench', suite, 'index.ts');
  if (!existsSync(file)) continue;
  console.log(`\n<!-- bench/${suite} -->`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exitCode = 1;
}
