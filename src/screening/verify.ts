import {
  forEachUnit,
  M_AMBIG_A,
  M_AMBIG_S,
  M_HIGH,
  M_INVISIBLE,
  M_SEPARATOR,
  U_INVISIBLE,
  U_SEPARATOR,
  type FoldTable,
} from './normalize.js';
import { runOf, S_FREE_GAP, S_LATIN, S_RUN_GAP } from './patterns.js';
import { besideUnit, wordUnit } from './words.js';

/** How the verifier treats gaps and word edges. */
export interface VerifyOptions {
  collapse: boolean;
  /** Latin spellings must start and end at word boundaries ("sex" not in "Sussex"). */
  latinWholeWord: boolean;
  /** Allow a term to be joined across 。，、！？；： and line breaks. */
  joinAcrossClauses: boolean;
  /** Longest gap (UTF-16 units of separators) between two symbols of a term. */
  maxGap: number;
}

/** How far past the candidate a repeated last character is followed. */
const EXTENSION_WINDOW = 256;

// Chinese clause punctuation and line breaks end a phrase: joining a term across them (打赌，博士…) would
// flag ordinary prose, so only ASCII punctuation, symbols, spaces and emoji are skipped inside a term.
function isClauseBreak(c: number): boolean {
  return (
    c === 0x0a ||
    c === 0x0d ||
    c === 0x3001 ||
    c === 0x3002 ||
    c === 0xff0c ||
    c === 0xff01 ||
    c === 0xff1f ||
    c === 0xff1b ||
    c === 0xff1a ||
    c === 0x2028 ||
    c === 0x2029
  );
}

/** ASCII punctuation that ends a sentence or a clause when white space follows it. */
function isSentenceMark(c: number): boolean {
  return c === 0x2e || c === 0x21 || c === 0x3f || c === 0x3b || c === 0x3a || c === 0x2c;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0 || c === 0x3000;
}

/**
 * Checks a candidate from the walk against the original text: gaps only where the spelling allows them
 * (evenly inside a Latin word: `f.r.e.e` yes, `of reel` no), repeats against the term's own repeats,
 * Latin word boundaries. Returns the end of the match (extended over a repeated last character) or -1.
 */
export function verifyCandidate(
  text: string,
  from: number,
  end: number,
  symInfo: Uint8Array,
  infoStart: number,
  L: number,
  t: FoldTable,
  o: VerifyOptions,
): number {
  verifiedStart = from;
  if (o.latinWholeWord && symInfo[infoStart] & S_LATIN && wordAt(text, from - 1, -1, t)) return -1;
  const quick = quickVerify(text, from, end, symInfo, infoStart, L, t, o);
  if (quick !== SLOW) return quick;
  // The walk below keeps its state at module level and visits through one function made once: a
  // verifier runs for every candidate, and closures made per call were a tenth of screening's time.
  v.text = text;
  v.end = end;
  v.info = symInfo;
  v.off = infoStart;
  v.L = L;
  v.o = o;
  v.start = from;
  v.k = -1;
  v.run = 0;
  v.lastUnit = -100;
  v.gapSep = false;
  v.gapLen = 0;
  v.gapClause = false;
  v.gapPunct = false;
  v.gapSentence = false;
  v.segGap = false;
  v.segNoGap = false;
  v.failed = false;
  v.extRuns.length = 0;
  v.extEnds.length = 0;
  const limit = Math.min(text.length, end + EXTENSION_WINDOW);
  forEachUnit(text, from, limit, t, visitUnit);
  // Nothing of this text or rule set stays reachable through the module's state.
  v.text = '';
  v.info = NO_INFO;
  const extRuns = v.extRuns;
  const extEnds = v.extEnds;
  if (v.failed || v.k !== L - 1 || (v.segGap && v.segNoGap)) return -1;
  if (o.latinWholeWord && symInfo[infoStart] & S_LATIN && wordAt(text, v.start - 1, -1, t)) return -1;
  verifiedStart = v.start;
  const lastInfo = symInfo[infoStart + L - 1];
  const lastLatin = (lastInfo & S_LATIN) !== 0;
  const baseRun = v.run - extRuns.length;
  for (let x = extRuns.length - 1; x >= -1; x--) {
    const r = x >= 0 ? extRuns[x] : baseRun;
    const e = x >= 0 ? extEnds[x] : end;
    if (!runOk(lastInfo, r)) continue;
    if (o.latinWholeWord && lastLatin && wordAt(text, e, 1, t)) continue;
    return e;
  }
  return -1;
}

