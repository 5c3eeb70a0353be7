import { forEachUnit, isLatinUnit, U_INVISIBLE, U_SEPARATOR, type FoldTable } from './normalize.js';
import { readingsOf } from './pinyin.js';

/** Per-symbol facts the verifier needs, packed in one byte. */
export const S_LATIN = 1;
/** A separator may stand before this symbol (a CJK character, a pinyin syllable, a space in the term). */
export const S_FREE_GAP = 2;
/** Bits 2…6: how many times the symbol repeats in the term (collapsed to one symbol). */
export const RUN_SHIFT = 2;
export const MAX_RUN = 31;
/**
 * The term has a separator inside this Latin symbol's run (the p of `cheap pills`): a gap there in the text
 * ends one word of the term, as a separator before the next symbol would.
 */
export const S_RUN_GAP = 128;

/** How many times the symbol of `info` repeats in the term. */
export const runOf = (info: number): number => (info >> RUN_SHIFT) & MAX_RUN;

/** One matchable spelling of a term: its symbol units (repeats collapsed) and their facts. */
export interface Spelling {
  units: number[];
  info: number[];
  /** Some, not all, characters are in pinyin: such spellings only match where Latin letters meet other symbols. */
  pinyin: boolean;
}

/** Most spellings per term: pinyin variants beyond this add size but almost no recall. */
export const MAX_SPELLINGS = 256;

const NONE: number[][] = [];
const readingCache = new WeakMap<FoldTable, Map<number, number[][]>>();

/** A character's readings as key units of this fold table (cached: each is folded once). */
function readingUnits(cp: number, t: FoldTable): number[][] {
  let m = readingCache.get(t);
  if (!m) readingCache.set(t, (m = new Map()));
  let r = m.get(cp);
  if (!r) {
    r = readingsOf(cp).map((s) => {
      const letters: number[] = [];
      forEachUnit(s, 0, s.length, t, (x) => {
        if (x >= 0) letters.push(x);
      });
      return letters;
    });
    m.set(cp, r);
  }
  return r;
}

interface TermUnit {
  unit: number;
  sepBefore: boolean;
}

/**
 * The term's key units, as the text's are read (same fold table), with whether the term had a separator
 * before each one (so `free money` also matches with its space).
 */
export function termUnits(term: string, t: FoldTable): TermUnit[] {
  const out: TermUnit[] = [];
  let sep = false;
  forEachUnit(term, 0, term.length, t, (u) => {
    if (u === U_INVISIBLE) return;
    if (u === U_SEPARATOR) {
      sep = true;
      return;
    }
    out.push({ unit: u, sepBefore: sep && out.length > 0 });
    sep = false;
  });
  return out;
}

/**
 * Every spelling of a term: as written, then with one, two, … of its Chinese characters written as
 * toneless pinyin (heteronyms included), and entirely in pinyin when `wholePinyin` is set.
 *
 * @example
 * spellings('赌博', table, { pinyin: true, wholePinyin: false, collapse: true }).length; // 3: 赌博, du博, 赌bo
 */
export function spellings(
  term: string,
  t: FoldTable,
  o: { pinyin: boolean; wholePinyin: boolean; collapse: boolean },
): Spelling[] {
  const units = termUnits(term, t);
  if (units.length === 0) return [];
  const alts: number[][][] = units.map((u) =>
    !o.pinyin || u.unit < 0x2e80 ? NONE : readingUnits(u.unit, t),
  );
  const out: Spelling[] = [build(units, alts, new Int8Array(units.length), o.collapse)];
  const pinyinable = alts.map((a, i) => (a.length > 0 ? i : -1)).filter((i) => i >= 0);
  const maxK = o.wholePinyin || pinyinable.length < units.length ? pinyinable.length : pinyinable.length - 1;
  const choice = new Int8Array(units.length);
  // Fewest pinyin characters first, so the budget keeps the likeliest spellings.
  for (let k = 1; k <= maxK && out.length < MAX_SPELLINGS; k++) {
    const pick = (from: number, left: number): void => {
      if (out.length >= MAX_SPELLINGS) return;
      if (left === 0) {
        out.push(build(units, alts, choice, o.collapse));
        return;
      }
      for (let j = from; j <= pinyinable.length - left; j++) {
        const pos = pinyinable[j];
        for (let r = 1; r <= alts[pos].length; r++) {
          choice[pos] = r;
          pick(j + 1, left - 1);
          if (out.length >= MAX_SPELLINGS) break;
        }
        choice[pos] = 0;
      }
    };
    pick(0, k);
  }
  return out;
}

function build(units: TermUnit[], alts: number[][][], choice: Int8Array, collapse: boolean): Spelling {
  const syms: number[] = [];
  const info: number[] = [];
  let prevLatin = false;
  const push = (u: number, latin: boolean, free: boolean) => {
    const n = syms.length;
    if (collapse && n > 0 && syms[n - 1] === u) {
      const prev = info[n - 1];
      const run = runOf(prev) + 1;
      const gap = latin && free ? S_RUN_GAP : 0;
      info[n - 1] = (prev & ~(MAX_RUN << RUN_SHIFT)) | gap | (Math.min(run, MAX_RUN) << RUN_SHIFT);
      return;
    }
    syms.push(u);
    info.push((latin ? S_LATIN : 0) | (free || n === 0 ? S_FREE_GAP : 0) | (1 << RUN_SHIFT));
  };
  // Beside a Chinese character of the term, pinyin letters may be split anyhow (赌 b.o); a term entirely
  // in pinyin is a Latin word and keeps the even-split rule (du bo, d.u.b.o).
  const partial = units.some((u, i) => choice[i] === 0 && !isLatinUnit(u.unit));
  units.forEach((u, i) => {
    if (choice[i] > 0) {
      alts[i][choice[i] - 1].forEach((x, j) => push(x, true, j === 0 || partial));
      prevLatin = true;
      return;
    }
    const latin = isLatinUnit(u.unit);
    push(u.unit, latin, !latin || !prevLatin || u.sepBefore || choice[i - 1] > 0);
    prevLatin = latin;
  });
  // Only a partly pinyin spelling needs a Latin/other boundary; one entirely in pinyin is a Latin word.
  return { units: syms, info, pinyin: partial && !choice.every((x) => x === 0) };
}
