import * as automaton from './automaton.js';
import { emit, type StartTables } from './anchored.js';
import { LATIN_WALK_WASM } from './latin-walk-wasm.js';
import { isLatinUnit, M_SEPARATOR } from './normalize.js';
import { runOf, S_FREE_GAP, S_LATIN, S_RUN_GAP } from './patterns.js';
import type { PatternTables } from './rule-set.js';
import type { Candidates, ScanTables } from './scan.js';

const C_SKIP = automaton.C_SKIP;
const C_NONE = automaton.C_NONE;
const FIRST_SYMBOL = automaton.FIRST_SYMBOL;
const LATIN_CODE_LIMIT = automaton.LATIN_CODE_LIMIT;
/** As in assembly/latin-walk.ts. */
const C_BAIL = 255;
const OWN = 1 << 30;
const NEEDS_RUN = 1 << 29;
const JOINED = 1 << 28;
const GAP_RUN = 1 << 27;
const PAGE = 65536;
/** Candidates one text may yield in the fast walk; more (a text full of terms) goes to JavaScript. */
const OUT_CAP = 1 << 12;
/** Any UTF-16 unit above ASCII (surrogates included). */
const NON_ASCII = /[\u0080-\uffff]/;
/** Longer texts go to JavaScript: the module's memory (5 bytes a unit) never shrinks once grown. */
const MAX_TEXT = 1 << 22;

// The part of the WebAssembly API used here: the library is built against ES2023 alone, whose types do
// not describe it (Node has had it since version 8).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/** @internal Off only to compare the two walks (tests, benchmarks). */
export let latinWalkEnabled = true;
/** @internal */
export function setLatinWalk(on: boolean): void {
  latinWalkEnabled = on;
}

interface Exports {
  init(
    codes: number,
    latin: number,
    cells: number,
    text: number,
    out: number,
    cap: number,
    collapse: number,
    words: number,
    wordBits: number,
  ): void;
  scan(n: number): number;
}

/**
 * The walk of `scanAnchored` over ASCII text, in WebAssembly: for English the JavaScript walk stays near
 * the speed of plain Aho–Corasick peers however it is written, while most English posts are plain ASCII.
 * Holds the Latin part of the automaton (the states reachable from the root through Latin symbols) in the
 * module's memory. Only used where whole-word Latin patterns are the only ones a Latin symbol can begin,
 * and only for texts whose every character is ASCII and either a Latin symbol, a separator or in no
 * pattern; anything else is left to `scanAnchored`. Both give the same answers: this walk leaves out some
 * candidates the verifier would refuse anyway.
 */
export class LatinWalk {
  private memory: WasmMemory;
  private exports: Exports;
  private readonly textAt: number;
  private readonly outAt: number;
  /** The memory from the text's place on, kept: a view made per text would be garbage per text. */
  private textView: Uint8Array;
  private out: Int32Array;
  private readonly encoder = new TextEncoder();

