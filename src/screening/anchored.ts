import * as automaton from './automaton.js';
import { hashSlot, type Automaton } from './automaton.js';
import {
  pend,
  repeatBeginsWord,
  scanCandidates,
  specialKind,
  specialEnd,
  specialUnits,
  type Candidates,
  type Offsets,
  type ScanTables,
} from './scan.js';
import { wordAfter, wordBefore } from './words.js';

// Module-local copies of the automaton's constants: optimized code reads an imported binding through
// its cell, with a check, at every use; a constant of the module itself is folded into the code.
const C_NONE = automaton.C_NONE;
const C_SKIP = automaton.C_SKIP;
const C_SPECIAL = automaton.C_SPECIAL;
const F_HASHED = automaton.F_HASHED;
const F_SORTED = automaton.F_SORTED;
const FIRST_SYMBOL = automaton.FIRST_SYMBOL;
const LATIN_CODE_LIMIT = automaton.LATIN_CODE_LIMIT;
const LATIN_CODES = automaton.LATIN_CODES;
const ROW_SHIFT = automaton.ROW_SHIFT;

/**
 * Where a pattern can begin, precomputed per automaton: a start filter read before any automaton state.
 * Most symbols of ordinary text begin no pattern together with the symbol after them, and inside a Latin
 * word no whole-word pattern can begin, so the walk only enters the automaton at the few places where a
 * match can start, instead of following failure links at every character.
 */
export interface StartTables {
  /** Bitset over hashed (first symbol, second symbol) pairs that begin some pattern. */
  pairBits: Int32Array;
  /** 32 − log2(bits of pairBits). */
  pairShift: number;
  /** Per symbol code: START_SINGLE, START_IN_WORD. */
  startFlags: Uint8Array;
  /** Bitset over Latin (first, second) symbols that are a whole two-symbol pattern. */
  latinPairs: Int32Array;
  /** Bitset over Latin (first, second, third) symbols that begin a longer pattern. */
  latinTriples: Int32Array;
  /** No Latin symbol begins a pattern inside a word: the rest of a word can be skipped in one loop. */
  plainWords: boolean;
  /** Per code (markers included): R_EXIT, R_SKIP, R_FIRST, R_SECOND, R_NONE, for runs of non-Latin text. */
  runFlags: Uint8Array;
}

/** Leaves the run loop: a Latin symbol, a rare character or a one-symbol pattern. */
const R_EXIT = 1;
/** Skipped (separator or invisible): nothing changes. */
const R_SKIP = 2;
/** As START_FIRST and START_SECOND. */
const R_FIRST = 4;
const R_SECOND = 8;
/** In no pattern: ends every walk. */
const R_NONE = 16;
/** `last` in the run loop when there is none: no code equals it. */
const NO_LAST = 0x10000;

/** A one-symbol pattern is this symbol. */
const START_SINGLE = 1;
/** Some pattern beginning with this symbol may begin inside a Latin word (not whole-word). */
const START_IN_WORD = 2;
/** Some pattern of two or more symbols begins with this symbol. */
const START_FIRST = 4;
/** This symbol is the second of some pattern: only then is the pair bitset read. */
const START_SECOND = 8;

/**
 * Builds the start filter of an automaton: linear in its states, done once per compiled set (and again
 * by `fromBuffer`, so nothing of it is serialised).
 */
