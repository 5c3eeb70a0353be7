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
  edgeStart: Int32Array;
  edgeSym: Uint16Array;
  edgeDst: Int32Array;
  fail: Int32Array;
  /** First pattern ending at the state, as index + 1 (0: none); more through `patNext`. */
  own: Int32Array;
  /** Nearest proper suffix state that has patterns of its own (0: none). */
  dict: Int32Array;
  /** 1 when `own` or `dict` is set: the one load the walk does to know whether to report. */
  emit: Uint8Array;
  patNext: Int32Array;
  /** Length of each pattern in symbols. */
  patLen: Int32Array;
}

/** Codes below this are markers in the code table: skip, none (not in any pattern), special. */
export const C_SKIP = 0;
export const C_NONE = 2;
export const C_SPECIAL = 3;
export const FIRST_SYMBOL = 4;

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
    if (alphabetSize > 0xffff) throw new RangeError('too many distinct symbols for one rule set (at most 65535)');
    const goto = this.goto;
    const rootNext = this.rootNext.slice(0, alphabetSize);
    const n = this.parent.n;
    const par = this.parent.a;
    const lab = this.label.a;
    // Children in CSR form, by counting sort on the parent.
    const edgeStart = new Int32Array(n + 1);
    for (let t = 1; t < n; t++) edgeStart[par[t] + 1]++;
    for (let s = 0; s < n; s++) edgeStart[s + 1] += edgeStart[s];
    const fillAt = edgeStart.slice(0, n);
    const edgeSym = new Uint16Array(Math.max(0, n - 1));
    const edgeDst = new Int32Array(Math.max(0, n - 1));
    for (let t = 1; t < n; t++) {
      const e = fillAt[par[t]]++;
      edgeSym[e] = lab[t];
      edgeDst[e] = t;
    }
    const fail = new Int32Array(n);
    const dict = new Int32Array(n);
    const own = this.own.a.slice(0, n);
    const queue = new Int32Array(n);
    let qh = 0;
    let qt = 0;
    for (let e = edgeStart[0]; e < edgeStart[1]; e++) queue[qt++] = edgeDst[e];
    while (qh < qt) {
      const s = queue[qh++];
      for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
        const t = edgeDst[e];
        const c = edgeSym[e];
        let f = fail[s];
        let g = 0;
        for (;;) {
          if (f === 0) {
            g = rootNext[c];
            break;
          }
          const x = goto.get(f, c);
          if (x !== 0) {
            g = x;
            break;
          }
          f = fail[f];
        }
        fail[t] = g === t ? 0 : g;
        dict[t] = own[fail[t]] !== 0 ? fail[t] : dict[fail[t]];
        queue[qt++] = t;
      }
    }
    const emit = new Uint8Array(n);
    for (let s = 1; s < n; s++) emit[s] = own[s] !== 0 || dict[s] !== 0 ? 1 : 0;
    return {
      alphabetSize,
      stateCount: n,
      rootNext,
      edgeStart,
      edgeSym,
      edgeDst,
      fail,
      own,
      dict,
      emit,
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

/** Bytes held by the automaton's typed arrays. */
export function automatonBytes(a: Automaton): number {
  return [a.rootNext, a.edgeStart, a.edgeSym, a.edgeDst, a.fail, a.own, a.dict, a.emit, a.patNext, a.patLen].reduce(
    (sum, x) => sum + x.byteLength,
    0,
  );
}