const NO_INFO: Uint8Array = new Uint8Array(0);

/** State of the verifier's walk over one candidate (see verifyCandidate). */
const v = {
  text: '',
  end: 0,
  info: NO_INFO,
  off: 0,
  L: 0,
  o: undefined as unknown as VerifyOptions,
  start: 0,
  k: -1,
  run: 0,
  lastUnit: -100,
  gapSep: false,
  gapLen: 0,
  gapClause: false,
  // Sentence punctuation in the gap, then white space after it ("free. Money"): the end of a sentence.
  gapPunct: false,
  gapSentence: false,
  segGap: false,
  segNoGap: false,
  failed: false,
  // Each step of the extension, so that the longest one that still fits can be chosen ("heroin now":
  // the n of "now" is not part of the match).
  extRuns: [] as number[],
  extEnds: [] as number[],
};

function freeGapOk(): boolean {
  return v.gapLen <= v.o.maxGap && (v.o.joinAcrossClauses || !v.gapClause);
}

// Between two words of a Latin term: a line break is only a wrapped line, but the end of a sentence
// ends the term, unless the word before it was split letter by letter (f.r.e.e. m.o.n.e.y).
function wordGapOk(): boolean {
  return v.gapLen <= v.o.maxGap && (v.o.joinAcrossClauses || v.segGap || !v.gapSentence);
}

function runOk(inf: number, count: number): boolean {
  if (!v.o.collapse) return true;
  const min = runOf(inf);
  // Latin words repeat letters of their own (good, god): only an evident stretch (3+) is collapsed.
  if (inf & S_LATIN) return count === min || count >= Math.max(min + 1, 3);
  return count >= min;
}

function visitUnit(u: number, s: number, e: number): boolean {
  const o = v.o;
  const info = v.info;
  const off = v.off;
  if (u === U_INVISIBLE) return false;
  if (u === U_SEPARATOR) {
    v.gapSep = true;
    v.gapLen += e - s;
    const ch = v.text.charCodeAt(s);
    if (isClauseBreak(ch)) v.gapClause = true;
    if (isSentenceMark(ch)) v.gapPunct = true;
    else if (v.gapPunct && isSpace(ch)) v.gapSentence = true;
    // A long gap past the candidate ends the extension.
    return s >= v.end && v.gapLen > o.maxGap;
  }
  const k = v.k;
  // Letters whose gaps are free (pinyin beside a Chinese character) are treated like Chinese characters.
  const latin = k >= 0 && (info[off + k] & (S_LATIN | S_FREE_GAP)) === S_LATIN;
  if (s >= v.end) {
    // Past the candidate: only more of the last character belongs to the match.
    if (!o.collapse || u !== v.lastUnit) return true;
    if (v.gapSep ? (latin ? !(v.segGap && !v.segNoGap) : !freeGapOk()) : latin && v.segGap) return true;
    v.run++;
    v.extRuns.push(v.run);
    v.extEnds.push(e);
  } else if (k === 0 && o.collapse && u === v.lastUnit && v.gapSep && (latin || !freeGapOk())) {
    // The first character again, across a clause break or a word gap (赌，赌博; c casino): the match
    // starts at the repeat, which the walk had folded into the first one.
    v.start = s;
    v.run = 1;
  } else if (k >= 0 && o.collapse && u === v.lastUnit) {
    if (latin) {
      if (!v.gapSep) v.segNoGap = true;
      else if ((info[off + k] & S_RUN_GAP) === 0) v.segGap = true;
      else {
        // The term's own gap inside this run (cheap pills): one word of it ends here, evenly split or not.
        if (!wordGapOk() || (v.segGap && v.segNoGap)) return (v.failed = true);
        v.segGap = false;
        v.segNoGap = false;
      }
    } else if (v.gapSep && !freeGapOk()) return (v.failed = true);
    v.run++;
  } else {
    if (k >= 0 && !runOk(info[off + k], v.run)) return (v.failed = true);
    const nk = k + 1;
    v.k = nk;
    if (nk >= v.L) return (v.failed = true);
    const inf = info[off + nk];
    if (nk > 0) {
      if (inf & S_FREE_GAP) {
        const words = inf & info[off + nk - 1] & S_LATIN;
        if ((v.gapSep && !(words ? wordGapOk() : freeGapOk())) || (v.segGap && v.segNoGap))
          return (v.failed = true);
        v.segGap = false;
        v.segNoGap = false;
      } else if (v.gapSep) v.segGap = true;
      else v.segNoGap = true;
    }
    v.lastUnit = u;
    v.run = 1;
  }
  v.gapSep = false;
  v.gapLen = 0;
  v.gapClause = false;
  v.gapPunct = false;
  v.gapSentence = false;
  return false;
}