export function startTables(a: Automaton, wordStart: Uint8Array | undefined): StartTables {
  const { states, edges, own, patNext, rootNext } = a;
  const n = a.stateCount;
  // The root child each state descends from (states are numbered breadth-first: parents come first).
  const anc = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    for (let e = states[s << 2], end = states[(s << 2) + 1]; e < end; e += 2) {
      const t = edges[e + 1];
      anc[t] = s === 0 ? t : anc[s];
    }
  }
  const inWord = new Uint8Array(n);
  for (let t = 1; t < n; t++) {
    for (let p = own[t]; p !== 0; p = patNext[p - 1])
      if (wordStart === undefined || wordStart[p - 1] === 0) inWord[anc[t]] = 1;
  }
  const startFlags = new Uint8Array(a.alphabetSize);
  let pairs = 0;
  for (let c = FIRST_SYMBOL; c < a.alphabetSize; c++) {
    const r = rootNext[c];
    if (r === 0) continue;
    if (own[r] !== 0) startFlags[c] |= START_SINGLE;
    if (inWord[r] !== 0) startFlags[c] |= START_IN_WORD;
    const e0 = states[r << 2];
    const e1 = states[(r << 2) + 1];
    if (e1 > e0) startFlags[c] |= START_FIRST;
    for (let e = e0; e < e1; e += 2) startFlags[edges[e]] |= START_SECOND;
    pairs += (e1 - e0) >> 1;
  }
  // About 1 bit in 16 set: a false pass costs one child lookup; the table stays within the L2 cache.
  let log = 15;
  while (log < 25 && 1 << log < pairs * 16) log++;
  const pairBits = new Int32Array(1 << (log - 5));
  const pairShift = 32 - log;
  for (let c = FIRST_SYMBOL; c < a.alphabetSize; c++) {
    const r = rootNext[c];
    if (r === 0) continue;
    for (let e = states[r << 2], end = states[(r << 2) + 1]; e < end; e += 2) {
      const h = Math.imul((c << 16) | edges[e], 0x9e3779b1) >>> pairShift;
      pairBits[h >>> 5] |= 1 << (h & 31);
    }
  }
  // Latin words: two letters begin a pattern far more often than three do, so word starts look ahead.
  const latinPairs = new Int32Array((LATIN_CODES * LATIN_CODES + 31) >> 5);
  const latinTriples = new Int32Array((LATIN_CODES * LATIN_CODES * LATIN_CODES + 31) >> 5);
  for (let c1 = FIRST_SYMBOL; c1 < Math.min(LATIN_CODE_LIMIT, a.alphabetSize); c1++) {
    const r1 = rootNext[c1];
    if (r1 === 0) continue;
    for (let e = states[r1 << 2], end = states[(r1 << 2) + 1]; e < end; e += 2) {
      const c2 = edges[e];
      if (c2 >= LATIN_CODE_LIMIT) continue;
      const r2 = edges[e + 1];
      const x = (c1 - FIRST_SYMBOL) * LATIN_CODES + c2 - FIRST_SYMBOL;
      if (own[r2] !== 0) latinPairs[x >>> 5] |= 1 << (x & 31);
      for (let e2 = states[r2 << 2], end2 = states[(r2 << 2) + 1]; e2 < end2; e2 += 2) {
        const c3 = edges[e2];
        if (c3 >= LATIN_CODE_LIMIT) continue;
        const y = x * LATIN_CODES + c3 - FIRST_SYMBOL;
        latinTriples[y >>> 5] |= 1 << (y & 31);
      }
    }
  }
  let plainWords = true;
  for (let c = FIRST_SYMBOL; c < Math.min(LATIN_CODE_LIMIT, a.alphabetSize); c++)
    if ((startFlags[c] & START_IN_WORD) !== 0) plainWords = false;
  const runFlags = new Uint8Array(Math.max(a.alphabetSize, FIRST_SYMBOL));
  runFlags[C_SKIP] = R_SKIP;
  runFlags[C_NONE] = R_NONE;
  runFlags[C_SPECIAL] = R_EXIT;
  for (let c = FIRST_SYMBOL; c < a.alphabetSize; c++) {
    const f = startFlags[c];
    runFlags[c] =
      (c < LATIN_CODE_LIMIT || (f & START_SINGLE) !== 0 ? R_EXIT : 0) |
      ((f & START_FIRST) !== 0 ? R_FIRST : 0) |
      ((f & START_SECOND) !== 0 ? R_SECOND : 0);
  }
  return { pairBits, pairShift, startFlags, latinPairs, latinTriples, plainWords, runFlags };
}

