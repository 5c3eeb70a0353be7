import {
  C_NONE,
  C_SKIP,
  childOf,
  F_EMIT,
  F_HASHED,
  F_SORTED,
  FIRST_SYMBOL,
  LATIN_CODE_LIMIT,
  ROW_SHIFT,
  hashSlot,
  ST_FAIL,
  ST_FLAGS,
  type Automaton,
} from './automaton.js';
import { isLatinUnit, M_AMBIG_A, M_AMBIG_S, M_EXPAND, type FoldTable } from './normalize.js';
import { wordAfter, wordBefore } from './words.js';

/**
 * Whether a repeated Latin symbol `c` read at `i` begins a word: the unit before it is no Latin letter.
 * Repeats are collapsed across separators (`f r e e e`), but in "said deal" the second d begins a word, and
 * a whole-word term may begin there: the walks then move the start of the collapsed symbol to it.
 */
export function repeatBeginsWord(text: string, m: ScanTables, c: number, i: number): boolean {
  return c < LATIN_CODE_LIMIT && i > 0 && !isLatinUnit(m.fold.base[text.charCodeAt(i - 1)]);
}

/** Window of symbol start offsets kept while walking; longer than the longest spelling. */
export const RING_SIZE = 512;
const RING_MASK = RING_SIZE - 1;

/** What the walk needs, all precomputed at compile time. */
export interface ScanTables {
  automaton: Automaton;
  /** Code unit → dense symbol code, or C_SKIP / C_NONE / C_SPECIAL. */
  codes: Uint16Array;
  /** Folded BMP unit → dense code (0: not in any pattern). */
  unitCode: Uint16Array;
  /** Folded unit outside the BMP → dense code. */
  astralCode: Map<number, number>;
  fold: FoldTable;
  collapse: boolean;
  /** Per pattern of this automaton: 1 when it must start a Latin word (whole-word matching). */
  wordStart?: Uint8Array;
  /** Per pattern: 1 when it must end a Latin word. */
  wordEnd?: Uint8Array;
}

/** Growable list of offsets. */
export class Offsets {
  data = new Int32Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
}

