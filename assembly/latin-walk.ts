// The walk of `scanAnchored` (src/screening/anchored.ts) for ASCII text in which every character is a Latin
// symbol, a separator or outside every pattern, compiled to WebAssembly (`npm run build:wasm`): a
// JavaScript loop over English text cannot go much faster than the Aho–Corasick packages it is measured
// against (docs/benchmarks.md, "The ceiling for English in JavaScript"). The host (latin-walk.ts) lays
// out the tables in memory; the tests compare every result with the JavaScript walk.
//
// The Latin part of the trie is a double array: the child of state s on code c is cell base(s) + c when
// that cell's check is s, so a step is one load, without searching or branching on the state's shape.

// Marker codes, as in automaton.ts.
const C_SKIP: i32 = 0;
const C_NONE: i32 = 2;
const FIRST_SYMBOL: i32 = 4;
const LATIN_CODE_LIMIT: i32 = 66;

/** In a cell's base: the state has patterns of its own. */
const OWN: i32 = 1 << 30;
/**
 * Every pattern of the state repeats a letter (thee): text that spells each letter once, without a gap or
 * a repeat after it, cannot match them (the verifier's run check).
 */
const NEEDS_RUN: i32 = 1 << 29;
/**
 * The state is at least two symbols deep and no pattern below it begins a word of the term (or has a
 * gap inside a run) up to the next symbol: letters written together and then a separator ("she an"
 * for shean) are an uneven split, which the verifier refuses.
 */
const JOINED: i32 = 1 << 28;
/**
 * The state is at least two symbols deep, and every pattern below it that lets a gap follow also repeats
 * one of the letters read so far (too haitblyt from "to"): a word spelt once each, whose last letter does
 * not come again after the gap, cannot go on over it.
 */
const GAP_RUN: i32 = 1 << 27;
const BASE_MASK: i32 = GAP_RUN - 1;

/** Returned when the text needs the JavaScript walk, or when the candidates would not fit. */
const BAIL: i32 = -1;
const FULL: i32 = -2;

// Table offsets in memory, set by `init`.
/** 128 bytes: ASCII unit → Latin code, C_SKIP, C_NONE, or 255 (not for this walk). */
let codes: usize = 0;
/** 128 bytes: bit 1 when the folded unit is an ASCII letter or digit, bit 2 when it is a separator. */
let latinUnit: usize = 0;
/** Cells of 2 × i32: check (the parent state, −1 when free), base (| OWN). The root is cell 0. */
let cells: usize = 0;
/** The text, one byte per unit. */
let text: usize = 0;
/** Candidates, 3 × i32: state, start, end. */
let out: usize = 0;
let outCap: i32 = 0;
let collapse: bool = true;

/**
 * Bitset over hashed words (only with repeats collapsed: then a pattern ending inside a word is never
 * reported, so a word matters only as a whole); 0: none.
 */
let words: usize = 0;
let wordShift: u32 = 32;
/** As in `wordFilter` (latin-walk.ts): each letter of a word, repeats collapsed, h = (h ^ code) × this. */
const HASH_NEXT: i32 = 0x85ebca77;

let found: i32 = 0;
/** Where the main loop goes on after a walk, and the last symbol there. */
let resume: i32 = 0;
let resumeLast: i32 = -1;

export function init(
  codesAt: usize,
  latinAt: usize,
  cellsAt: usize,
  textAt: usize,
  outAt: usize,
  cap: i32,
  collapseRepeats: bool,
  wordsAt: usize,
  wordBits: u32,
): void {
  words = wordsAt;
  wordShift = 32 - wordBits;
  codes = codesAt;
  latinUnit = latinAt;
  cells = cellsAt;
  text = textAt;
  out = outAt;
  outCap = cap;
  collapse = collapseRepeats;
}

function codeAt(j: i32): i32 {
  return <i32>load<u8>(codes + <usize>load<u8>(text + <usize>j));
}