/** Walks alive at once; more (a long self-overlapping pattern) falls back to the full automaton walk. */
const MAX_WALKS = 16;
const walkState = new Int32Array(MAX_WALKS);
const walkStart = new Int32Array(MAX_WALKS);

/**
 * Same candidates as `scanCandidates` (every pattern occurrence in the folded symbol stream, with the
 * original offsets of its first symbol and past its last), found differently: a walk enters the trie
 * only where the start filter lets a pattern begin, and follows goto edges only (no failure links), so
 * each walk reports the patterns that begin where it began. Falls back to `scanCandidates` when too many
 * walks are alive at once.
 */
export function scanAnchored(
  text: string,
  m: ScanTables,
  st: StartTables,
  out: Candidates,
  from = 0,
  to = text.length,
  switches?: Offsets,
): void {
  const mark = out.length;
  const swMark = switches === undefined ? 0 : switches.length;
  if (walkRange(text, m, st, out, from, to, switches)) return;
  out.length = mark;
  if (switches !== undefined) switches.length = swMark;
  scanCandidates(text, m, out, from, to, switches);
}

function walkRange(
  text: string,
  m: ScanTables,
  st: StartTables,
  out: Candidates,
  from: number,
  to: number,
  switches: Offsets | undefined,
): boolean {
  const codes = m.codes;
  const a = m.automaton;
  const rootNext = a.rootNext;
  const states = a.states;
  const own = a.own;
  const pairBits = st.pairBits;
  const pairShift = st.pairShift;
  const startFlags = st.startFlags;
  const latinPairs = st.latinPairs;
  const latinTriples = st.latinTriples;
  const collapse = m.collapse;
  const track = switches !== undefined;
  const plainWords = st.plainWords;
  const runFlags = st.runFlags;
  let last = -1;
  let kind = -1;
  let prevC = -1;
  let prevPos = 0;
  // Whether a pattern may begin at the previous symbol (not inside a Latin word, unless one may).
  let prevOk = false;
  // Offset of the last character read as a Latin symbol: a symbol right after it is inside a word.
  let latinAt = -2;
  let nw = 0;
  for (let i = from; i < to; i++) {
    if (nw <= 1 && !prevOk && latinAt === i - 1 && (!track || kind === 1)) {
      // Inside a Latin word: no whole-word pattern begins here, so only a walk alive can move on.
      let t = nw === 1 ? walkState[0] : 0;
      for (; i < to; i++) {
        const q = codes[text.charCodeAt(i)];
        if (q < FIRST_SYMBOL || q >= LATIN_CODE_LIMIT || q === last || (startFlags[q] & START_IN_WORD) !== 0)
          break;
        latinAt = i;
        if (collapse) last = q;
        if (t !== 0) {
          t = childOf(a, t, q);
          if (t <= 0) t = 0;
          else {
            if (own[t] !== 0) emit(text, m, a, t, walkStart[0], i + 1, out);
            if (states[(t << 2) + 1] === states[t << 2]) t = 0;
          }
        }
      }
      if (t === 0) nw = 0;
      else walkState[0] = t;
      prevC = last;
      prevOk = false;
      if (i >= to) break;
    }
    if (nw === 0) {
      common: for (;;) {
        if (kind !== 1 && latinAt !== i - 1) {
          // A run of other (non-Latin) symbols with no walk alive: one pair-bitset read per character and
          // no branch that depends on the character, until a pair may begin a pattern or a Latin symbol,
          // rare character or one-symbol pattern comes. Skipped units and collapsed repeats keep the state.
          let pm: number = prevOk ? -1 : 0;
          let lf = last < 0 ? NO_LAST : last;
          let pc = prevC;
          let pp = prevPos;
          let kd = kind;
          for (; i < to; i++) {
            const q = codes[text.charCodeAt(i)];
            const g = runFlags[q];
            const h = Math.imul((pc << 16) | q, 0x9e3779b1) >>> pairShift;
            if (((pairBits[h >>> 5] & (1 << (h & 31)) & pm & -((g >> 3) & 1)) | (g & R_EXIT)) !== 0) {
              // A false pass of the hashed bitset costs one child lookup, not a trip through the full step.
              if ((g & R_EXIT) !== 0 || childOf(a, rootNext[pc], q) > 0) break;
            }
            const keep = (((q ^ lf) - 1) >> 31) | -((g >> 1) & 1);
            pc = (pc & keep) | (q & ~keep);
            pp = (pp & keep) | (i & ~keep);
            pm = (pm & keep) | (-((g >> 2) & 1) & ~keep);
            kd = (kd & keep) | (-((g >> 4) & 1) & ~keep);
            if (collapse) lf = (lf & keep) | (q & ~keep);
          }
          prevOk = pm !== 0;
          prevC = pc;
          prevPos = pp;
          kind = kd;
          last = lf === NO_LAST || lf === C_NONE ? -1 : lf;
          if (i >= to) break;
        }
        // The common case, kept tight: no walk alive, and the symbol neither begins a pattern with the one
        // before it nor is a one-symbol pattern. Anything else leaves for the full step below.
        for (; i < to; i++) {
          const q = codes[text.charCodeAt(i)];
          if (q < FIRST_SYMBOL) {
            if (q === C_SKIP) continue;
            if (q !== C_NONE) break;
            last = -1;
            kind = -1;
            prevOk = false;
            continue;
          }
          const qLatin = q < LATIN_CODE_LIMIT;
          const after = latinAt === i - 1;
          if (q === last) {
            if (qLatin) {
              // A repeat that begins a word (said deal) may begin a pattern: the full step takes it.
              if (!after && repeatBeginsWord(text, m, q, i)) break;
              latinAt = i;
            }
            continue;
          }
          if (track) {
            // A first symbol after a reset sets the kind; a change of kind is a switch (the full step).
            const kk = qLatin ? 1 : 0;
            if (kk !== kind) {
              if (kind >= 0) break;
              kind = kk;
            }
          }
          const fq = startFlags[q];
          let okq = (fq & START_IN_WORD) !== 0 || !after;
          if (okq && (fq & START_SINGLE) !== 0) break;
          // Before the word-start check below, which reports what it finds: the full step would again.
          if (prevOk && (fq & START_SECOND) !== 0) {
            const h = Math.imul((prevC << 16) | q, 0x9e3779b1) >>> pairShift;
            if ((pairBits[h >>> 5] & (1 << (h & 31))) !== 0) break;
          }
          if (okq && qLatin && (fq & START_IN_WORD) === 0) {
            // A Latin word starts: a whole-word pattern begins here only with these three letters (or is
            // these two), when they are plain and not repeats; then the trie says.
            if (i + 2 < to) {
              const q2 = codes[text.charCodeAt(i + 1)];
              const q3 = codes[text.charCodeAt(i + 2)];
              if (
                q2 >= FIRST_SYMBOL &&
                q2 < LATIN_CODE_LIMIT &&
                q3 >= FIRST_SYMBOL &&
                q3 < LATIN_CODE_LIMIT &&
                q2 !== q &&
                q3 !== q2
              ) {
                const x = (q - FIRST_SYMBOL) * LATIN_CODES + q2 - FIRST_SYMBOL;
                const y = x * LATIN_CODES + q3 - FIRST_SYMBOL;
                if (
                  (latinPairs[x >>> 5] & (1 << (x & 31))) === 0 &&
                  (latinTriples[y >>> 5] & (1 << (y & 31))) === 0
                )
                  okq = false;
              }
            }
            // The walk from here is followed ahead and reports its patterns; the full step takes it
            // only when a rare character comes.
            if (okq) okq = !walkAhead(text, m, a, q, i, to, out);
          }
          if (qLatin) latinAt = i;
          if (collapse) last = q;
          prevC = q;
          prevPos = i;
          prevOk = okq && (fq & START_FIRST) !== 0;
          if (!okq && qLatin && plainWords) {
            // The rest of a word where nothing begins: plain Latin symbols change nothing but the word
            // state and the last symbol, so only the end of the run matters.
            let j = i + 1;
            for (; j < to; j++) {
              const r = codes[text.charCodeAt(j)];
              if (r < FIRST_SYMBOL || r >= LATIN_CODE_LIMIT) break;
            }
            if (j > i + 1) {
              i = j - 1;
              const r = codes[text.charCodeAt(i)];
              latinAt = i;
              if (collapse) last = r;
              if (r !== q) {
                prevC = r;
                prevPos = i;
              }
            }
          }
          if (!qLatin) {
            i++;
            continue common;
          }
        }
        break;
      }
      if (i >= to) break;
    }
    const start = i;
    let c = codes[text.charCodeAt(i)];
    let end = i + 1;
    let count = 0;
    let k = 0;
    if (c < FIRST_SYMBOL) {
      if (c === C_SKIP) continue;
      if (c === C_NONE) {
        last = -1;
        kind = -1;
        prevC = -1;
        prevOk = false;
        nw = 0;
        continue;
      }
      // The rare characters (`@`, `$`, expansions, surrogate pairs): zero or more symbols, all spanning
      // [i, end); they do not move the Latin/other word positions (as in scanCandidates).
      count = specialUnits(text, i, m);
      end = specialEnd;
      i = end - 1;
      if (count === 0) continue;
      if (track) {
        // A styled letter or a ligature is Latin: where it meets other symbols, pinyin may begin.
        const kk = specialKind(text, start, m, count);
        if (kk >= 0 && kk !== kind) {
          if (kind >= 0) switches.push(start);
          kind = kk;
        }
      }
      c = pend[0];
      k = 1;
    }
    for (;;) {
      if (c === C_NONE) {
        last = -1;
        prevC = -1;
        prevOk = false;
        nw = 0;
      } else {
        const afterLatin = latinAt === start - 1;
        if (c < LATIN_CODE_LIMIT && count === 0) latinAt = start;
        if (c === last) {
          if (!afterLatin && repeatBeginsWord(text, m, c, start)) {
            // As scanCandidates moves the collapsed symbol's start to a repeat that begins a word. No walk
            // begins at that symbol yet (walks begin at a pair), so only where the next one may begin moves.
            // Within a rare character's symbols the same offset is shared: the full walk settles it.
            if (count > 0) return false;
            prevOk = (startFlags[c] & START_FIRST) !== 0;
            prevPos = start;
          }
          if (k >= count) break;
          c = pend[k++];
          continue;
        }
        if (collapse) last = c;
        if (track && count === 0) {
          // Where Latin letters meet other symbols, a term with some characters in pinyin may start.
          const kk = c < LATIN_CODE_LIMIT ? 1 : 0;
          if (kk !== kind) {
            if (kind >= 0) switches.push(i);
            kind = kk;
          }
        }
        if (nw > 0) {
          let w = 0;
          for (let x = 0; x < nw; x++) {
            const t = childOf(a, walkState[x], c);
            if (t <= 0) continue;
            if (own[t] !== 0) emit(text, m, a, t, walkStart[x], end, out);
            if (states[(t << 2) + 1] > states[t << 2]) {
              walkState[w] = t;
              walkStart[w] = walkStart[x];
              w++;
            }
          }
          nw = w;
        }
        const f = startFlags[c];
        const ok = (f & START_IN_WORD) !== 0 || !afterLatin;
        if (prevOk && (f & START_SECOND) !== 0) {
          const h = Math.imul((prevC << 16) | c, 0x9e3779b1) >>> pairShift;
          if ((pairBits[h >>> 5] & (1 << (h & 31))) !== 0) {
            const t = childOf(a, rootNext[prevC], c);
            if (t > 0) {
              if (own[t] !== 0) emit(text, m, a, t, prevPos, end, out);
              if (states[(t << 2) + 1] > states[t << 2]) {
                if (nw === MAX_WALKS) return false;
                walkState[nw] = t;
                walkStart[nw] = prevPos;
                nw++;
              }
            }
          }
        }
        if ((f & START_SINGLE) !== 0 && ok) emit(text, m, a, rootNext[c], start, end, out);
        prevOk = ok && (f & START_FIRST) !== 0;
        prevC = c;
        prevPos = start;
      }
      if (k >= count) break;
      c = pend[k++];
    }
  }
  return true;
}

