// Precision, recall and F1 per type over the test set in test/pii/fixtures. Run directly to print a table:
//   node --import tsx bench/pii/accuracy.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scan, type PiiType } from '../../src/pii/index.js';
import { parseMarkup, type Annotated } from '../../test/pii/support/markup.js';

export interface TypeScore {
  type: PiiType;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Types whose values carry a check (checksum, Luhn, prefix, syntax): the 0.97 F1 bar applies to them. */
export const VALIDATED_TYPES: readonly PiiType[] = [
  'CN_RESIDENT_ID',
  'CN_USCC',
  'BANK_CARD',
  'PHONE_NUMBER',
  'EMAIL_ADDRESS',
  'IP_ADDRESS',
];

const FIXTURES = ['generated.txt', 'hand-written.txt'];

export function loadTestSet(): Annotated[] {
  const out: Annotated[] = [];
  for (const f of FIXTURES) {
    const path = fileURLToPath(new URL(`../../test/pii/fixtures/${f}`, import.meta.url));
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      out.push(parseMarkup(line));
    }
  }
  return out;
}

/** Exact-span matching: a finding counts only with the right type, start and end. */
export function evaluate(set: Annotated[]): { scores: TypeScore[]; misses: string[] } {
  const counts = new Map<PiiType, { tp: number; fp: number; fn: number }>();
  const c = (t: PiiType) => {
    let v = counts.get(t);
    if (!v) counts.set(t, (v = { tp: 0, fp: 0, fn: 0 }));
    return v;
  };
  const misses: string[] = [];
  for (const { text, entities } of set) {
    const found = scan(text);
    const key = (e: { type: string; start: number; end: number }) => `${e.type}:${e.start}:${e.end}`;
    const truth = new Set(entities.map(key));
    const got = new Set(found.map(key));
    for (const f of found) {
      if (truth.has(key(f))) c(f.type).tp++;
      else {
        c(f.type).fp++;
        misses.push(`FP ${f.type} "${f.text}" in: ${text}`);
      }
    }
    for (const e of entities)
      if (!got.has(key(e))) {
        c(e.type).fn++;
        misses.push(`FN ${e.type} "${text.slice(e.start, e.end)}" in: ${text}`);
      }
  }
  const scores = [...counts.entries()].map(([type, { tp, fp, fn }]) => {
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { type, tp, fp, fn, precision, recall, f1 };
  });
  scores.sort((a, b) => a.type.localeCompare(b.type));
  return { scores, misses };
}

export function accuracyTable(scores: TypeScore[]): string {
  const rows = scores.map(
    (s) =>
      `| ${s.type} | ${s.tp} | ${s.fp} | ${s.fn} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.f1.toFixed(3)} |`,
  );
  return [
    '| type | TP | FP | FN | precision | recall | F1 |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const set = loadTestSet();
  const { scores, misses } = evaluate(set);
  console.log(`Test set: ${set.length} lines, ${set.reduce((n, l) => n + l.entities.length, 0)} entities\n`);
  console.log(accuracyTable(scores));
  if (process.argv.includes('--misses')) console.log('\n' + misses.join('\n'));
}