/** The symbol read at `j` repeats the one before and begins a word (as repeatBeginsWord). */
function repeatBeginsWord(j: i32): bool {
  return j > 0 && (load<u8>(latinUnit + <usize>load<u8>(text + <usize>(j - 1))) & 1) == 0;
}

function separatorAt(j: i32): bool {
  return (load<u8>(latinUnit + <usize>load<u8>(text + <usize>j)) & 2) != 0;
}

/** The child of `s` on `c`, or −1. */
function childOf(s: i32, c: i32): i32 {
  const t = (load<i32>(cells + ((<usize>s) << 3), 4) & BASE_MASK) + c;
  return load<i32>(cells + ((<usize>t) << 3)) == s ? t : -1;
}

/**
 * Follows the walk that begins with symbol `q` at `start` (as walkAhead: separators skipped, repeats
 * collapsed, goto edges only) and records the states with patterns it reaches. Sets where the word that
 * begins at `start` ends (`resume`, `resumeLast`) when the walk got that far. 0, BAIL or FULL.
 */
function walk(q: i32, start: i32, n: i32): i32 {
  let s = childOf(0, q);
  let last = collapse ? q : -1;
  let j = start + 1;
  // Where the walk stopped or the word ended, whichever came first; the main loop goes on from there.
  resume = j;
  resumeLast = last;
  if (s < 0) return 0;
  let inWord = true;
  // A repeat was collapsed: runs may match.
  let repeated = false;
  for (; j < n; j++) {
    const c = codeAt(j);
    if (c < FIRST_SYMBOL) {
      if (inWord) {
        inWord = false;
        resume = j;
        resumeLast = last;
        // Nothing below can match across this gap.
        if (c == C_SKIP && separatorAt(j)) {
          const b = load<i32>(cells + ((<usize>s) << 3), 4);
          if ((b & JOINED) != 0) return 0;
          if ((b & GAP_RUN) != 0 && collapse && !repeated) {
            let x = j + 1;
            while (x < n && codeAt(x) == C_SKIP) x++;
            if (x >= n || codeAt(x) != last) return 0;
          }
        }
      }
      if (c == C_SKIP) continue;
      return 0;
    }
    if (c >= LATIN_CODE_LIMIT) return BAIL;
    if (c == last) {
      // The first symbol again, beginning a word: the walk begins anew there.
      if (s == childOf(0, q) && repeatBeginsWord(j)) break;
      repeated = true;
      continue;
    }
    if (collapse) last = c;
    const t = childOf(s, c);
    if (t < 0) {
      if (inWord) {
        resume = j + 1;
        resumeLast = last;
      }
      return 0;
    }
    s = t;
    const b = load<i32>(cells + ((<usize>s) << 3), 4);
    if ((b & OWN) != 0 && !((b & NEEDS_RUN) != 0 && inWord && !repeated && singleAfter(c, j + 1, n)))
      if (!record(s, start, j + 1)) return FULL;
  }
  if (inWord) {
    resume = j;
    resumeLast = last;
  }
  return 0;
}

/** Records a candidate (state, start, end); false when the buffer is full. */
function record(s: i32, start: i32, end: i32): bool {
  if (found == outCap) return false;
  const p = out + <usize>found * 12;
  store<i32>(p, s);
  store<i32>(p, start, 4);
  store<i32>(p, end, 8);
  found++;
  return true;
}

/** What follows a letter at `j` neither repeats it nor can be skipped into a repeat of it. */
function singleAfter(c: i32, j: i32, n: i32): bool {
  if (j >= n) return true;
  const d = codeAt(j);
  if (d >= FIRST_SYMBOL) return d != c && d < LATIN_CODE_LIMIT;
  return d == C_NONE || separatorAt(j);
}

/**
 * Walks the `n` bytes of text: a walk begins at every Latin symbol that no Latin symbol comes right before
 * (whole-word patterns begin only there), and at a repeated symbol that begins a word. Returns the number
 * of candidates written, BAIL or FULL.
 */