/**
 * Follows the walk that begins with symbol `q` at `start` as the full step would (separators skipped,
 * repeats collapsed, goto edges only) and reports the patterns it reaches. Returns false, having
 * reported nothing, when a rare character comes before the walk ends: the full step then takes it.
 */
function walkAhead(
  text: string,
  m: ScanTables,
  a: Automaton,
  q: number,
  start: number,
  to: number,
  out: Candidates,
): boolean {
  let s = a.rootNext[q];
  if (s === 0) return true;
  const codes = m.codes;
  const collapse = m.collapse;
  const states = a.states;
  const mark = out.length;
  let last = collapse ? q : -1;
  for (let j = start + 1; j < to; j++) {
    const c = codes[text.charCodeAt(j)];
    if (c < FIRST_SYMBOL) {
      if (c === C_SKIP) continue;
      if (c === C_NONE) return true;
      out.length = mark;
      return false;
    }
    if (c === last) {
      // The first symbol again, beginning a word: the walk begins anew there (the caller starts it).
      if (s === a.rootNext[q] && repeatBeginsWord(text, m, c, j)) return true;
      continue;
    }
    if (collapse) last = c;
    s = childOf(a, s, c);
    if (s <= 0) return true;
    if (a.own[s] !== 0) emit(text, m, a, s, start, j + 1, out);
    if (states[(s << 2) + 1] === states[s << 2]) return true;
  }
  return true;
}

