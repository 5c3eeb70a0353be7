import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules, fromBuffer, normalize, type Rule } from '../../src/screening/index.js';
import { EN_TERMS, fixtureRules } from './fixtures/terms.js';

const RULES: Rule[] = [
  { id: 'gamble', pattern: '赌博', category: 'gambling', action: 'block' },
  { id: 'bet', pattern: '赌', category: 'gambling', action: 'review', allow: ['赌气'] },
  { id: 'casino', pattern: 'casino', category: 'gambling', action: 'block' },
  { id: 'free', pattern: 'free money', category: 'spam', action: 'flag' },
  { id: 'wx', pattern: '微信\\d{3,}', category: 'spam', action: 'review', type: 'regex' },
];
const set = compileRules(RULES);

// Pieces that exercise every path: terms, their evasions, separators, surrogates, expansions, markers.
const PIECES = [
  '赌',
  '博',
  '賭',
  'du',
  'bo',
  'c',
  'a',
  's',
  'i',
  'n',
  'o',
  '4',
  '$',
  '@',
  '1',
  '0',
  ' ',
  '.',
  '，',
  '\u200b',
  '\ufe0f',
  '😀',
  '𝐜',
  'ﬁ',
  '①',
  'Ａ',
  'а',
  'é',
  '微信',
  '123',
  'free',
  'money',
  '气',
  '\n',
  '\ud800',
  'x',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((xs) => xs.join(''));

describe('properties', () => {
  it('every match lies inside the text and `matched` is its slice; decision follows the actions', () => {
    fc.assert(
      fc.property(text, (t) => {
        const r = set.screen(t);
        for (const m of r.matches) {
          expect(m.start).toBeGreaterThanOrEqual(0);
          expect(m.end).toBeGreaterThan(m.start);
          expect(m.end).toBeLessThanOrEqual(t.length);
          expect(m.matched).toBe(t.slice(m.start, m.end));
        }
        const acts = new Set(r.matches.map((m) => m.action));
        expect(r.decision).toBe(acts.has('block') ? 'block' : acts.has('review') ? 'review' : 'allow');
      }),
      { numRuns: 500 },
    );
  });

  it('normalize offsets are ordered and inside the text', () => {
    fc.assert(
      fc.property(text, (t) => {
        const n = normalize(t);
        expect(n.starts.length).toBe(n.text.length);
        for (let k = 0; k < n.text.length; k++) {
          expect(n.starts[k]).toBeLessThan(n.ends[k]);
          expect(n.ends[k]).toBeLessThanOrEqual(t.length);
          if (k > 0) expect(n.starts[k]).toBeGreaterThanOrEqual(n.starts[k - 1]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a term planted in any text is found', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const t = `${a}，赌博。${b}`;
        expect(set.screen(t).matches.some((m) => m.rule === 'gamble')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('in ordinary English sentences, every planted term is found with its exact span, and nothing else', () => {
    // Common words beside the terms share letters with them at every word edge (said deal, sex chat).
    const fixture = compileRules(fixtureRules());
    const words =
      'the of and to in is it he was for on as his at be this had by but not all we can said use an each she do how if will so some her make like him has see no way my first been call who oil its now find long day did get come made may part sale cash new best fast real online'.split(
        ' ',
      );
    const terms = [...EN_TERMS.map(([, t]) => t), 'cheap pills'];
    const ruleOf = new Map(fixtureRules().map((r) => [r.pattern, r.id]));
    const piece = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...words).map((w) => ({ text: w, rule: undefined })) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(...terms), fc.boolean())
          .map(([t, upper]) => ({ text: upper ? t.toUpperCase() : t, rule: ruleOf.get(t) })),
      },
    );
    const sentence = fc.array(fc.tuple(fc.constantFrom(' ', ' ', ', ', '. ', '! ', ' - ', '\n'), piece), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(sentence, (parts) => {
        let t = '';
        const want: [string, number, number][] = [];
        parts.forEach(([sep, p], k) => {
          if (k > 0) t += sep;
          if (p.rule) want.push([p.rule, t.length, t.length + p.text.length]);
          t += p.text;
        });
        const got = fixture.screen(t).matches.map((m) => [m.rule, m.start, m.end]);
        expect(got.sort()).toEqual(want.sort());
      }),
      { numRuns: 1500 },
    );
  });

  it('a set rebuilt from its buffer answers the same', () => {
    const again = fromBuffer(set.toBuffer());
    fc.assert(
      fc.property(text, (t) => {
        expect(again.screen(t)).toEqual(set.screen(t));
      }),
      { numRuns: 200 },
    );
  });
});
