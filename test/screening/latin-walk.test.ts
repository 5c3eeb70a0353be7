import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeRules, makeTexts } from '../../bench/screening/corpus.js';
import { compileWalk, moduleText } from '../../scripts/build-wasm.js';
import { readFile } from 'node:fs/promises';
import { compileRules, type CompiledRuleSet, type Rule } from '../../src/screening/index.js';
import { LatinWalk, setLatinWalk } from '../../src/screening/latin-walk.js';

// The WebAssembly walk for ASCII text must decide exactly as the JavaScript walk: every result below is
// compared with the same rule set's result with the fast walk switched off.
afterEach(() => {
  setLatinWalk(true);
  vi.restoreAllMocks();
});

function both(set: CompiledRuleSet, text: string) {
  setLatinWalk(false);
  const slow = set.screen(text);
  setLatinWalk(true);
  return { fast: set.screen(text), slow };
}

/** Counts the texts the fast walk took (it declines the others, which then take the JavaScript walk). */
function countFast() {
  const spy = vi.spyOn(LatinWalk.prototype, 'scan');
  return () => spy.mock.results.filter((r) => r.value === true).length;
}

const rule = (id: string, pattern: string, extra: Partial<Rule> = {}): Rule => ({
  id,
  pattern,
  category: 'spam',
  action: 'block',
  ...extra,
});

// Terms built to meet every path of the walk: repeats (thee, aab), words of their own (she an, cheap
// pills), a letter shared with the word before (said deal), split letters, one-letter terms, prefixes
// of one another, digits and leetspeak, allowed words, and Chinese terms whose whole pinyin is Latin.
const HAND: Rule[] = [
  rule('thee', 'thee'),
  rule('the-an', 'the an'),
  rule('shean', 'shean'),
  rule('aab', 'aab'),
  rule('abba', 'abba'),
  rule('deal', 'deal'),
  rule('pills', 'cheap pills'),
  rule('too-shat', 'too shat'),
  rule('ab-ccd', 'ab ccd'),
  rule('free', 'free money'),
  rule('x', 'x', { action: 'flag' }),
  rule('hat', 'hat', { allow: ['hats off'] }),
  rule('that', 'that'),
  rule('tea', 'tea', { action: 'review' }),
  rule('b2b', 'b2b'),
  rule('s3x', 'sex'),
  rule('dubo', '赌博'),
  rule('hehe', '呵呵'),
  rule('re', '(?:^|\\W)tt+\\b', { type: 'regex' }),
];
const generated = makeRules(400).rules;
const SETS: [string, CompiledRuleSet][] = [
  ['hand rules', compileRules(HAND)],
  ['hand and generated rules', compileRules([...HAND, ...generated])],
  ['whole pinyin on', compileRules([...HAND, ...generated], { pinyinWholeTerm: true })],
  ['repeats not collapsed', compileRules([...HAND, ...generated], { collapseRepeats: false })],
  ['clauses joined, short gaps', compileRules(HAND, { joinAcrossClauses: true, maxGap: 2 })],
  ['no leetspeak', compileRules(HAND, { leet: false })],
];
const WORDS = [
  ...'the thee theee an she shean a aab aaab ab abba abbba said deal hat hats off that tea b2b sex s3x 5ex'.split(
    ' ',
  ),
  ...'du bo dubo hehe he x xx cheap pills free money t tt ttt e ee to too shat ab ccd cd'.split(' '),
  ...['cheap pills', 'cheap  pills', 'chea p pills', 'to shat', 'too shat', 'to o shat', 'ab ccd', 'ab cd'],
  ...generated.slice(0, 40).map((r) => r.pattern),
];
const GAPS = [
  ' ',
  ' ',
  ' ',
  '  ',
  '.',
  '. ',
  ',',
  '-',
  "'",
  '\n',
  '\t',
  '_',
  '!',
  '?',
  ':',
  '/',
  '\u0001',
  '@',
  '$',
  '#',
  '1',
];
const ascii = fc
  .array(
    fc.tuple(
      fc.constantFrom(...WORDS),
      fc.constantFrom(...GAPS),
      fc.boolean(),
      fc.constantFrom('split', 'plain', 'plain', 'plain', 'upper'),
    ),
    { maxLength: 14 },
  )
  .map((parts) =>
    parts
      .map(([w, g, glue, how]) => {
        const word = how === 'upper' ? w.toUpperCase() : how === 'split' ? [...w].join(g) : w;
        return word + (glue ? '' : g);
      })
      .join(''),
  );

