/**
 * Aho–Corasick automaton over dense symbol codes, held in typed arrays only, so that it is compact,
 * fast to walk and can be sent to worker threads as one buffer.
 *
 * Layout: the root has a direct table `rootNext[code]` (the root is where the walk spends most of its
 * time, and it has thousands of children); every other state lists its children in CSR form
 * (`edgeStart[s] … edgeStart[s+1]` into `edgeSym`/`edgeDst`), usually one to three of them.
 */
export interface Automaton {
  /** Number of dense codes (codes below FIRST_SYMBOL are markers). */
  alphabetSize: number;
  stateCount: number;
  rootNext: Int32Array;
  /**
   * Per state, four slots side by side, so one cache line serves a step: first edge, end of edges
   * (indexes of [symbol, target] pairs in `edges`), failure state, flags (F_EMIT, F_HASHED).
   */
  states: Int32Array;
  /** [symbol, target] pairs, grouped by source state. */
  edges: Int32Array;
  /**
   * Transitions of states with many children (F_HASHED), open addressing in quads [state, symbol,
   * target, 0] from slot hashSlot(s, c); state -1 marks an empty slot. Keeps the step O(1) where a
   * linear scan of hundreds of children would not be.
   */
  hash: Int32Array;
  /**
   * Dense rows of LATIN_CODES children for states with several Latin children (row r + 1 is kept in
   * the flags from bit 3): in Latin text the step is then one load, without searching.
   */
  latinRows: Int32Array;
  /** First pattern ending at the state, as index + 1 (0: none); more through `patNext`. */
  own: Int32Array;
  /** Nearest proper suffix state that has patterns of its own (0: none). */
  dict: Int32Array;
  patNext: Int32Array;
  /** Length of each pattern in symbols. */
  patLen: Int32Array;
}

/** Codes below this are markers in the code table: skip, none (not in any pattern), special. */
export const C_SKIP = 0;
export const C_NONE = 2;
export const C_SPECIAL = 3;
export const FIRST_SYMBOL = 4;

export const F_EMIT = 1;
export const F_HASHED = 2;
/** Children sorted by symbol and searched by halving (states with a middling number of children). */
export const F_SORTED = 4;
/** Dense codes of ASCII letters and digits, reserved first at compile time: the "Latin" symbols. */
export const LATIN_CODES = 62;
export const LATIN_CODE_LIMIT = FIRST_SYMBOL + LATIN_CODES;
/** Flags bits from here up hold the Latin row + 1. */
export const ROW_SHIFT = 3;
/** States with at least this many Latin children get a dense row. */
const LATIN_ROW_DEGREE = 3;
/** States with at least this many children search them by halving. */
const SORTED_DEGREE = 8;
/** States with at least this many children get hashed transitions. */
const HASH_DEGREE = 64;

/** First slot of (state, code) in a transition hash of `mask + 1` slots. */
export function hashSlot(s: number, c: number, mask: number): number {
  const h = Math.imul(s, 0x9e3779b1) ^ Math.imul(c, 0x85ebca77);
  return (h ^ (h >>> 16)) & mask;
}

/** Slots of a state record in `states`. */
export const ST_BEGIN = 0;
export const ST_END = 1;
export const ST_FAIL = 2;
export const ST_FLAGS = 3;

/** Growable Int32Array. */
export class Grow {
  a: Int32Array;
  n = 0;
  constructor(cap = 1024) {
    this.a = new Int32Array(Math.max(1, cap));
  }
  push(v: number): number {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n] = v;
    return this.n++;
  }
  done(): Int32Array {
    return this.a.slice(0, this.n);
  }
}

/**
 * Open-addressing hash of trie edges (state, code) → child, in typed arrays: compiling 50,000 rules
 * makes a million edges, too many for a Map keyed by numbers to build quickly.
 */
class EdgeHash {
  private keyS: Int32Array;
  private keyC: Int32Array;
  private val: Int32Array;
  private mask: number;
  private size = 0;
  constructor(cap = 1 << 12) {
    this.keyS = new Int32Array(cap).fill(-1);
    this.keyC = new Int32Array(cap);
    this.val = new Int32Array(cap);
    this.mask = cap - 1;
  }
  private slot(s: number, c: number): number {
    let h = (Math.imul(s, 0x9e3779b1) ^ Math.imul(c + 1, 0x85ebca77)) >>> 0;
    h = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const k = this.keyS[h];
      if (k === -1 || (k === s && this.keyC[h] === c)) return h;
      h = (h + 1) & this.mask;
    }
  }
  get(s: number, c: number): number {
    const h = this.slot(s, c);
    return this.keyS[h] === -1 ? 0 : this.val[h];
  }
  set(s: number, c: number, v: number): void {
    if ((this.size + 1) * 2 > this.mask) this.grow();
    const h = this.slot(s, c);
    if (this.keyS[h] === -1) this.size++;
    this.keyS[h] = s;
    this.keyC[h] = c;
    this.val[h] = v;
  }
  private grow(): void {
    const { keyS, keyC, val } = this;
    const cap = keyS.length * 2;
    this.keyS = new Int32Array(cap).fill(-1);
    this.keyC = new Int32Array(cap);
    this.val = new Int32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < keyS.length; i++) {
      if (keyS[i] === -1) continue;
      const h = this.slot(keyS[i], keyC[i]);
      this.keyS[h] = keyS[i];
      this.keyC[h] = keyC[i];
      this.val[h] = val[i];
    }
  }
}

