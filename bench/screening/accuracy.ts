// Recall per evasion class and false-positive rate on the repo test set (test/screening/fixtures):
// node --import tsx bench/screening/accuracy.ts
import { measureAccuracy } from '../../test/screening/fixtures/accuracy.js';

for (const [label, options] of [
  ['default options', {}],
  ['with whole-term pinyin', { pinyinWholeTerm: true }],
] as const) {
  const a = measureAccuracy(options);
  console.log(`\n### Accuracy, ${label}\n`);
  console.log('| evasion class | Chinese found / planted | English found / planted | recall |');
  console.log('|---|---:|---:|---:|');
  for (const c of a.classes) {
    const cell = (x: [number, number]) => (x[1] === 0 ? '—' : `${x[0]} / ${x[1]}`);
    console.log(`| ${c.class} | ${cell(c.zh)} | ${cell(c.en)} | ${(c.recall * 100).toFixed(1)}% |`);
  }
  console.log(`| **overall** | | | **${(a.recall * 100).toFixed(1)}%** of ${a.positives} |`);
  console.log(
    `\nFalse positives: ${a.falsePositives} of ${a.clean} clean texts (${(a.falsePositiveRate * 100).toFixed(2)}%).`,
  );
  for (const m of a.misses.slice(0, 10)) console.log(`- missed ${m.id}: ${JSON.stringify(m.text)}`);
  for (const f of a.falsePositiveSamples.slice(0, 10))
    console.log(`- false positive ${f.sample.id}: ${f.matched.join(', ')}`);
}
