import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules, fromBuffer, normalize, type Rule } from '../../src/screening/index.js';

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