/**
 * Builds the automaton pattern by pattern, then computes failure links once. Linear in the total
 * pattern length plus the failure-link walk.
 *
 * @example
 * const b = new TrieBuilder();
 * b.addPattern(b.insert(Int32Array.of(4, 5), 2), 2);
 * b.addPattern(b.insert(Int32Array.of(5), 1), 1);
 * b.finish(6).stateCount; // 4
 */
export class TrieBuilder {
  private readonly rootNext: Int32Array;
  private readonly goto = new EdgeHash();
  private readonly parent = new Grow(1 << 12);
  private readonly label = new Grow(1 << 12);
  private readonly own = new Grow(1 << 12);
  private readonly patNext = new Grow(1 << 10);
  private readonly patLen = new Grow(1 << 10);

  constructor() {
    // Codes are handed out while patterns are added: room for every 16-bit code, trimmed by finish().
    this.rootNext = new Int32Array(0x10000);
    this.parent.push(-1);
    this.label.push(0);
    this.own.push(0);
  }

  /** Adds the path for `codes[0, n)` and returns its end state. */
  insert(codes: Int32Array, n: number): number {
    let s = 0;
    for (let k = 0; k < n; k++) {
      const c = codes[k];
      let t = s === 0 ? this.rootNext[c] : this.goto.get(s, c);
      if (t === 0) {
        t = this.parent.push(s);
        this.label.push(c);
        this.own.push(0);
        if (s === 0) this.rootNext[c] = t;
        else this.goto.set(s, c, t);
      }
      s = t;
    }
    return s;
  }

  /** Patterns already ending at `state`, as indexes. */
  patternsAt(state: number): number[] {
    const out: number[] = [];
    for (let p = this.own.a[state]; p !== 0; p = this.patNext.a[p - 1]) out.push(p - 1);
    return out;
  }

  /** Records the next pattern (index = number of patterns so far) as ending at `state`. */
  addPattern(state: number, length: number): number {
    const idx = this.patLen.push(length);
    this.patNext.push(this.own.a[state]);
    this.own.a[state] = idx + 1;
    return idx;
  }

