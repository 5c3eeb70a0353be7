import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRules, makeTexts } from '../../bench/screening/corpus.js';
import { scanAnchored } from '../../src/screening/anchored.js';
import { compileRules, type CompiledRuleSet, type Rule } from '../../src/screening/index.js';
import { Candidates, Offsets, scanCandidates, type ScanTables } from '../../src/screening/scan.js';

// The start-filtered walk must find exactly what the full Aho–Corasick walk finds: same candidates
// (pattern, start, end) and the same Latin/other boundaries, on every kind of character.
const EXTRA: Rule[] = [
  { id: 'bet', pattern: '赌', category: 'gambling', action: 'review', allow: ['赌气'] },
  { id: 'gamble', pattern: '赌博', category: 'gambling', action: 'block' },
  { id: 'casino', pattern: 'casino', category: 'gambling', action: 'block' },
  { id: 'free', pattern: 'free money', category: 'spam', action: 'block' },
  { id: 'abab', pattern: 'abab', category: 'spam', action: 'block' },
  { id: 'a', pattern: 'a', category: 'spam', action: 'flag' },
  { id: 'fish', pattern: 'ﬁsh', category: 'spam', action: 'flag' },
  // A letter shared with the word before (said deal) or across the term's own space (cheap pills).
  { id: 'deal', pattern: 'deal', category: 'fraud', action: 'block' },
  { id: 'pills', pattern: 'cheap pills', category: 'spam', action: 'block' },
  // Long and overlapping itself: more walks alive than the walk keeps, so it falls back.
  { id: 'overlap', pattern: '哈嘿'.repeat(32), category: 'spam', action: 'flag' },
];
const { rules, terms } = makeRules(600);
const SETS: [string, CompiledRuleSet][] = [
  ['generated + hand rules', compileRules([...rules, ...EXTRA])],
  ['hand rules only', compileRules(EXTRA)],
  ['whole-word matching off', compileRules([...rules, ...EXTRA], { latinWholeWord: false })],
  ['repeats not collapsed', compileRules([...rules, ...EXTRA], { collapseRepeats: false })],
];
const PIECES = [
  ...'赌博賭气 c a s i n o 4 $ @ 1 0 . ， \n x b'.split(' '),
  ' ',
  'du',
  'bo',
  '\u200b',
  '\ufe0f',
  '😀',
  '𝐜',
  'ﬁ',
  '①',
  'Ａ',
  'а',
  'é',
  '\ud800',
  'ab',
  'fish',
  'free',
  'money',
  'casino',
  // Words the fast paths skip or probe: case, digits and look-alikes inside words, split and
  // zero-width letters, repeats, short words, and characters in no pattern.
  'said',
  'deal',
  'cheap',
  'pills',
  'd',
  'p',
  'CaSiNo',
  'c4s1no',
  'fr33',
  'f.r.e.e',
  'ca\u200bsino',
  'cаsíno',
  'to',
  'be',
  'see',
  'll',
  'the',
  '龘',
  '博彩',
  'Du',
  ...terms.slice(0, 60),
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((xs) => xs.join(''));

function both(t: string, tables: ScanTables, starts: Parameters<typeof scanAnchored>[2]) {
  const a = new Candidates();
  const b = new Candidates();
  const sa = new Offsets();
  const sb = new Offsets();
  scanCandidates(t, tables, a, 0, t.length, sa);
  scanAnchored(t, tables, starts, b, 0, t.length, sb);
  const list = (c: Candidates) =>
    Array.from({ length: c.length }, (_, x) => c.data.slice(x * 3, x * 3 + 3).join(',')).sort();
  return {
    ac: { cands: list(a), switches: Array.from(sa.data.subarray(0, sa.length)) },
    anchored: { cands: list(b), switches: Array.from(sb.data.subarray(0, sb.length)) },
  };
}

describe.each(SETS)('start-filtered walk (%s)', (_name, set) => {
  const inner = set as unknown as {
    tables: ScanTables;
    starts: Parameters<typeof scanAnchored>[2];
    pinyinTables?: ScanTables;
    pinyinStarts?: Parameters<typeof scanAnchored>[2];
  };
  const pairs = [[inner.tables, inner.starts] as const];
  if (inner.pinyinTables && inner.pinyinStarts) pairs.push([inner.pinyinTables, inner.pinyinStarts] as const);

  it('finds the same candidates as the full automaton walk on mixed text', () => {
    fc.assert(
      fc.property(text, (t) => {
        for (const [tables, starts] of pairs) {
          const r = both(t, tables, starts);
          expect(r.anchored).toEqual(r.ac);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('falls back to the full walk when too many walks are alive', () => {
    const t = `x ${'哈嘿'.repeat(90)} y`;
    const r = both(t, inner.tables, inner.starts);
    expect(r.anchored).toEqual(r.ac);
    expect(r.ac.cands.length).toBeGreaterThan(40);
  });

  it('when the walk from a word start, followed ahead, meets a rare character', () => {
    for (const t of [
      '@bleerce',
      'c@sino',
      'cas$no',
      'casin0 $',
      'free m0ney',
      'ca𝐬ino',
      'casino@',
      'fr\u00e9e ﬁsh',
    ]) {
      const r = both(t, inner.tables, inner.starts);
      expect(r.anchored).toEqual(r.ac);
    }
  });

  it('and on the benchmark corpus', () => {
    for (const t of [...makeTexts('zh', 20, 400, terms), ...makeTexts('en', 20, 400, terms)]) {
      const r = both(t, inner.tables, inner.starts);
      expect(r.anchored).toEqual(r.ac);
    }
  });
});

describe('verification of a Chinese term followed by a gap', () => {
  // The quick check ends the match at the term unless more of its last character follows the gap.
  const set = compileRules([{ id: 'g', pattern: '赌博', category: 'gambling', action: 'block' }]);
  it.each([
    ['赌博 博彩', [0, 4]],
    ['赌博，博彩', [0, 2]],
    ['赌博 。', [0, 2]],
    ['赌博 . 博', [0, 6]],
    ['赌博          博', [0, 13]],
    ['来赌博。', [1, 3]],
    ['赌博 \u200b博', [0, 5]],
  ])('%j', (t, span) => {
    expect(set.screen(t).matches.map((m) => [m.start, m.end])).toEqual([span]);
  });
});
