// `custodian pii scan` over a large JSONL file: throughput and peak memory (GNU time's maximum RSS), with
// worker threads and without. Prints Markdown.  BENCH_PII_MB (default 200) sets the file size.
//   node --import tsx bench/pii-cli/index.ts
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTestSet } from '../pii/accuracy.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MB = Number(process.env.BENCH_PII_MB ?? 200);

const PROSE = [
  '根据网络信息保护的要求，平台对用户发布的信息进行管理，发现违法信息时立即停止传输并保存有关记录。',
  'The provider publishes its collection and use rules and asks for consent before processing personal data.',
  '本周共处理投诉举报 128 件，其中 97 件已办结，平均处理时长 3.5 个工作日。',
  '用户可以通过门户查询、复制、更正或删除其个人信息，也可以撤回同意。',
];

function makeFile(file: string): { records: number; bytes: number } {
  const lines = loadTestSet().map((l) => l.text);
  const fd = openSync(file, 'w');
  let bytes = 0;
  let n = 0;
  let buf = '';
  while (bytes < MB * 1024 * 1024) {
    const text = `${PROSE[n % PROSE.length]} ${lines[n % lines.length]} ${PROSE[(n + 1) % PROSE.length]}`;
    const line = JSON.stringify({ id: `r${n}`, text }) + '\n';
    buf += line;
    bytes += Buffer.byteLength(line);
    n++;
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  return { records: n, bytes: statSync(file).size };
}

function run(file: string, workers: string) {
  const t0 = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%M %e %U %S',
      process.execPath,
      path.join(ROOT, 'bin/custodian.js'),
      'pii',
      'scan',
      '--input',
      file,
      '--workers',
      workers,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const wall = (performance.now() - t0) / 1000;
  const last = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { rssMb: last[0] / 1024, wall, cpu: last[2] + last[3], status: r.status };
}

const dir = mkdtempSync(path.join(tmpdir(), 'custodian-pii-cli-'));
try {
  const file = path.join(dir, 'records.jsonl');
  const { records, bytes } = makeFile(file);
  console.log(
    `### \`custodian pii scan\` on a ${(bytes / 1048576).toFixed(0)} MB JSONL file (issue 3) — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 2 cores`,
  );
  console.log();
  console.log(
    `${records.toLocaleString('en')} records of mixed Chinese/English text; output (one line a record) to /dev/null.`,
  );
  console.log();
  console.log('| workers | wall time | MB/s | records/s | CPU time | peak RSS |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const w of ['0', '2']) {
    const r = run(file, w);
    if (r.status !== 0) throw new Error(`pii scan exited ${r.status}`);
    console.log(
      `| ${w} | ${r.wall.toFixed(1)} s | ${(bytes / 1048576 / r.wall).toFixed(1)} | ${Math.round(records / r.wall).toLocaleString('en')} | ${r.cpu.toFixed(1)} s | ${r.rssMb.toFixed(0)} MB |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