  /** Computes failure and output links; `alphabetSize` is one more than the highest code used. */
  finish(alphabetSize: number): Automaton {
    if (alphabetSize > 0xffff)
      throw new RangeError('too many distinct symbols for one rule set (at most 65535)');
    const goto = this.goto;
    const rootNext = this.rootNext.slice(0, alphabetSize);
    const n = this.parent.n;
    const par = this.parent.a;
    const lab = this.label.a;
    // Children in CSR form, by counting sort on the parent.
    let edgeStart = new Int32Array(n + 1);
    for (let t = 1; t < n; t++) edgeStart[par[t] + 1]++;
    for (let s = 0; s < n; s++) edgeStart[s + 1] += edgeStart[s];
    const fillAt = edgeStart.slice(0, n);
    let edgeSym = new Uint16Array(Math.max(0, n - 1));
    let edgeDst = new Int32Array(Math.max(0, n - 1));
    for (let t = 1; t < n; t++) {
      const e = fillAt[par[t]]++;
      edgeSym[e] = lab[t];
      edgeDst[e] = t;
    }
    // Number states breadth-first: the shallow states, where the walk spends its time, then sit together
    // in memory (a few hundred KB instead of being spread over tens of MB at 50,000 rules).
    const order = new Int32Array(n);
    const rank = new Int32Array(n);
    {
      let qh = 0;
      let qt = 1;
      while (qh < qt) {
        const s = order[qh++];
        for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) order[qt++] = edgeDst[e];
      }
      for (let i = 0; i < n; i++) rank[order[i]] = i;
    }
    const oldOwn = this.own.a;
    const own = new Int32Array(n);
    const bStart = new Int32Array(n + 1);
    const bSym = new Uint16Array(edgeSym.length);
    const bDst = new Int32Array(edgeDst.length);
    let w = 0;
    for (let i = 0; i < n; i++) {
      const s = order[i];
      own[i] = oldOwn[s];
      bStart[i] = w;
      for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
        bSym[w] = edgeSym[e];
        bDst[w++] = rank[edgeDst[e]];
      }
    }
    bStart[n] = w;
    for (let c = 0; c < rootNext.length; c++) if (rootNext[c] !== 0) rootNext[c] = rank[rootNext[c]];
    edgeStart = bStart;
    edgeSym = bSym;
    edgeDst = bDst;
    const childOf = (f: number, c: number) => rank[goto.get(order[f], c)];

    const fail = new Int32Array(n);
    const dict = new Int32Array(n);
    // BFS order is now the state order itself.
    for (let s = 1; s < n; s++) {
      for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
        const t = edgeDst[e];
        const c = edgeSym[e];
        let f = fail[s];
        let g: number;
        for (;;) {
          if (f === 0) {
            g = rootNext[c];
            break;
          }
          const x = childOf(f, c);
          if (x !== 0) {
            g = x;
            break;
          }
          f = fail[f];
        }
        fail[t] = g === t ? 0 : g;
        dict[t] = own[fail[t]] !== 0 ? fail[t] : dict[fail[t]];
      }
    }
    const states = new Int32Array(n * 4);
    const edges = new Int32Array(edgeSym.length * 2);
    let hashed = 0;
    for (let s = 0; s < n; s++) {
      const b = edgeStart[s];
      const e = edgeStart[s + 1];
      let f = s > 0 && (own[s] !== 0 || dict[s] !== 0) ? F_EMIT : 0;
      if (s > 0 && e - b >= HASH_DEGREE) {
        f |= F_HASHED;
        hashed += e - b;
      } else if (e - b >= SORTED_DEGREE) f |= F_SORTED;
      states[s * 4 + ST_BEGIN] = b * 2;
      states[s * 4 + ST_END] = e * 2;
      states[s * 4 + ST_FAIL] = fail[s];
      states[s * 4 + ST_FLAGS] = f;
      const idx = Array.from({ length: e - b }, (_, k) => b + k);
      if (f & F_SORTED) idx.sort((x, y) => edgeSym[x] - edgeSym[y]);
      idx.forEach((x, k) => {
        edges[(b + k) * 2] = edgeSym[x];
        edges[(b + k) * 2 + 1] = edgeDst[x];
      });
    }
    let rows = 0;
    for (let s = 1; s < n; s++) {
      let latin = 0;
      for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) if (edgeSym[e] < LATIN_CODE_LIMIT) latin++;
      if (latin >= LATIN_ROW_DEGREE) states[s * 4 + ST_FLAGS] |= ++rows << ROW_SHIFT;
    }
    const latinRows = new Int32Array(rows * 64);
    for (let s = 1; s < n; s++) {
      const row = states[s * 4 + ST_FLAGS] >> ROW_SHIFT;
      if (row === 0) continue;
      for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
        if (edgeSym[e] < LATIN_CODE_LIMIT) latinRows[(row - 1) * 64 + edgeSym[e] - FIRST_SYMBOL] = edgeDst[e];
      }
    }
    let slots = 16;
    while (slots < hashed * 1.6) slots *= 2;
    const hash = new Int32Array(slots * 4);
    for (let x = 0; x < slots; x++) hash[x * 4] = -1;
    const mask = slots - 1;
    for (let s = 1; s < n; s++) {
      if (!(states[s * 4 + ST_FLAGS] & F_HASHED)) continue;
      for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
        let h = hashSlot(s, edgeSym[e], mask);
        while (hash[h * 4] !== -1) h = (h + 1) & mask;
        hash[h * 4] = s;
        hash[h * 4 + 1] = edgeSym[e];
        hash[h * 4 + 2] = edgeDst[e];
      }
    }
    return {
      alphabetSize,
      stateCount: n,
      rootNext,
      states,
      edges,
      hash,
      latinRows,
      own,
      dict,
      patNext: this.patNext.done(),
      patLen: this.patLen.done(),
    };
  }
}

/**
 * Builds the automaton from a list of patterns (dense codes ≥ FIRST_SYMBOL, all below `alphabetSize`).
 *
 * @example
 * buildAutomaton([Int32Array.of(4, 5), Int32Array.of(5)], 6).stateCount; // 4
 */
export function buildAutomaton(patterns: readonly Int32Array[], alphabetSize: number): Automaton {
  const b = new TrieBuilder();
  for (const p of patterns) b.addPattern(b.insert(p, p.length), p.length);
  return b.finish(alphabetSize);
}

/** The child of `s` on code `c`, or -1 (the walk inlines this). */
export function childOf(a: Automaton, s: number, c: number): number {
  const st = a.states;
  if (st[s * 4 + ST_FLAGS] & F_HASHED) {
    const mask = (a.hash.length >> 2) - 1;
    for (let h = hashSlot(s, c, mask); a.hash[h * 4] !== -1; h = (h + 1) & mask) {
      if (a.hash[h * 4] === s && a.hash[h * 4 + 1] === c) return a.hash[h * 4 + 2];
    }
    return -1;
  }
  // Sorted or not, a linear scan finds the child (this is the rare path).
  for (let e = st[s * 4 + ST_BEGIN]; e < st[s * 4 + ST_END]; e += 2)
    if (a.edges[e] === c) return a.edges[e + 1];
  return -1;
}

/** Bytes held by the automaton's typed arrays. */
export function automatonBytes(a: Automaton): number {
  return [a.rootNext, a.states, a.edges, a.hash, a.latinRows, a.own, a.dict, a.patNext, a.patLen].reduce(
    (sum, x) => sum + x.byteLength,
    0,
  );
}