export function scan(n: i32): i32 {
  found = 0;
  if (words != 0) return scanWords(n);
  let last = -1;
  let i = 0;
  while (i < n) {
    const c = codeAt(i);
    if (c < FIRST_SYMBOL) {
      if (c == C_NONE) last = -1;
      i++;
      continue;
    }
    if (c >= LATIN_CODE_LIMIT) return BAIL;
    if (c != last) {
      // A one-letter pattern (as the JavaScript walk's full step: not at a collapsed repeat).
      const r = childOf(0, c);
      if (r >= 0 && (load<i32>(cells + ((<usize>r) << 3), 4) & OWN) != 0 && !record(r, i, i + 1)) return FULL;
    }
    if (c != last || repeatBeginsWord(i)) {
      const r = walk(c, i, n);
      if (r < 0) return r;
      i = resume;
      last = resumeLast;
    } else i++;
    // The rest of the word: no pattern begins inside it, so only its last symbol matters.
    while (i < n) {
      const d = codeAt(i);
      if (d < FIRST_SYMBOL || d >= LATIN_CODE_LIMIT) break;
      if (collapse) last = d;
      i++;
    }
  }
  return found;
}

/**
 * `scan` where no pattern is one letter long, with the word filter: first one pass without branches that
 * depend on the text (a word's length, where it ends, and whether it matters are all data the branch
 * predictor cannot learn), which hashes each word (repeats collapsed) and keeps the starts of the words
 * the filter lets through; then a walk from each of those. Every word start in ASCII text begins a walk in
 * `scan` (the unit before a word start is never a letter, so a repeat there begins a word too), so this
 * walks from the same places, less the words no trie path can use.
 */
function scanWords(n: i32): i32 {
  // Ends of the words kept, after the text (the host leaves room for one per unit).
  const kept = (text + <usize>n + 3) & ~(<usize>3);
  let k = 0;
  // The hash of the word so far (0 between words: a word's first letter hashes as any other letter).
  let h: u32 = 0;
  let l = -1;
  let bail = 0;
  for (let i = 0; i < n; i++) {
    const c = codeAt(i);
    // Bitwise operators and selects, not logical ones: nothing below is a branch.
    bail |= <i32>(c >= LATIN_CODE_LIMIT);
    const isL = <i32>(<u32>(c - FIRST_SYMBOL) < <u32>(LATIN_CODE_LIMIT - FIRST_SYMBOL));
    // A word ends here: test its hash (otherwise the load reads word 0 of the bitset, so it never waits).
    const ending = (<i32>(l >= 0)) & (isL ^ 1);
    const bit = (h >> wordShift) & (<u32>-ending);
    const hit = ending & (<i32>((load<u32>(words + (((<usize>bit) >> 5) << 2)) >> (bit & 31)) & 1));
    store<i32>(kept + ((<usize>k) << 2), i);
    k += hit;
    h = select<u32>(select<u32>((h ^ (<u32>c)) * <u32>HASH_NEXT, h, c != l), 0, isL != 0);
    l = select<i32>(c, -1, isL != 0);
  }
  if (bail != 0) return BAIL;
  if (l >= 0) {
    const bit = h >> wordShift;
    if ((load<u32>(words + (((<usize>bit) >> 5) << 2)) & (1 << (bit & 31))) != 0) {
      store<i32>(kept + ((<usize>k) << 2), n);
      k++;
    }
  }
  for (let x = 0; x < k; x++) {
    // Back to the word's first letter.
    let i = load<i32>(kept + ((<usize>x) << 2)) - 1;
    while (i > 0 && <u32>(codeAt(i - 1) - FIRST_SYMBOL) < <u32>(LATIN_CODE_LIMIT - FIRST_SYMBOL)) i--;
    const r = walk(codeAt(i), i, n);
    if (r < 0) return r;
  }
  return found;
}
