// Seeded generators of rule sets and texts for the screening benchmark.
import type { Rule } from '../../src/screening/index.js';
import { rng } from '../../test/screening/fixtures/generate.js';

/** The 3,755 most common Chinese characters (GB 2312 level 1), decoded from their byte ranges. */
export function commonChars(): string[] {
  const bytes: number[] = [];
  for (let hi = 0xb0; hi <= 0xd7; hi++)
    for (let lo = 0xa1; lo <= 0xfe; lo++) if (!(hi === 0xd7 && lo > 0xf9)) bytes.push(hi, lo);
  return [...new TextDecoder('gb18030').decode(Uint8Array.from(bytes))];
}

const ONSETS = [
  'b',
  'c',
  'd',
  'f',
  'g',
  'h',
  'j',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'w',
  'st',
  'tr',
  'pr',
  'ch',
  'sh',
  'th',
  'bl',
  'cr',
  'gr',
  'sp',
];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ea', 'ou', 'ai', 'ee', 'oo', 'y'];
const CODAS = ['', '', 'n', 'r', 's', 't', 'l', 'ck', 'nd', 'st', 'ng', 'm', 'x', 'p'];
const COMMON_EN =
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part'.split(
    ' ',
  );
const ZH_PREFIX = ['出售', '代办', '收购', '批发', '低价', '高价回收', '专业', '代理', '免费', '包过'];

export interface Corpus {
  rules: Rule[];
  terms: string[];
}

/**
 * `n` rules: half Chinese (2–4 common characters, some with a trade verb in front), half English
 * (pseudo-words and two-word phrases). Seeded, so every run and every engine sees the same terms.
 */
export function makeRules(n: number, seed = 5): Corpus {
  const rand = rng(seed);
  const chars = commonChars();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const zhWord = (k: number) => Array.from({ length: k }, () => pick(chars)).join('');
  const enWord = () => {
    const syl = 1 + Math.floor(rand() * 3);
    return Array.from({ length: syl }, () => pick(ONSETS) + pick(NUCLEI) + pick(CODAS)).join('');
  };
  const seen = new Set<string>();
  const terms: string[] = [];
  while (terms.length < n) {
    let t: string;
    if (terms.length % 2 === 0)
      t = rand() < 0.3 ? pick(ZH_PREFIX) + zhWord(2) : zhWord(2 + Math.floor(rand() * 3));
    else t = rand() < 0.3 ? `${enWord()} ${enWord()}` : enWord();
    // English terms are not everyday words: a rule set screens for trades, not for "made" or "the".
    if (!/[\u4e00-\u9fff]/.test(t) && (t.length < 4 || t.split(' ').some((w) => COMMON_EN.includes(w))))
      continue;
    if (seen.has(t)) continue;
    seen.add(t);
    terms.push(t);
  }
  const categories = [
    'gambling',
    'fraud',
    'spam',
    'personal-information-trading',
    'obscenity-violence',
    'other',
  ];
  const rules = terms.map((pattern, i): Rule => ({
    id: `r${i}`,
    pattern,
    category: categories[i % categories.length],
    action: i % 5 === 0 ? 'review' : 'block',
  }));
  return { rules, terms };
}

/**
 * `count` texts of about `size` characters: Chinese prose-like runs of common characters with
 * punctuation, or common English words; about one planted term per 250 (zh) or 1,000 (en) characters.
 */
export function makeTexts(
  lang: 'zh' | 'en',
  count: number,
  size: number,
  terms: string[],
  seed = 7,
): string[] {
  const rand = rng(seed);
  const chars = commonChars().slice(0, 1500);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const planted = terms.filter((t) => (lang === 'zh') === /[\u4e00-\u9fff]/.test(t));
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = '';
    while (s.length < size) {
      // An English term stands as words of its own (Latin terms match whole words), a Chinese one anywhere.
      if (rand() < 0.004) s += pick(planted) + (lang === 'en' ? ' ' : '');
      if (lang === 'zh') {
        s += pick(chars);
        if (rand() < 0.08) s += pick(['，', '。', '、', '！', '？', ' ']);
      } else {
        s += pick(COMMON_EN) + (rand() < 0.1 ? '. ' : ' ');
      }
    }
    out.push(s);
  }
  return out;
}

/**
 * Request bodies for `POST /api/v1/screen`: ordinary posts (about 200 Chinese characters, no planted terms,
 * the common case the gate must serve fast), each with a fresh content id.
 */
export function gatePosts(): () => string {
  const texts = makeTexts('zh', 50, 200, ['']);
  let i = 0;
  return () =>
    JSON.stringify({
      contentType: 'post',
      text: texts[i++ % texts.length],
      contentId: `c-${i}-${Math.random()}`,
      author: { account: 'u1' },
    });
}