describe('WebAssembly walk for ASCII text', () => {
  it('is the compiler’s output of assembly/latin-walk.ts', async () => {
    const committed = await readFile(
      new URL('../../src/screening/latin-walk-wasm.ts', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(moduleText(await compileWalk()));
  }, 60_000);

  for (const [name, set] of SETS) {
    it(`decides as the JavaScript walk: ${name}`, () => {
      const fast = countFast();
      fc.assert(
        fc.property(ascii, (text) => {
          const r = both(set, text);
          expect(r.fast).toEqual(r.slow);
        }),
        { numRuns: 1500, seed: 42 },
      );
      // Most of these texts are for the fast walk; the rest (with `@` or `$`) are not.
      expect(fast()).toBeGreaterThan(300);
    });
  }

  it('decides as the JavaScript walk with a few terms and any words (the trie is small and sparse)', () => {
    const fast = countFast();
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const word = (min: number) =>
      fc.string({ unit: fc.constantFrom(...letters), minLength: min, maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(word(2), { minLength: 1, maxLength: 3 }),
        fc.array(word(1), { minLength: 1, maxLength: 12 }),
        (terms, words) => {
          const set = compileRules(terms.map((t, i) => rule(`t${i}`, t)));
          const r = both(set, words.join(' '));
          expect(r.fast).toEqual(r.slow);
        },
      ),
      { numRuns: 1500, seed: 7 },
    );
    expect(fast()).toBe(1500);
    // Found by review: one-term sets whose walk read past the table and trapped.
    for (const [term, text] of [
      ['kill', 'I went to the qcp yesterday'],
      ['ab', 'hjor'],
      ['cocaine', 'xzejxef'],
    ]) {
      const r = both(compileRules([rule('x', term)]), text);
      expect(r.fast).toEqual(r.slow);
    }
  });

  it('finds the same terms in the benchmark’s English texts', () => {
    const { rules, terms } = makeRules(3000);
    const set = compileRules(rules);
    const fast = countFast();
    let matches = 0;
    for (const text of makeTexts('en', 60, 1000, terms)) {
      const r = both(set, text);
      expect(r.fast).toEqual(r.slow);
      matches += r.fast.matches.length;
    }
    expect(fast()).toBe(60);
    expect(matches).toBeGreaterThan(30);
  });

  it('finds terms whose words meet at a repeated letter or begin with one', () => {
    const set = compileRules(HAND);
    const fast = countFast();
    const hits = (text: string) => set.screen(text).matches.map((m) => m.rule);
    expect(hits('buy cheap pills here')).toEqual(['pills']);
    expect(hits('we are too shat')).toEqual(['too-shat']);
    expect(hits('we are to shat')).toEqual([]);
    expect(hits('an ab ccd here')).toEqual(['ab-ccd']);
    expect(hits('an ab cd here')).toEqual([]);
    expect(fast()).toBe(5);
    for (const text of [
      'buy cheap pills here',
      'we are too shat',
      'an ab ccd here',
      'to o shat',
      'thee an',
    ]) {
      const r = both(set, text);
      expect(r.fast).toEqual(r.slow);
    }
  });

  it('takes long texts and texts with more candidates than it holds', () => {
    const set = compileRules([rule('tea', 'tea'), rule('teas', 'teas'), rule('team', 'team')]);
    const fast = countFast();
    // 2 MB: the module's memory grows.
    const long = 'a tea party and a team of teas. '.repeat(65_536);
    const r1 = both(set, long);
    expect(r1.fast).toEqual(r1.slow);
    expect(r1.fast.matches).toHaveLength(3 * 65_536);
    // More candidates than the walk's buffer: it declines, and the JavaScript walk answers.
    expect(fast()).toBe(0);
    // Past 4 Mi units the module's memory would stay large: JavaScript takes such a text.
    const huge = 'tea '.repeat((1 << 20) + 1);
    const r3 = both(set, huge);
    expect(r3.fast).toEqual(r3.slow);
    expect(fast()).toBe(0);
    const r2 = both(set, 'tea '.repeat(10));
    expect(r2.fast).toEqual(r2.slow);
    expect(r2.fast.matches).toHaveLength(10);
    expect(fast()).toBe(1);
  });

  it('leaves non-ASCII text and rule sets it cannot serve to the JavaScript walk', () => {
    const fast = countFast();
    const set = compileRules(HAND);
    for (const text of ['thé deal', '赌博 deal', 'deal 😀', 'ｄｅａｌ', 'de\u200bal']) {
      const r = both(set, text);
      expect(r.fast).toEqual(r.slow);
      expect(r.fast.matches.length).toBeGreaterThan(0);
    }
    expect(fast()).toBe(0);
    // A long text ASCII only where the walk first looks: its memory is not grown for it.
    const before = set.byteLength;
    const mixed = ('a' + '赌博'.repeat(50_000) + ' deal ').repeat(2);
    const r = both(set, mixed);
    expect(r.fast).toEqual(r.slow);
    expect(set.byteLength).toBe(before);
    // Whole-word matching off: a Latin term may begin inside a word, which this walk does not look for.
    const inWord = compileRules(HAND, { latinWholeWord: false });
    expect(inWord.screen('a deal').matches).toHaveLength(1);
    expect(fast()).toBe(0);
  });
});