const SLOW = -2;

/** Start of the last match `verifyCandidate` accepted (it can move past the candidate's start). */
export let verifiedStart = 0;

/**
 * The common case, without a callback: the candidate spans exactly one plain character per symbol (no
 * separators, repeats or special characters inside) and what follows cannot extend it.
 */
function quickVerify(
  text: string,
  from: number,
  end: number,
  info: Uint8Array,
  off: number,
  L: number,
  t: FoldTable,
  o: VerifyOptions,
): number {
  if (end - from !== L) return SLOW;
  const base = t.base;
  for (let j = from; j < end; j++) {
    const b = base[text.charCodeAt(j)];
    if (b >= M_INVISIBLE && b <= M_HIGH) return SLOW;
  }
  // Each symbol appears once in the text here, so a symbol the term repeats cannot be satisfied.
  for (let k = 0; k < L - 1; k++) if (runOf(info[off + k]) !== 1 && o.collapse) return -1;
  const last = info[off + L - 1];
  if (end < text.length) {
    const next = base[text.charCodeAt(end)];
    if (o.collapse && next === base[text.charCodeAt(end - 1)]) return SLOW;
    if (next === M_INVISIBLE || (next >= M_AMBIG_A && next <= M_HIGH)) return SLOW;
    // A Latin word written without gaps is not extended across a separator; a Chinese term can be, but
    // only over more of its last character: past the gap, anything else ends the match here.
    if (next === M_SEPARATOR && (last & (S_LATIN | S_FREE_GAP)) !== S_LATIN) {
      if (!o.collapse) return SLOW;
      const stop = end + o.maxGap + 1;
      let j = end + 1;
      for (; j < text.length && j < stop; j++) {
        const b = base[text.charCodeAt(j)];
        if (b !== M_SEPARATOR && b !== M_INVISIBLE) break;
      }
      if (j < text.length) {
        const b = base[text.charCodeAt(j)];
        if (j >= stop || b === base[text.charCodeAt(end - 1)] || (b >= M_AMBIG_A && b <= M_HIGH)) return SLOW;
      }
    }
  }
  if (o.collapse && runOf(last) !== 1) return -1;
  if (o.latinWholeWord && last & S_LATIN && wordAt(text, end, 1, t)) return -1;
  return end;
}

/** Whether a word goes on from `i` in direction `step` (`@` and `$` count: they may stand for letters). */
function wordAt(text: string, i: number, step: 1 | -1, t: FoldTable): boolean {
  const j = i >= 0 && i < text.length && text.charCodeAt(i) < 0x80 ? i : besideUnit(text, i, step);
  if (j < 0) return false;
  const b = t.base[text.charCodeAt(j)];
  return b === M_AMBIG_A || b === M_AMBIG_S || wordUnit(text, j, t.base);
}
