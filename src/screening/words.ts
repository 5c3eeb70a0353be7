import { isLatinUnit } from './normalize.js';

// What stands beside a whole-word Latin term. A letter of any script written with spaces between words
// continues the word (Fußballs, Großcasino, 𝐒𝐨𝐦𝐞𝐭𝐡𝐢𝐧𝐠, ﬁnance), and characters invisible inside a word (a
// soft hyphen, a zero-width space, a combining accent) do not end it. Scripts written without spaces are
// no word around a Latin term: in 我在casino玩, casino is a word.
const WORD = /[\p{L}\p{M}\p{Nd}]/gu;
const UNSPACED =
  /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}\p{sc=Tibetan}]/gu;
const INSIDE = /[\p{Cf}\p{Mn}\p{Me}]/gu;

const K_OTHER = 0;
const K_WORD = 1;
const K_INSIDE = 2;

/** Kind of every BMP code point beyond ASCII, built on first use (one pass of three regular expressions). */
let bmp: Uint8Array | undefined;

function bmpKinds(): Uint8Array {
  const k = new Uint8Array(0x10000);
  const chars: string[] = [];
  for (let c = 0x80; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) chars.push(String.fromCharCode(c));
  const all = chars.join('');
  for (const m of all.matchAll(WORD)) k[m[0].charCodeAt(0)] = K_WORD;
  for (const m of all.matchAll(UNSPACED)) k[m[0].charCodeAt(0)] = K_OTHER;
  for (const m of all.matchAll(INSIDE)) k[m[0].charCodeAt(0)] = K_INSIDE;
  return k;
}

function kindOf(cp: number): number {
  if (cp < 0x80) return K_OTHER;
  if (cp < 0x10000) return (bmp ??= bmpKinds())[cp];
  const s = String.fromCodePoint(cp);
  const is = (re: RegExp) => {
    re.lastIndex = 0;
    return re.test(s);
  };
  return is(INSIDE) ? K_INSIDE : is(WORD) && !is(UNSPACED) ? K_WORD : K_OTHER;
}

/** The code point whose unit is at `i` (either half of a surrogate pair; a lone surrogate stands for itself). */
function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
    const h = text.charCodeAt(i - 1);
    if (h >= 0xd800 && h <= 0xdbff) return ((h - 0xd800) << 10) + (c - 0xdc00) + 0x10000;
  } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const l = text.charCodeAt(i + 1);
    if (l >= 0xdc00 && l <= 0xdfff) return ((c - 0xd800) << 10) + (l - 0xdc00) + 0x10000;
  }
  return c;
}

/**
 * The unit next to a term's edge: from `i` in direction `step` (−1 before the term, +1 after it), past
 * characters invisible inside a word; −1 past either end of the text.
 */
export function besideUnit(text: string, i: number, step: 1 | -1): number {
  while (i >= 0 && i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 0x80) return i;
    const cp = codePointAt(text, i);
    if (kindOf(cp) !== K_INSIDE) return i;
    i += cp > 0xffff ? 2 * step : step;
  }
  return -1;
}

/**
 * Whether the unit at `j` is part of a word: a Latin letter or digit once folded (`base`), or a letter,
 * mark or digit of a script written with spaces between words.
 */
export function wordUnit(text: string, j: number, base: Uint16Array): boolean {
  const c = text.charCodeAt(j);
  if (isLatinUnit(base[c])) return true;
  return c >= 0x80 && kindOf(codePointAt(text, j)) === K_WORD;
}

/** Whether a word goes on before `start` (a whole-word term cannot begin there: "nix" in "phoenix"). */
export function wordBefore(text: string, start: number, base: Uint16Array): boolean {
  if (start === 0) return false;
  const c = text.charCodeAt(start - 1);
  if (c < 0x80) return isLatinUnit(base[c]);
  const j = besideUnit(text, start - 1, -1);
  return j >= 0 && wordUnit(text, j, base);
}

/**
 * Whether a word goes on after `end` ("stand" in "standard"). More of the term's last letter does not
 * count: it may stretch the match (casinooo).
 */
export function wordAfter(text: string, end: number, base: Uint16Array): boolean {
  if (end >= text.length) return false;
  const c = text.charCodeAt(end);
  if (c < 0x80) {
    const b = base[c];
    return isLatinUnit(b) && b !== base[text.charCodeAt(end - 1)];
  }
  const j = besideUnit(text, end, 1);
  return j >= 0 && wordUnit(text, j, base) && base[text.charCodeAt(j)] !== base[text.charCodeAt(end - 1)];
}
