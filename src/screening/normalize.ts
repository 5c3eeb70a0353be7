import { foldLookalike } from './lookalikes.js';
import { traditionalToSimplified } from './traditional.js';

/**
 * Normalization steps; each can be switched off per rule set and is on by default, except
 * `pinyinWholeTerm` (a term written entirely in pinyin), which is off by default.
 */
export interface NormalizeOptions {
  /** Unicode NFKC (compatibility forms, ligatures, circled and mathematical letters). */
  nfkc?: boolean;
  /** Full-width ASCII and the ideographic space to their half-width forms. */
  fullWidth?: boolean;
  caseFold?: boolean;
  /** Traditional → simplified Chinese, character by character. */
  traditional?: boolean;
  /** Skip spaces, punctuation, symbols, emoji, zero-width characters and variation selectors inside a term. */
  separators?: boolean;
  /** Cyrillic and Greek look-alike letters to Latin; diacritics stripped. */
  homoglyphs?: boolean;
  /** Digits and symbols standing for letters: 0→o 1→i/l 3→e 4,@→a 5,$→s 7→t. */
  leet?: boolean;
  /** A term matches when some of its Chinese characters are written as toneless pinyin (赌bo, du博). */
  pinyin?: boolean;
  /** A term also matches when written entirely in pinyin (dubo). */
  pinyinWholeTerm?: boolean;
  /** Repeated characters count once (赌赌赌博). */
  collapseRepeats?: boolean;
}

export type ResolvedNormalizeOptions = Required<NormalizeOptions>;

export const DEFAULT_NORMALIZE_OPTIONS: Readonly<ResolvedNormalizeOptions> = Object.freeze({
  nfkc: true,
  fullWidth: true,
  caseFold: true,
  traditional: true,
  separators: true,
  homoglyphs: true,
  leet: true,
  pinyin: true,
  pinyinWholeTerm: false,
  collapseRepeats: true,
});

const OPTION_KEYS = Object.keys(DEFAULT_NORMALIZE_OPTIONS) as (keyof NormalizeOptions)[];

/** Fills defaults and rejects unknown keys, so a misspelt option fails loudly. */
export function resolveNormalizeOptions(o: NormalizeOptions = {}): ResolvedNormalizeOptions {
  for (const k of Object.keys(o)) {
    if (!OPTION_KEYS.includes(k as keyof NormalizeOptions))
      throw new TypeError(`unknown normalization option "${k}"`);
  }
  const r = { ...DEFAULT_NORMALIZE_OPTIONS };
  for (const k of OPTION_KEYS) if (o[k] !== undefined) r[k] = Boolean(o[k]);
  return r;
}

// Markers in the per-code-unit table; U+FDD0… are noncharacters, and input noncharacters fold to SEPARATOR.
export const M_INVISIBLE = 0xfdd0;
export const M_SEPARATOR = 0xfdd1;
export const M_AMBIG_A = 0xfdd2;
export const M_AMBIG_S = 0xfdd3;
export const M_EXPAND = 0xfdd4;
export const M_HIGH = 0xfdd5;

/** Key units below 0: an invisible character (never a gap) and a visible separator (a gap). */
export const U_INVISIBLE = -1;
export const U_SEPARATOR = -2;
const U_AMBIG_A = -3;
const U_AMBIG_S = -4;

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', l: 'i' };
const INVISIBLE = /^[\p{Cf}\p{M}\u115f\u1160\u3164\uffa0]$/u;
const SEPARATOR = /^[\s\p{Z}\p{P}\p{S}\p{Cc}\p{Extended_Pictographic}]$/u;
const ALNUM = /^[\p{L}\p{N}]$/u;

export type FoldMode = 'match' | 'regex';

/**
 * What each code unit becomes: the folded character (one UTF-16 unit) or a marker. Built once per
 * options and mode; the compiled rule set derives its dense symbol table from it.
 */
export class FoldTable {
  readonly base: Uint16Array = new Uint16Array(65536);
  readonly expansions: Map<number, number[]> = new Map();
  private readonly astral = new Map<number, number[]>();
  private readonly fold: (cp: number) => number[];

  /**
   * `saved` restores a table sent by `toBuffer()` without recomputing it (characters outside the BMP,
   * which need no traditional → simplified table, are folded on first sight).
   */
  constructor(
    readonly options: ResolvedNormalizeOptions,
    readonly mode: FoldMode,
    saved?: { base: Uint16Array; expansions: Map<number, number[]> },
  ) {
    const o = options;
    if (saved) {
      this.base = saved.base;
      this.expansions = saved.expansions;
      this.fold = (cp: number) => foldCodePoint(cp, o, mode, undefined);
      return;
    }
    const t2s = o.traditional ? traditionalToSimplified() : undefined;
    this.fold = (cp: number) => foldCodePoint(cp, o, mode, t2s);
    for (let c = 0; c < 65536; c++) {
      if (c >= 0xd800 && c <= 0xdbff) this.base[c] = M_HIGH;
      else if ((c >= 0xdc00 && c <= 0xdfff) || (c >= 0xfdd0 && c <= 0xfdef)) this.base[c] = M_SEPARATOR;
      else this.base[c] = this.encode(c, this.fold(c));
    }
  }