/** The child of `s` (not the root) on `c`, or -1. */
function childOf(a: Automaton, s: number, c: number): number {
  if (s <= 0) return -1;
  const states = a.states;
  const o = s << 2;
  const fl = states[o + 3];
  if (c < LATIN_CODE_LIMIT && fl >= 1 << ROW_SHIFT) {
    const x = a.latinRows[(((fl >> ROW_SHIFT) - 1) << 6) + c - FIRST_SYMBOL];
    return x !== 0 ? x : -1;
  }
  const edges = a.edges;
  if (fl & F_SORTED) {
    let lo = states[o] >> 1;
    let hi = (states[o + 1] >> 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const sym = edges[mid << 1];
      if (sym === c) return edges[(mid << 1) + 1];
      if (sym < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
  if (fl & F_HASHED) {
    const hash = a.hash;
    const mask = (hash.length >> 2) - 1;
    let h = hashSlot(s, c, mask) << 2;
    for (;;) {
      const key = hash[h];
      if (key === s && hash[h + 1] === c) return hash[h + 2];
      if (key === -1) return -1;
      h = (h + 4) & (mask << 2);
    }
  }
  for (let e = states[o], end = states[o + 1]; e < end; e += 2) if (edges[e] === c) return edges[e + 1];
  return -1;
}

/** Reports the patterns that end at state `t` and begin at `start` (as `report` in scan.ts, own list only). */
export function emit(
  text: string,
  m: ScanTables,
  a: Automaton,
  t: number,
  start: number,
  end: number,
  out: Candidates,
): void {
  const wordStart = m.wordStart;
  const wordEnd = m.wordEnd;
  const base = m.fold.base;
  const midWord = wordAfter(text, end, base);
  for (let p = a.own[t]; p !== 0; p = a.patNext[p - 1]) {
    if (wordStart !== undefined && wordStart[p - 1] !== 0 && wordBefore(text, start, base)) continue;
    if (midWord && wordEnd !== undefined && wordEnd[p - 1] !== 0) continue;
    out.push(p - 1, start, end);
  }
}