  private constructor(
    private readonly m: ScanTables,
    /** Cell → automaton state. */
    private readonly stateOf: Int32Array,
    codes: Uint8Array,
    latin: Uint8Array,
    cells: Int32Array,
    words: { bits: Int32Array; log: number } | undefined,
  ) {
    const codesAt = 0;
    const latinAt = 128;
    const cellsAt = 256;
    const wordsAt = cellsAt + cells.byteLength;
    this.outAt = wordsAt + (words?.bits.byteLength ?? 0);
    this.textAt = this.outAt + OUT_CAP * 12;
    this.memory = new wasm.Memory({ initial: Math.ceil((this.textAt + PAGE) / PAGE) });
    const buf = this.memory.buffer;
    new Uint8Array(buf, codesAt, 128).set(codes);
    new Uint8Array(buf, latinAt, 128).set(latin);
    new Int32Array(buf, cellsAt, cells.length).set(cells);
    if (words) new Int32Array(buf, wordsAt, words.bits.length).set(words.bits);
    compiled ??= new wasm.Module(Uint8Array.from(atob(LATIN_WALK_WASM), (ch) => ch.charCodeAt(0)));
    const instance = new wasm.Instance(compiled, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as Exports;
    this.exports.init(
      codesAt,
      latinAt,
      cellsAt,
      this.textAt,
      this.outAt,
      OUT_CAP,
      m.collapse ? 1 : 0,
      words ? wordsAt : 0,
      words?.log ?? 0,
    );
    this.textView = new Uint8Array(buf, this.textAt);
    this.out = new Int32Array(buf, this.outAt, OUT_CAP * 3);
  }

  /** The fast walk for these tables, or undefined where a Latin symbol can begin a pattern inside a word. */
  static for(m: ScanTables, st: StartTables, pt: PatternTables): LatinWalk | undefined {
    if (!st.plainWords) return undefined;
    const a = m.automaton;
    const limit = Math.min(LATIN_CODE_LIMIT, a.alphabetSize);
    const codes = new Uint8Array(128);
    const latin = new Uint8Array(128);
    for (let u = 0; u < 128; u++) {
      const c = m.codes[u];
      codes[u] = c === C_SKIP || c === C_NONE || (c >= FIRST_SYMBOL && c < LATIN_CODE_LIMIT) ? c : C_BAIL;
      latin[u] = (isLatinUnit(m.fold.base[u]) ? 1 : 0) | (m.fold.base[u] === M_SEPARATOR ? 2 : 0);
    }
    const { cells, stateOf, order } = doubleArray(a, limit, pt);
    // The word filter needs repeats collapsed (a pattern ending inside a word is then never reported)
    // and no one-letter pattern (reported at a word start whatever the word is).
    let single = false;
    for (let c = FIRST_SYMBOL; c < limit; c++)
      if (a.rootNext[c] > 0 && a.own[a.rootNext[c]] !== 0) single = true;
    return new LatinWalk(
      m,
      stateOf,
      codes,
      latin,
      cells,
      m.collapse && !single ? wordFilter(cells, order) : undefined,
    );
  }

  /**
   * Adds the candidates of `text` to `out` (those of `scanAnchored` that the verifier could accept) and
   * returns true; or returns false, having added nothing, when the text is not for this walk.
   */
  scan(text: string, out: Candidates): boolean {
    const n = text.length;
    // A text with other characters is seldom ASCII throughout: three looks spare most of them the copy.
    if (
      n === 0 ||
      n > MAX_TEXT ||
      text.charCodeAt(0) > 0x7f ||
      text.charCodeAt(n >> 1) > 0x7f ||
      text.charCodeAt(n - 1) > 0x7f
    )
      return false;
    if (this.textAt + 5 * n + 8 > this.memory.buffer.byteLength) {
      // Memory is only grown for a text known to be ASCII: it never shrinks.
      if (NON_ASCII.test(text)) return false;
      this.grow(n);
    }
    // ASCII throughout exactly when every unit was read and took one byte.
    const r = this.encoder.encodeInto(text, this.textView);
    if (r.read !== n || r.written !== n) return false;
    const k = this.exports.scan(n);
    if (k < 0) return false;
    const d = this.out;
    const a = this.m.automaton;
    for (let x = 0; x < k * 3; x += 3) emit(text, this.m, a, this.stateOf[d[x]], d[x + 1], d[x + 2], out);
    return true;
  }

  /** Bytes of the module's memory: the tables, the candidate buffer and room for the text. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  private grow(n: number): void {
    // The text, then room for the word starts the walk keeps (4 bytes per unit).
    const need = this.textAt + 5 * n + 8 - this.memory.buffer.byteLength;
    this.memory.grow(Math.ceil(need / PAGE));
    this.textView = new Uint8Array(this.memory.buffer, this.textAt);
    this.out = new Int32Array(this.memory.buffer, this.outAt, OUT_CAP * 3);
  }
}

/**
 * The states reachable from the root through Latin symbols as a double array: cell 0 is the root; the
 * child of cell s on code c is cell base(s) + c, whose check is s. Bases are at least LATIN_CODE_LIMIT,
 * so the cells below it stay free and a leaf (base 0) has no child. Children are placed first-fit,
 * breadth first: a few cells per state.
 */
function doubleArray(
  a: automaton.Automaton,
  limit: number,
  pt: PatternTables,
): { cells: Int32Array; stateOf: Int32Array; order: number[] } {
  const { states, edges, own, patNext, patLen } = a;
  const { patInfoStart, symInfo } = pt;
  let size = 0;
  let check = new Int32Array(0);
  let base = new Int32Array(0);
  let stateOf = new Int32Array(0);
  // Free cells from LATIN_CODE_LIMIT up, in a doubly linked list (−1 ends it): a search for a base visits
  // free cells only, so placing stays near linear however full the array gets.
  let next = new Int32Array(0);
  let prev = new Int32Array(0);
  let head = -1;
  let tail = -1;
  const grow = (n: number) => {
    if (n <= size) return;
    let cap = Math.max(1024, size);
    while (cap < n) cap *= 2;
    const widen = (x: Int32Array, fill: number) => {
      const y = new Int32Array(cap).fill(fill);
      y.set(x);
      return y;
    };
    check = widen(check, -1);
    base = widen(base, 0);
    stateOf = widen(stateOf, 0);
    next = widen(next, -1);
    prev = widen(prev, -1);
    for (let i = Math.max(size, LATIN_CODE_LIMIT); i < cap; i++) {
      prev[i] = tail;
      if (tail >= 0) next[tail] = i;
      else head = i;
      tail = i;
    }
    size = cap;
  };
  const take = (i: number) => {
    const p = prev[i];
    const n = next[i];
    if (p >= 0) next[p] = n;
    else head = n;
    if (n >= 0) prev[n] = p;
    else tail = p;
  };
  grow(1024);
  let used = 1;
  const queue: number[] = [0];
  const kids: number[] = [];
  for (let k = 0; k < queue.length; k++) {
    const cell = queue[k];
    const s = stateOf[cell];
    kids.length = 0;
    if (cell === 0) {
      for (let c = FIRST_SYMBOL; c < limit; c++) if (a.rootNext[c] > 0) kids.push(c, a.rootNext[c]);
    } else
      for (let e = states[s << 2], end = states[(s << 2) + 1]; e < end; e += 2)
        if (edges[e] >= FIRST_SYMBOL && edges[e] < LATIN_CODE_LIMIT) kids.push(edges[e], edges[e + 1]);
    if (kids.length === 0) continue;
    let b = -1;
    for (let f = head; b < 0; f = next[f]) {
      if (f < 0) {
        // The list ran out: more cells, and the search goes on with them.
        const last = tail;
        grow(size * 2);
        f = last >= 0 ? next[last] : head;
      }
      const cand = f - kids[0];
      if (cand < LATIN_CODE_LIMIT) continue;
      grow(cand + LATIN_CODE_LIMIT + 1);
      let fits = true;
      for (let x = 2; x < kids.length && fits; x += 2) fits = check[cand + kids[x]] === -1;
      if (fits) b = cand;
    }
    base[cell] = b;
    for (let x = 0; x < kids.length; x += 2) {
      const t = b + kids[x];
      take(t);
      check[t] = cell;
      stateOf[t] = kids[x + 1];
      used = Math.max(used, t + 1);
      queue.push(t);
    }
  }
  // Per cell: how deep it is, and over the patterns at it and below, the first symbol index a gap may
  // stand before (children come after their parent in `queue`).
  const depth = new Int32Array(used);
  const gapAt = new Int32Array(used).fill(0x7fffffff);
  const needsRun = new Uint8Array(used);
  // Per cell: every pattern below that lets a gap stand after this depth also repeats a letter up to here.
  const gapRun = new Uint8Array(used).fill(1);
  for (const t of queue) if (t > 0) depth[t] = check[t] === 0 ? 0 : depth[check[t]] + 1;
  for (let k = queue.length - 1; k > 0; k--) {
    const t = queue[k];
    let all = own[stateOf[t]] !== 0;
    for (let p = own[stateOf[t]]; p !== 0; p = patNext[p - 1]) {
      const off = patInfoStart[p - 1];
      const L = patLen[p - 1];
      let inner = false;
      let g = 0x7fffffff;
      let firstRun = 0x7fffffff;
      for (let x = 0; x < L; x++) {
        const inf = symInfo[off + x];
        // A word of the term begins at x (a gap may stand before it), or the run of x has a gap inside
        // (cheap pills: a gap may stand after x, before more of it).
        if (x > 0 && inf & S_FREE_GAP) g = Math.min(g, x);
        if (inf & S_RUN_GAP) g = Math.min(g, x + 1);
        if (x < L - 1 && runOf(inf) >= 2) inner = true;
        if (runOf(inf) >= 2) firstRun = Math.min(firstRun, x);
      }
      gapAt[t] = Math.min(gapAt[t], g);
      // On the pattern's way, the states from which a gap may follow (depth ≥ g − 1) before any letter of
      // it has to repeat (depth < firstRun): a word spelt once each can go on over a gap there.
      for (let u = t; u > 0; u = check[u]) if (depth[u] >= g - 1 && depth[u] < firstRun) gapRun[u] = 0;
      // As the verifier's quick path: a repeat inside refuses a single spelling at once; one at the end
      // only when the last letter is a plain Latin one (not a word of its own, which a gap may extend).
      const lastInf = symInfo[off + L - 1];
      if (!inner && !(runOf(lastInf) >= 2 && (lastInf & (S_LATIN | S_FREE_GAP)) === S_LATIN)) all = false;
    }
    needsRun[t] = all ? 1 : 0;
    const parent = check[t];
    if (parent > 0) gapAt[parent] = Math.min(gapAt[parent], gapAt[t]);
  }
  // Room past the last cell used for every base + code the walk may look at (a base is at most the last
  // cell's index), free: without it a step could read whatever follows the table in memory.
  const cells = new Int32Array((used + LATIN_CODE_LIMIT) * 2);
  for (let t = used; t < used + LATIN_CODE_LIMIT; t++) cells[t * 2] = -1;
  for (let t = 0; t < used; t++) {
    cells[t * 2] = check[t];
    let flags = 0;
    if (t > 0 && own[stateOf[t]] !== 0) flags |= OWN;
    if (needsRun[t]) flags |= NEEDS_RUN;
    if (t > 0 && depth[t] >= 1 && gapAt[t] > depth[t] + 1) flags |= JOINED;
    else if (t > 0 && depth[t] >= 1 && gapRun[t]) flags |= GAP_RUN;
    cells[t * 2 + 1] = base[t] | flags;
  }
  // The root's own cell: no state is its parent, and nothing is reported there.
  cells[0] = -1;
  return { cells, stateOf: stateOf.slice(0, used), order: queue };
}

/** As HASH_NEXT in assembly/latin-walk.ts. */
const HASH_NEXT = 0x85ebca77 | 0;

/**
 * The bitset of words worth a walk: every path from the root to a state that reports patterns or is not
 * JOINED (a gap after it may continue a term), hashed as the walk hashes a word. About one bit in 64 set.
 */
function wordFilter(cells: Int32Array, order: number[]): { bits: Int32Array; log: number } {
  const hash = new Int32Array(cells.length >> 1);
  const keep: number[] = [];
  // `order` is the breadth-first order the cells were filled in: a parent's hash is made before its children's.
  for (const t of order) {
    if (t === 0) continue;
    const parent = cells[t * 2];
    const c = t - (cells[parent * 2 + 1] & (GAP_RUN - 1));
    hash[t] = Math.imul((parent === 0 ? 0 : hash[parent]) ^ c, HASH_NEXT);
    const b = cells[t * 2 + 1];
    if ((b & OWN) !== 0 || (b & JOINED) === 0) keep.push(hash[t]);
  }
  let log = 12;
  while (log < 24 && 1 << log < keep.length * 64) log++;
  const bits = new Int32Array(1 << (log - 5));
  for (const h of keep) {
    const bit = h >>> (32 - log);
    bits[bit >>> 5] |= 1 << (bit & 31);
  }
  return { bits, log };
}