/** Growable list of (pattern, start, end) candidates; reused between calls. */
export class Candidates {
  data = new Int32Array(3 * 64);
  length = 0;
  push(p: number, start: number, end: number): void {
    if (this.length * 3 + 3 > this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    const o = this.length * 3;
    this.data[o] = p;
    this.data[o + 1] = start;
    this.data[o + 2] = end;
    this.length++;
  }
}

const ring = new Int32Array(RING_SIZE);
/** Symbol codes of the rare character last read by `specialUnits`. */
export const pend = new Int32Array(16);

/** Walk state carried through the rare path. */
const walk = { s: 0, last: -1, pos: 0 };

/**
 * Walks the text once, reading each UTF-16 unit through the code table and the automaton, and records a
 * candidate for every pattern that ends (start = original offset of its first symbol). Separators and
 * invisible characters are skipped, repeats collapsed; the verifier then checks gaps, runs and word
 * boundaries on the original text. No allocation per character; the rare characters (`@`, `$`,
 * expansions, surrogate pairs) leave the loop for `special`.
 */
export function scanCandidates(
  text: string,
  m: ScanTables,
  out: Candidates,
  from = 0,
  to = text.length,
  switches?: Offsets,
): void {
  const codes = m.codes;
  const a = m.automaton;
  const rootNext = a.rootNext;
  const states = a.states;
  const edges = a.edges;
  const hash = a.hash;
  const latinRows = a.latinRows;
  const mask = (hash.length >> 2) - 1;
  const r = ring;
  const collapse = m.collapse;
  const track = switches !== undefined;
  let s = 0;
  let last = -1;
  let pos = 0;
  let kind = -1;
  for (let i = from; i < to; i++) {
    const c = codes[text.charCodeAt(i)];
    if (c < FIRST_SYMBOL) {
      if (c === C_SKIP) continue;
      if (c === C_NONE) {
        s = 0;
        last = -1;
        kind = -1;
        continue;
      }
      const count = specialUnits(text, i, m);
      const next = specialEnd;
      if (track) {
        const k = specialKind(text, i, m, count);
        if (k >= 0 && k !== kind) {
          if (kind >= 0) switches.push(i);
          kind = k;
        }
      }
      walk.s = s;
      walk.last = last;
      walk.pos = pos;
      for (let x = 0; x < count; x++) stepSlow(text, m, pend[x], i, next, out);
      s = walk.s;
      last = walk.last;
      pos = walk.pos;
      i = next - 1;
      continue;
    }
    if (c === last) {
      if (repeatBeginsWord(text, m, c, i)) r[(pos - 1) & RING_MASK] = i;
      continue;
    }
    if (collapse) last = c;
    if (track) {
      // Where Latin letters meet other symbols, a term with some characters in pinyin may start.
      const k = c < LATIN_CODE_LIMIT ? 1 : 0;
      if (k !== kind) {
        if (kind >= 0) switches.push(i);
        kind = k;
      }
    }
    r[pos & RING_MASK] = i;
    pos++;
    if (s === 0) {
      s = rootNext[c];
    } else {
      for (;;) {
        const o = s << 2;
        const fl = states[o + 3];
        let t = -1;
        if (c < LATIN_CODE_LIMIT && fl >= 1 << ROW_SHIFT) {
          const x = latinRows[(((fl >> ROW_SHIFT) - 1) << 6) + c - FIRST_SYMBOL];
          if (x !== 0) t = x;
        } else if (fl & F_SORTED) {
          let lo = states[o] >> 1;
          let hi = (states[o + 1] >> 1) - 1;
          while (lo <= hi) {
            const mid = (lo + hi) >> 1;
            const sym = edges[mid << 1];
            if (sym === c) {
              t = edges[(mid << 1) + 1];
              break;
            }
            if (sym < c) lo = mid + 1;
            else hi = mid - 1;
          }
        } else if (fl & F_HASHED) {
          let h = hashSlot(s, c, mask) << 2;
          for (;;) {
            const k = hash[h];
            if (k === s && hash[h + 1] === c) {
              t = hash[h + 2];
              break;
            }
            if (k === -1) break;
            h = (h + 4) & (mask << 2);
          }
        } else {
          for (let e = states[o], end = states[o + 1]; e < end; e += 2) {
            if (edges[e] === c) {
              t = edges[e + 1];
              break;
            }
          }
        }
        if (t >= 0) {
          s = t;
          break;
        }
        s = states[o + 2];
        if (s === 0) {
          s = rootNext[c];
          break;
        }
      }
    }
    if (states[(s << 2) + 3] & F_EMIT) report(text, m, a, s, pos, i + 1, out);
  }
}

/** One symbol through the automaton, for the rare path (same logic as the loop above). */
function stepSlow(text: string, m: ScanTables, c: number, start: number, end: number, out: Candidates): void {
  const a = m.automaton;
  const collapse = m.collapse;
  if (c === C_NONE) {
    walk.s = 0;
    walk.last = -1;
    return;
  }
  if (c === walk.last) {
    if (repeatBeginsWord(text, m, c, start)) ring[(walk.pos - 1) & RING_MASK] = start;
    return;
  }
  if (collapse) walk.last = c;
  ring[walk.pos & RING_MASK] = start;
  walk.pos++;
  let s = walk.s;
  for (;;) {
    if (s === 0) {
      s = a.rootNext[c];
      break;
    }
    const t = childOf(a, s, c);
    if (t >= 0) {
      s = t;
      break;
    }
    s = a.states[s * 4 + ST_FAIL];
  }
  walk.s = s;
  if (a.states[s * 4 + ST_FLAGS] & F_EMIT) report(text, m, a, s, walk.pos, end, out);
}

function report(
  text: string,
  m: ScanTables,
  a: Automaton,
  s: number,
  pos: number,
  end: number,
  out: Candidates,
): void {
  const wordStart = m.wordStart;
  const wordEnd = m.wordEnd;
  const base = m.fold.base;
  // The next character: a Latin letter other than the last one (which could extend a stretched run)
  // means any Latin-ending pattern here ends inside a word ("stand" in "standard").
  const midWord = wordAfter(text, end, base);
  let t = a.own[s] !== 0 ? s : a.dict[s];
  while (t !== 0) {
    for (let p = a.own[t]; p !== 0; p = a.patNext[p - 1]) {
      const start = ring[(pos - a.patLen[p - 1]) & RING_MASK];
      // A Latin word that starts inside another word ("nix" in "phoenix") is no candidate.
      if (wordStart !== undefined && wordStart[p - 1] !== 0 && wordBefore(text, start, base)) continue;
      if (midWord && wordEnd !== undefined && wordEnd[p - 1] !== 0) continue;
      out.push(p - 1, start, end);
    }
    t = a.dict[t];
  }
}

/**
 * Which side of a Latin/other boundary the rare character at `i` (its `count` symbols just read into `pend`)
 * stands on: 1 Latin (a styled letter, a ligature), 0 other, −1 neither (`@` and `$`, which may be no
 * letter; a character in no pattern).
 */
export function specialKind(text: string, i: number, m: ScanTables, count: number): number {
  if (count === 0 || pend[0] === C_NONE) return -1;
  const b = m.fold.base[text.charCodeAt(i)];
  if (b === M_AMBIG_A || b === M_AMBIG_S) return -1;
  return pend[0] < LATIN_CODE_LIMIT ? 1 : 0;
}

/** End (exclusive) of the character last read by `specialUnits`. */
export let specialEnd = 0;

/**
 * Puts the symbol codes of the rare character at `i` in `pend` (C_NONE for units in no pattern; skipped
 * units left out), sets `specialEnd`, and returns how many there are.
 */
export function specialUnits(text: string, i: number, m: ScanTables): number {
  const c = text.charCodeAt(i);
  const b = m.fold.base[c];
  let next = i + 1;
  let count = 0;
  if (b === M_AMBIG_A || b === M_AMBIG_S) {
    count = pushUnit(m.fold.resolveAmbiguous(text, i, b), m, count);
  } else if (b === M_EXPAND) {
    for (const u of m.fold.expansions.get(c) ?? []) count = pushUnit(u, m, count);
  } else {
    const lo = text.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) {
      const cp = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
      for (const u of m.fold.astralUnits(cp)) count = pushUnit(u, m, count);
      next = i + 2;
    }
  }
  specialEnd = next;
  return count;
}

function pushUnit(u: number, m: ScanTables, count: number): number {
  if (u < 0 || count >= pend.length) return count; // invisible or separator: skipped
  const code = u <= 0xffff ? m.unitCode[u] : (m.astralCode.get(u) ?? 0);
  pend[count] = code >= FIRST_SYMBOL ? code : C_NONE;
  return count + 1;
}