  private encode(c: number, units: number[]): number {
    if (units.length === 1) {
      const u = units[0];
      if (u === U_INVISIBLE) return M_INVISIBLE;
      if (u === U_SEPARATOR) return M_SEPARATOR;
      if (u === U_AMBIG_A) return M_AMBIG_A;
      if (u === U_AMBIG_S) return M_AMBIG_S;
      if (u >= 0 && u <= 0xffff) return u;
    }
    if (units.length === 0) return M_INVISIBLE;
    // An expansion of nothing but separators (… → ...) is one separator.
    if (units.every((u) => u === U_SEPARATOR || u === U_INVISIBLE))
      return units.includes(U_SEPARATOR) ? M_SEPARATOR : M_INVISIBLE;
    this.expansions.set(
      c,
      units.map((u) => (u === U_AMBIG_A || u === U_AMBIG_S ? U_SEPARATOR : u)),
    );
    return M_EXPAND;
  }

  /** Key units of a character outside the BMP (cached). */
  astralUnits(cp: number): number[] {
    let u = this.astral.get(cp);
    if (u === undefined) {
      u = this.fold(cp).map((x) => (x === U_AMBIG_A || x === U_AMBIG_S ? U_SEPARATOR : x));
      if (u.length === 0) u = [U_INVISIBLE];
      this.astral.set(cp, u);
    }
    return u;
  }

  /** `@` and `$` are letters (a, s) beside a Latin letter or digit, separators elsewhere (赌$博). */
  resolveAmbiguous(text: string, i: number, marker: number): number {
    if (this.latinNear(text, i, -1) || this.latinNear(text, i, 1)) return marker === M_AMBIG_A ? 0x61 : 0x73;
    return U_SEPARATOR;
  }

  /** Whether the nearest character in direction `d`, past a few separators (g.@.m), is a Latin letter or digit. */
  private latinNear(text: string, i: number, d: number): boolean {
    for (let j = i + d, k = 0; k < 6 && j >= 0 && j < text.length; j += d, k++) {
      const b = this.base[text.charCodeAt(j)];
      // Surrogate halves here are emoji between letters (c🔥@🔥p); a run of @ and $ is read as a whole (p@$$port).
      if (b === M_SEPARATOR || b === M_INVISIBLE || b === M_HIGH || b === M_AMBIG_A || b === M_AMBIG_S)
        continue;
      return isLatinUnit(b);
    }
    return false;
  }
}

const tables = new Map<string, FoldTable>();

/** The fold table for these options and mode, built on first use (about 50 ms) and cached. */
export function foldTableFor(
  options: ResolvedNormalizeOptions,
  mode: FoldMode,
  saved?: { base: Uint16Array; expansions: Map<number, number[]> },
): FoldTable {
  const o =
    mode === 'regex' ? { ...options, leet: false, separators: false, collapseRepeats: false } : options;
  // Pinyin options change the patterns, not the folding: leave them out of the key.
  const key = `${mode}:${OPTION_KEYS.filter((k) => !k.startsWith('pinyin'))
    .map((k) => (o[k] ? 1 : 0))
    .join('')}`;
  let t = tables.get(key);
  if (!t) {
    t = new FoldTable(o, mode, saved);
    tables.set(key, t);
  }
  return t;
}

/** True for key units of Latin letters and digits (NaN, from reading past the text, is false). */
export function isLatinUnit(u: number): boolean {
  return (u >= 0x61 && u <= 0x7a) || (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5a);
}

function foldCodePoint(
  cp: number,
  o: ResolvedNormalizeOptions,
  mode: FoldMode,
  t2s: Map<number, number> | undefined,
): number[] {
  let s = String.fromCodePoint(cp);
  const isFullWidth = (cp >= 0xff01 && cp <= 0xff5e) || cp === 0x3000;
  if (o.nfkc && (o.fullWidth || !isFullWidth)) s = s.normalize('NFKC');
  if (o.fullWidth) s = s.replace(/[\uff01-\uff5e\u3000]/g, (c) => toHalfWidth(c));
  if (o.caseFold) s = s.toLowerCase();
  if (o.homoglyphs) s = [...s].map(foldLookalike).join('');
  const out: number[] = [];
  for (const ch of s) {
    let c = ch.codePointAt(0) ?? 0;
    if (t2s) c = t2s.get(c) ?? c;
    const x = String.fromCodePoint(c);
    if (INVISIBLE.test(x)) {
      if (o.separators || mode === 'regex') out.push(U_INVISIBLE);
      else out.push(c);
      continue;
    }
    if (o.leet && mode === 'match') {
      if (x === '@') {
        out.push(U_AMBIG_A);
        continue;
      }
      if (x === '$') {
        out.push(U_AMBIG_S);
        continue;
      }
      const l = LEET[x];
      if (l) {
        out.push(l.charCodeAt(0));
        continue;
      }
    }
    if (o.separators && mode === 'match' && !ALNUM.test(x) && SEPARATOR.test(x)) out.push(U_SEPARATOR);
    else out.push(c);
  }
  return out;
}

