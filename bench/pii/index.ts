// Throughput of the detection engine on mixed Chinese/English text, beside redact-pii (comparison peer) on the
// same text in the same run, and accuracy on the test set. Prints Markdown.
//   node --import tsx bench/pii/index.ts [--ms 1500]
import { availableParallelism, cpus } from 'node:os';
import { SyncRedactor } from 'redact-pii';
import { redact, scan } from '../../src/pii/index.js';
import { accuracyTable, evaluate, loadTestSet } from './accuracy.js';

const arg = process.argv.indexOf('--ms');
const BUDGET_MS = arg > 0 ? Number(process.argv[arg + 1]) : 1000;

// Records: the test set's lines (personal information and look-alikes) interleaved with ordinary prose,
// about one line in three carrying personal information.
const PROSE = [
  '根据网络信息保护的要求，平台对用户发布的信息进行管理，发现违法信息时立即停止传输并保存有关记录。',
  'The provider publishes its collection and use rules and asks for consent before processing personal data.',
  '本周共处理投诉举报 128 件，其中 97 件已办结，平均处理时长 3.5 个工作日。',
  'Moderators reviewed 4,210 posts yesterday; 37 were removed for violating community guidelines.',
  '用户可以通过门户查询、复制、更正或删除其个人信息，也可以撤回同意。',
  'Server maintenance is scheduled for Saturday between 02:00 and 04:00 UTC; expect short outages.',
];

/** Test-set lines interleaved with prose: one record in `every` carries personal information or a look-alike. */
function buildRecords(every: number): string[] {
  const lines = loadTestSet().map((l) => l.text);
  const out: string[] = [];
  for (let k = 0; k < lines.length; k++) {
    out.push(lines[k]);
    for (let p = 1; p < every; p++) out.push(PROSE[(k + p) % PROSE.length]);
  }
  return out;
}

/** Runs `fn` over records for about `ms` (partial passes allowed); returns Mchar/s. */
function rate(records: string[], fn: (s: string) => unknown, ms: number): number {
  const t0 = performance.now();
  let done = 0;
  let k = 0;
  while (performance.now() - t0 < ms) {
    for (let b = 0; b < 64; b++) {
      fn(records[k]);
      done += records[k].length;
      k = k + 1 === records.length ? 0 : k + 1;
    }
  }
  return done / (performance.now() - t0) / 1000;
}

/**
 * JIT warm-up of `ms` of this process's CPU time (at most ten times that in wall time). Counting wall time, a
 * loaded machine cut the warm-up short and the engine measured first could still be half-compiled; every
 * engine gets the same CPU budget either way, and on an idle machine the two are the same.
 */
function warmUp(records: string[], fn: (s: string) => unknown, ms: number): void {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let k = 0;
  for (;;) {
    for (let b = 0; b < 64; b++) {
      fn(records[k]);
      k = k + 1 === records.length ? 0 : k + 1;
    }
    const c = process.cpuUsage(c0);
    if ((c.user + c.system) / 1000 >= ms || performance.now() - t0 >= 10 * ms) return;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const peer = new SyncRedactor();
const ROUNDS = 5;
const corpora: [string, number][] = [
  ['dense: 1 record in 3 carries personal information', 3],
  ['typical: 1 record in 20', 20],
];
console.log(`## Throughput (single thread, in process)\n`);
for (const [label, every] of corpora) {
  const records = buildRecords(every);
  const chars = records.reduce((n, r) => n + r.length, 0);
  const cjk = records.reduce((n, r) => n + (r.match(/[\u4e00-\u9fff]/g)?.length ?? 0), 0);
  const whole = [records.join('\n')];
  const engines: [string, string, string[], (s: string) => unknown][] = [
    ['custodian', '`scan` per record', records, (s) => scan(s)],
    ['custodian', '`redact` (replace) per record', records, (s) => redact(s)],
    ['custodian', '`scan` whole corpus as one text', whole, (s) => scan(s)],
    ['redact-pii 3.4', '`SyncRedactor.redact` per record', records, (s) => peer.redact(s)],
  ];
  // warm up every engine, then interleave short rounds so that load from other processes hits all alike
  for (const [engine, , recs, fn] of engines)
    warmUp(recs, fn, every === corpora[0][1] ? (engine === 'custodian' ? 1500 : 1000) : 300);
  const samples: number[][] = engines.map(() => []);
  for (let r = 0; r < ROUNDS; r++)
    engines.forEach(([, , recs, fn], k) => {
      samples[k].push(rate(recs, fn, BUDGET_MS / ROUNDS));
    });
  const mcps = samples.map(median);
  const ratio = (x: number) => `${(x / mcps[3]).toFixed(1)}×`;
  console.log(
    `### Corpus ${label}\n\n${records.length} records, ${(chars / 1e6).toFixed(2)} M UTF-16 units, ${Math.round((cjk / chars) * 100)} % CJK. ` +
      `Each row: ${ROUNDS} interleaved rounds of ${BUDGET_MS / ROUNDS} ms after a JIT warm-up.\n`,
  );
  console.log('| engine | operation | Mchar/s (median of 5) | vs redact-pii |');
  console.log('|---|---|---:|---:|');
  engines.forEach(([engine, op], k) =>
    console.log(`| ${engine} | ${op} | ${mcps[k].toFixed(2)} | ${ratio(mcps[k])} |`),
  );
  console.log('');
}

const { scores } = evaluate(loadTestSet());
console.log(`## Accuracy on the test set (exact type and span)\n`);
console.log(accuracyTable(scores));
console.log(
  `\nMachine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores (shared), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
);
