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

class Grow {
  a: Int32Array;
  n = 0;
  constructor(cap: number) {
    this.a = new Int32Array(cap);
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
 * Builds the automaton. Linear in the total pattern length (plus the failure-link walk).
 *
 * @example
 * const a = buildAutomaton([Int32Array.of(4, 5), Int32Array.of(5)], 6);
 * a.stateCount; // 4
 */
export function buildAutomaton(patterns: readonly Int32Array[], alphabetSize: number): Automaton {
  if (alphabetSize > 0xffff) throw new RangeError('too many distinct symbols for one rule set (at most 65535)');
  const rootNext = new Int32Array(alphabetSize);
  const goto = new Map<number, number>();
  const parent = new Grow(1024);
  const label = new Grow(1024);
  const own = new Grow(1024);
  parent.push(-1);
  label.push(0);
  own.push(0);
  const patNext = new Int32Array(patterns.length);
  const patLen = new Int32Array(patterns.length);

  patterns.forEach((p, idx) => {
    let s = 0;
    for (let k = 0; k < p.length; k++) {
      const c = p[k];
      let t = s === 0 ? rootNext[c] : (goto.get(s * 65536 + c) ?? 0);
      if (t === 0) {
        t = parent.push(s);
        label.push(c);
        own.push(0);
        if (s === 0) rootNext[c] = t;
        else goto.set(s * 65536 + c, t);
      }
      s = t;
    }
    patLen[idx] = p.length;
    patNext[idx] = own.a[s];
    own.a[s] = idx + 1;
  });

  const n = parent.n;
  const par = parent.a;
  const lab = label.a;
  // Children in CSR form, by counting sort on the parent.
  const edgeStart = new Int32Array(n + 1);
  for (let t = 1; t < n; t++) edgeStart[par[t] + 1]++;
  for (let s = 0; s < n; s++) edgeStart[s + 1] += edgeStart[s];
  const fillAt = edgeStart.slice(0, n);
  const edgeSym = new Uint16Array(n - 1 > 0 ? n - 1 : 0);
  const edgeDst = new Int32Array(n - 1 > 0 ? n - 1 : 0);
  for (let t = 1; t < n; t++) {
    const e = fillAt[par[t]]++;
    edgeSym[e] = lab[t];
    edgeDst[e] = t;
  }

  const fail = new Int32Array(n);
  const dict = new Int32Array(n);
  const ownArr = own.a.slice(0, n);
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
        const x = goto.get(f * 65536 + c);
        if (x !== undefined) {
          g = x;
          break;
        }
        f = fail[f];
      }
      fail[t] = g === t ? 0 : g;
      dict[t] = ownArr[fail[t]] !== 0 ? fail[t] : dict[fail[t]];
      queue[qt++] = t;
    }
  }
  const emit = new Uint8Array(n);
  for (let s = 1; s < n; s++) emit[s] = ownArr[s] !== 0 || dict[s] !== 0 ? 1 : 0;
  return {
    alphabetSize,
    stateCount: n,
    rootNext,
    edgeStart,
    edgeSym,
    edgeDst,
    fail,
    own: ownArr,
    dict,
    emit,
    patNext,
    patLen,
  };
}

/** Bytes held by the automaton's typed arrays. */
export function automatonBytes(a: Automaton): number {
  return [a.rootNext, a.edgeStart, a.edgeSym, a.edgeDst, a.fail, a.own, a.dict, a.emit, a.patNext, a.patLen].reduce(
    (sum, x) => sum + x.byteLength,
    0,
  );
}