function toHalfWidth(c: string): string {
  const x = c.charCodeAt(0);
  return x === 0x3000 ? ' ' : String.fromCharCode(x - 0xfee0);
}

/**
 * Calls `visit` with each key unit of `text[from, to)` and the original UTF-16 span it came from:
 * a folded code point (≥ 0), U_INVISIBLE or U_SEPARATOR; `visit` returns true to stop. The screening hot
 * loop inlines the same logic.
 */
export function forEachUnit(
  text: string,
  from: number,
  to: number,
  t: FoldTable,
  visit: (unit: number, start: number, end: number) => boolean | void,
): void {
  for (let i = from; i < to;) {
    const c = text.charCodeAt(i);
    const b = t.base[c];
    if (b < M_INVISIBLE || b > M_HIGH) {
      if (visit(b, i, i + 1) === true) return;
      i++;
      continue;
    }
    let stop: boolean | void = false;
    if (b === M_INVISIBLE) stop = visit(U_INVISIBLE, i, i + 1);
    else if (b === M_SEPARATOR) stop = visit(U_SEPARATOR, i, i + 1);
    else if (b === M_AMBIG_A || b === M_AMBIG_S) stop = visit(t.resolveAmbiguous(text, i, b), i, i + 1);
    else if (b === M_EXPAND) {
      for (const u of t.expansions.get(c) ?? []) if ((stop = visit(u, i, i + 1)) === true) break;
    } else {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        for (const u of t.astralUnits(cp)) if (visit(u, i, i + 2) === true) return;
        i += 2;
        continue;
      }
      stop = visit(U_SEPARATOR, i, i + 1);
    }
    if (stop === true) return;
    i++;
  }
}

/** Normalized text with, for each of its UTF-16 units, the span of the original text it came from. */
export interface NormalizedText {
  text: string;
  /** Original start offset of each unit of `text`. */
  starts: Int32Array;
  /** Original end offset (exclusive) of each unit of `text`. */
  ends: Int32Array;
}

/**
 * The matching key of a text: what terms are matched against. Separators and invisible characters are
 * dropped, letters folded (with leet, `i`, `l` and `1` share one key), repeats collapsed. Offsets point
 * into the original text, so `original.slice(starts[a], ends[b - 1])` is the source of key range [a, b).
 *
 * @example
 * const n = normalize('Ｆ.Ｒ.Ｅ.Ｅ 賭博');
 * n.text; // 'fre赌博'
 * n.starts[3]; // 8 (the offset of 賭)
 */
export function normalize(text: string, options?: NormalizeOptions): NormalizedText {
  const o = resolveNormalizeOptions(options);
  return build(text, foldTableFor(o, 'match'), o.collapseRepeats, true);
}

/**
 * The text regular-expression rules run on: NFKC, width, case, look-alikes and traditional characters
 * folded and invisible characters dropped, but spaces, punctuation, digits and repeats kept, so that
 * patterns like `\d{11}` keep their meaning.
 *
 * @example
 * normalizeForRegex('加薇信：ＡＢＣ１２３').text; // '加薇信:abc123'
 */
export function normalizeForRegex(text: string, options?: NormalizeOptions): NormalizedText {
  return build(text, foldTableFor(resolveNormalizeOptions(options), 'regex'), false, false);
}

/** The regex view of a text with a table already looked up (the compiled set keeps its own). */
export function regexView(text: string, t: FoldTable): NormalizedText {
  return build(text, t, false, false);
}

function build(text: string, t: FoldTable, collapse: boolean, dropSeparators: boolean): NormalizedText {
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let last = -10;
  forEachUnit(text, 0, text.length, t, (u, s, e) => {
    if (u === U_INVISIBLE || (u === U_SEPARATOR && dropSeparators)) return;
    if (u === U_SEPARATOR) u = text.codePointAt(s) ?? 0x20;
    if (collapse && u === last) {
      // The repeat joins the previous unit's span.
      ends[ends.length - 1] = e;
      return;
    }
    last = u;
    const ch = String.fromCodePoint(u);
    for (let k = 0; k < ch.length; k++) {
      starts.push(s);
      ends.push(e);
    }
    out += ch;
  });
  return { text: out, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}
