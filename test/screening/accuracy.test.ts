import { describe, expect, it } from 'vitest';
import { measureAccuracy } from './fixtures/accuracy.js';

// The repo test set: fixtures/evasion.jsonl and clean.jsonl (seeded generator: fixtures/generate.ts) plus
// fixtures/hand.jsonl (hand-written positives and near-misses).
describe('evasion test set', () => {
  const a = measureAccuracy();

  it('has every evasion class, in both languages where it applies', () => {
    const classes = a.classes.map((c) => c.class).sort();
    expect(classes).toEqual(
      [
        'case',
        'full-width',
        'homoglyphs',
        'leet',
        'mixed',
        'nfkc',
        'pinyin',
        'plain',
        'repeats',
        'separators',
        'shared letter',
        'traditional',
      ].sort(),
    );
    expect(a.positives).toBeGreaterThan(1000);
    expect(a.clean).toBeGreaterThan(1000);
  });

  it('recall is at least 0.95 overall and 0.9 in every class', () => {
    const missed = a.misses
      .slice(0, 10)
      .map((m) => `${m.id}: ${m.text}`)
      .join('\n');
    expect(a.recall, missed).toBeGreaterThanOrEqual(0.95);
    for (const c of a.classes) expect(c.recall, c.class).toBeGreaterThanOrEqual(0.9);
  });

  it('false positives stay at or below 0.5% of clean texts', () => {
    expect(a.falsePositiveRate, JSON.stringify(a.falsePositiveSamples.slice(0, 5))).toBeLessThanOrEqual(
      0.005,
    );
  });

  it('whole-term pinyin (off by default) keeps recall and stays under the false-positive bound', () => {
    const w = measureAccuracy({ pinyinWholeTerm: true });
    expect(w.recall).toBeGreaterThanOrEqual(a.recall);
    expect(w.falsePositiveRate).toBeLessThanOrEqual(0.005);
  });
});
