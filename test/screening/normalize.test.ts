import { describe, expect, it } from 'vitest';
import { normalize, normalizeForRegex, type NormalizeOptions } from '../../src/screening/index.js';

/** The original slice behind key range [a, b). */
function source(original: string, n: ReturnType<typeof normalize>, a: number, b: number): string {
  return original.slice(n.starts[a], n.ends[b - 1]);
}

const ONLY = (step: keyof NormalizeOptions): NormalizeOptions => ({
  nfkc: false,
  fullWidth: false,
  caseFold: false,
  traditional: false,
  separators: false,
  homoglyphs: false,
  leet: false,
  collapseRepeats: false,
  [step]: true,
});

describe('normalize', () => {
  it('NFKC folds compatibility forms and maps offsets to the original', () => {
    const text = 'x①ﬁ𝐟𝐫𝐞𝐞';
    const n = normalize(text, ONLY('nfkc'));
    expect(n.text).toBe('x1fifree');
    expect(source(text, n, 1, 2)).toBe('①');
    // ﬁ expands to two units that both point at the ligature
    expect(source(text, n, 2, 4)).toBe('ﬁ');
    // mathematical letters are surrogate pairs: two original units each
    expect(source(text, n, 4, 8)).toBe('𝐟𝐫𝐞𝐞');
  });

  it('full-width to half-width', () => {
    const text = '加ＦＲＥＥ　１';
    const n = normalize(text, ONLY('fullWidth'));
    expect(n.text).toBe('加FREE 1');
    expect(source(text, n, 1, 5)).toBe('ＦＲＥＥ');
  });

  it('case folding', () => {
    const n = normalize('CaSiNo', ONLY('caseFold'));
    expect(n.text).toBe('casino');
    expect([...n.starts]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('traditional to simplified, character by character', () => {
    const text = '這裡有賭博機';
    const n = normalize(text, ONLY('traditional'));
    expect(n.text).toBe('这里有赌博机');
    expect(source(text, n, 3, 5)).toBe('賭博');
  });

  it('separators, zero-width characters, variation selectors and emoji are dropped', () => {
    const text = '赌 · 博\u200b机\ufe0f😀!';
    const n = normalize(text, ONLY('separators'));
    expect(n.text).toBe('赌博机');
    expect(source(text, n, 0, 3)).toBe('赌 · 博\u200b机');
    expect(n.starts[2]).toBe(text.indexOf('机'));
  });

  it('look-alike letters and diacritics', () => {
    const text = 'саsіnо café';
    const n = normalize(text, { ...ONLY('homoglyphs') });
    expect(n.text).toBe('casino cafe');
    expect(source(text, n, 0, 6)).toBe('саsіnо');
  });

  it('leetspeak digits and symbols; @ and $ are letters only beside letters', () => {
    const text = 'fr33 c4$1n0 赌$博';
    const n = normalize(text, { ...ONLY('leet'), separators: true });
    // 1, l and i share one key
    expect(n.text).toBe('freecasino赌博');
    expect(source(text, n, 4, 10)).toBe('c4$1n0');
  });

  it('repeated characters collapse and the repeat joins the span', () => {
    const text = '赌赌赌博';
    const n = normalize(text, ONLY('collapseRepeats'));
    expect(n.text).toBe('赌博');
    expect(source(text, n, 0, 1)).toBe('赌赌赌');
    expect(source(text, n, 1, 2)).toBe('博');
  });

  it('all steps together (the default)', () => {
    const text = 'Ｆ.Ｒ.Ｅ.Ｅ 賭　博';
    const n = normalize(text);
    expect(n.text).toBe('fre赌博');
    expect(source(text, n, 0, 3)).toBe('Ｆ.Ｒ.Ｅ.Ｅ');
    expect(source(text, n, 3, 5)).toBe('賭　博');
  });

  it('rejects unknown options', () => {
    expect(() => normalize('x', { nfkd: true } as never)).toThrow(/unknown normalization option "nfkd"/);
  });

  it('the regex view keeps separators, digits and repeats', () => {
    const text = '加薇信：ＡＢＣ１２３\u200b４';
    const n = normalizeForRegex(text);
    expect(n.text).toBe('加薇信:abc1234');
    expect(text.slice(n.starts[4], n.ends[12])).toBe('ＡＢＣ１２３\u200b４');
  });
});
