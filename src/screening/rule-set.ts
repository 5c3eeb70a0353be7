import { scanAnchored, startTables, type StartTables } from './anchored.js';
import { automatonBytes, type Automaton } from './automaton.js';
import type { ResolvedCompileOptions } from './compile.js';
import { LatinWalk, latinWalkEnabled } from './latin-walk.js';
import { foldTableFor, M_SEPARATOR, regexView, type FoldTable } from './normalize.js';
import { S_LATIN } from './patterns.js';
import { parseRegexSource, type Rule, type RuleAction } from './rules.js';
import { Candidates, Offsets, RING_SIZE, type ScanTables } from './scan.js';
import { fromBuffer as deserializeState, serializeState } from './serialize.js';
import { verifiedStart, verifyCandidate, type VerifyOptions } from './verify.js';

export interface ScreenMatch {
  /** The rule id. */
  rule: string;
  category: string;
  action: RuleAction;
  /** UTF-16 offsets in the original text, end exclusive. */
  start: number;
  end: number;
  /** The original text of the match, `text.slice(start, end)`. */
  matched: string;
}

/**
 * `block` when any match blocks; else `review` when any match asks for review; else `allow`.
 * A `flag` match records the hit (for statistics and sampling) but lets the content through.
 */
export type ScreenDecision = 'allow' | 'review' | 'block';

export interface ScreenResult {
  decision: ScreenDecision;
  matches: ScreenMatch[];
}

export interface ScreenOptions {
  /** Content type (`post`, `comment`, `nickname`, …): rules limited to other types are not applied. */
  contentType?: string;
}

/** Bumped when the compiled form or the matching semantics change, so old buffers are refused. */
export const ENGINE_VERSION = 2;

/** Compiled patterns: the automaton plus per-pattern facts for the verifier. */
export interface PatternTables {
  /** Rule index of each pattern. */
  patRule: Int32Array;
  /** 1 when the pattern is an allowed word of its rule rather than the rule's term. */
  patAllow: Uint8Array;
  /** Start of each pattern's per-symbol facts in `symInfo` (length from `automaton.patLen`). */
  patInfoStart: Int32Array;
  symInfo: Uint8Array;
}

export interface CompiledState {
  rules: Rule[];
  options: ResolvedCompileOptions;
  version: string;
  fold: FoldTable;
  /** Spellings as written (and Latin terms). */
  automaton: Automaton;
  patterns: PatternTables;
  /**
   * Spellings with some characters in pinyin: eight times the size of the rest at 50,000 rules, and
   * only able to match where Latin letters meet other symbols, so walked only around such places.
   */
  pinyinAutomaton: Automaton;
  pinyinPatterns: PatternTables;
  codes: Uint16Array;
  unitCode: Uint16Array;
  astralCode: Map<number, number>;
}

const ORDER: Record<RuleAction, number> = { flag: 1, review: 2, block: 3 };

/** A compiled rule set: screen texts with it, or send it to a worker with `toBuffer()`. */
export class CompiledRuleSet {
  /** Hash of the rules, the options and the engine version (hex SHA-256). */
  readonly version: string;
  readonly rules: readonly Rule[];
  readonly options: Readonly<ResolvedCompileOptions>;
  private readonly tables: ScanTables;
  private readonly pinyinTables: ScanTables | undefined;
  private readonly starts: StartTables;
  private readonly pinyinStarts: StartTables | undefined;
  private readonly switches = new Offsets();
  private readonly pinyinCands = new Candidates();
  private readonly regexes: { rule: number; re: RegExp }[];
  private readonly contentTypes: (Set<string> | undefined)[];
  /** Per rule: its pattern has a letter, so a match needs one too (455 is a number, not "ass"). */
  private readonly lettered: boolean[];
  private readonly verifyOptions: VerifyOptions;
  private readonly cands = new Candidates();
  private readonly found = new Candidates();
  private readonly allowed = new Candidates();
  private regexFold: FoldTable | undefined;
  /** The WebAssembly walk for ASCII text, built on first use; null where it does not apply. */
  private latinWalk: LatinWalk | null | undefined;

  /** @internal Use `compileRules` or `fromBuffer`. */
  constructor(readonly state: CompiledState) {
    this.version = state.version;
    this.rules = state.rules;
    this.options = state.options;
    this.tables = {
      automaton: state.automaton,
      codes: state.codes,
      unitCode: state.unitCode,
      astralCode: state.astralCode,
      fold: state.fold,
      collapse: state.options.collapseRepeats,
      wordStart: state.options.latinWholeWord
        ? wordEdges(state.patterns, state.automaton, 'start')
        : undefined,
      wordEnd: state.options.latinWholeWord ? wordEdges(state.patterns, state.automaton, 'end') : undefined,
    };
    this.pinyinTables =
      state.pinyinAutomaton.patLen.length > 0
        ? {
            ...this.tables,
            automaton: state.pinyinAutomaton,
            wordStart: state.options.latinWholeWord
              ? wordEdges(state.pinyinPatterns, state.pinyinAutomaton, 'start')
              : undefined,
            wordEnd: state.options.latinWholeWord
              ? wordEdges(state.pinyinPatterns, state.pinyinAutomaton, 'end')
              : undefined,
          }
        : undefined;
    this.starts = startTables(this.tables.automaton, this.tables.wordStart);
    this.pinyinStarts = this.pinyinTables
      ? startTables(this.pinyinTables.automaton, this.pinyinTables.wordStart)
      : undefined;
    this.regexes = [];
    state.rules.forEach((r, i) => {
      if (r.type === 'regex') {
        const { source, flags } = parseRegexSource(r.pattern);
        this.regexes.push({ rule: i, re: new RegExp(source, flags + 'g') });
      }
    });
    // Content types compare without case: `Nickname` from one system is the rule's `nickname`.
    this.contentTypes = state.rules.map((r) =>
      r.contentTypes ? new Set(r.contentTypes.map((t) => t.toLowerCase())) : undefined,
    );
    this.lettered = state.rules.map((r) => LETTER.test(r.pattern));
    this.verifyOptions = {
      collapse: state.options.collapseRepeats,
      latinWholeWord: state.options.latinWholeWord,
      joinAcrossClauses: state.options.joinAcrossClauses,
      maxGap: state.options.maxGap,
    };
  }

  /**
   * Screens one text. Linear in its length: one walk of the automaton, then a check of each candidate
   * against the original text, then the regular-expression rules on the normalized text.
   *
   * @example
   * const set = compileRules([{ id: 'g1', pattern: '赌博', category: 'gambling', action: 'block' }]);
   * set.screen('来玩 賭 博 吧');
   * // { decision: 'block', matches: [{ rule: 'g1', category: 'gambling', action: 'block',
   * //   start: 3, end: 6, matched: '賭 博' }] }
   */
  screen(text: string, options?: ScreenOptions): ScreenResult {
    const contentType = options === undefined ? undefined : options.contentType;
    const cands = this.cands;
    const pc = this.pinyinCands;
    cands.length = 0;
    pc.length = 0;
    const sw = this.switches;
    sw.length = 0;
    // ASCII text has no place where Latin letters meet other symbols: no pinyin windows to find.
    let lw = this.latinWalk;
    if (lw === undefined)
      lw = this.latinWalk = LatinWalk.for(this.tables, this.starts, this.state.patterns) ?? null;
    if (lw === null || !latinWalkEnabled || !lw.scan(text, cands))
      scanAnchored(text, this.tables, this.starts, cands, 0, text.length, this.pinyinTables ? sw : undefined);
    if (this.pinyinTables && sw.length > 0) this.scanPinyin(text, sw, pc);
    if (cands.length === 0 && pc.length === 0 && this.regexes.length === 0)
      return { decision: 'allow', matches: [] };
    // Verified hits as (rule, start, end) triples in reused buffers: no object per candidate.
    const found = this.found;
    const allowed = this.allowed;
    found.length = 0;
    allowed.length = 0;
    this.verifyAll(text, cands, this.state.patterns, this.state.automaton, contentType, found, allowed);
    this.verifyAll(
      text,
      pc,
      this.state.pinyinPatterns,
      this.state.pinyinAutomaton,
      contentType,
      found,
      allowed,
    );
    if (this.regexes.length > 0) this.runRegexes(text, contentType, found);
    if (found.length === 0) return { decision: 'allow', matches: [] };

    sortHits(found);
    const f = found.data;
    const al = allowed.data;
    const matches: ScreenMatch[] = [];
    let strongest = 0;
    for (let x = 0; x < found.length; x++) {
      const rule = f[x * 3];
      const start = f[x * 3 + 1];
      const end = f[x * 3 + 2];
      // Spellings of one rule can find the same span twice: report it once.
      if (x > 0 && f[x * 3 - 3] === rule && f[x * 3 - 2] === start && f[x * 3 - 1] === end) continue;
      // Allow-list: a longer legitimate word of the same rule covering the match vetoes it (赌 in 赌气).
      let vetoed = false;
      for (let y = 0; y < allowed.length && !vetoed; y++)
        vetoed = al[y * 3] === rule && al[y * 3 + 1] <= start && al[y * 3 + 2] >= end;
      if (vetoed) continue;
      const r = this.state.rules[rule];
      strongest = Math.max(strongest, ORDER[r.action]);
      matches.push({
        rule: r.id,
        category: r.category,
        action: r.action,
        start,
        end,
        matched: text.slice(start, end),
      });
    }
    return { decision: strongest === 3 ? 'block' : strongest === 2 ? 'review' : 'allow', matches };
  }

  /**
   * The compiled set as one transferable buffer; `fromBuffer` rebuilds it without recompiling.
   *
   * @example
   * worker.postMessage(buf, [buf]); // where buf = set.toBuffer()
   */
  toBuffer(): ArrayBuffer {
    return serializeState(this.state);
  }

  /**
   * Rebuilds a set from `toBuffer()` output without recompiling (same as the `fromBuffer` export).
   *
   * @example
   * parentPort.on('message', (buf) => { set = CompiledRuleSet.fromBuffer(buf); });
   */
  static fromBuffer(buf: ArrayBuffer | Uint8Array): CompiledRuleSet {
    return deserializeState(buf);
  }

  /**
   * Bytes held by the compiled automaton and its tables (typed arrays only), and by the WebAssembly walk's
   * memory once the first text has built it.
   */
  get byteLength(): number {
    const pt = (p: PatternTables) =>
      p.patRule.byteLength + p.patAllow.byteLength + p.patInfoStart.byteLength + p.symInfo.byteLength;
    return (
      automatonBytes(this.state.automaton) +
      automatonBytes(this.state.pinyinAutomaton) +
      pt(this.state.patterns) +
      pt(this.state.pinyinPatterns) +
      this.state.codes.byteLength +
      this.state.unitCode.byteLength +
      this.state.fold.base.byteLength +
      (this.latinWalk ? this.latinWalk.byteLength : 0)
    );
  }

  /** Number of automaton states and patterns (spellings), for diagnostics. */
  get stats(): { states: number; patterns: number; alphabet: number; bytes: number } {
    const a = this.state.automaton;
    const b = this.state.pinyinAutomaton;
    return {
      states: a.stateCount + b.stateCount,
      patterns: a.patLen.length + b.patLen.length,
      alphabet: a.alphabetSize,
      bytes: this.byteLength,
    };
  }

  /** Walks the pinyin automaton over windows around the places where Latin letters meet other symbols. */
  private scanPinyin(text: string, sw: Offsets, out: Candidates): void {
    const t = this.pinyinTables!;
    const st = this.pinyinStarts!;
    let from = -1;
    let to = -1;
    for (let x = 0; x < sw.length; x++) {
      const a = Math.max(0, sw.data[x] - PINYIN_WINDOW);
      const b = Math.min(text.length, sw.data[x] + PINYIN_WINDOW);
      if (a <= to) to = b;
      else {
        if (to > from) scanAnchored(text, t, st, out, from, to);
        from = a;
        to = b;
      }
    }
    if (to > from) scanAnchored(text, t, st, out, from, to);
  }

  private verifyAll(
    text: string,
    cands: Candidates,
    pt: PatternTables,
    a: Automaton,
    contentType: string | undefined,
    found: Candidates,
    allowed: Candidates,
  ): void {
    const { patRule, patAllow, patInfoStart, symInfo } = pt;
    const patLen = a.patLen;
    const d = cands.data;
    for (let x = 0; x < cands.length; x++) {
      const p = d[x * 3];
      const rule = patRule[p];
      if (!this.applies(rule, contentType)) continue;
      const end = verifyCandidate(
        text,
        d[x * 3 + 1],
        d[x * 3 + 2],
        symInfo,
        patInfoStart[p],
        patLen[p],
        this.tables.fold,
        this.verifyOptions,
      );
      if (end < 0) continue;
      const start = verifiedStart;
      if (patAllow[p]) {
        // An allowed word is a legitimate word, written as one: with a separator inside (洗钱 包) it is a
        // term followed by something else, and vetoes nothing.
        if (!separatorIn(text, start, end, this.tables.fold)) allowed.push(rule, start, end);
      } else if (!this.lettered[rule] || LETTER.test(text.slice(start, end))) found.push(rule, start, end);
    }
  }

  private applies(rule: number, contentType: string | undefined): boolean {
    const types = this.contentTypes[rule];
    return types === undefined || contentType === undefined || types.has(contentType.toLowerCase());
  }

  private runRegexes(text: string, contentType: string | undefined, found: Candidates): void {
    const active = this.regexes.filter((r) => this.applies(r.rule, contentType));
    if (active.length === 0) return;
    this.regexFold ??= foldTableFor(this.options, 'regex');
    const n = regexView(text, this.regexFold);
    for (const { rule, re } of active) {
      re.lastIndex = 0;
      for (let m = re.exec(n.text); m !== null; m = re.exec(n.text)) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        found.push(rule, n.starts[m.index], n.ends[m.index + m[0].length - 1]);
      }
    }
  }
}

const LETTER = /\p{L}/u;

function separatorIn(text: string, start: number, end: number, fold: FoldTable): boolean {
  for (let j = start; j < end; j++) if (fold.base[text.charCodeAt(j)] === M_SEPARATOR) return true;
  return false;
}

/** Sorts (rule, start, end) triples by start, end, rule: insertion sort, as a text has few hits. */
function sortHits(h: Candidates): void {
  const d = h.data;
  if (h.length > 64) {
    // Many hits (a long text full of terms): an ordinary sort keeps it n log n.
    const idx = Array.from({ length: h.length }, (_, x) => x);
    idx.sort((x, y) => d[x * 3 + 1] - d[y * 3 + 1] || d[x * 3 + 2] - d[y * 3 + 2] || d[x * 3] - d[y * 3]);
    const copy = d.slice(0, h.length * 3);
    idx.forEach((x, k) => d.set(copy.subarray(x * 3, x * 3 + 3), k * 3));
    return;
  }
  for (let x = 1; x < h.length; x++) {
    const r = d[x * 3];
    const s = d[x * 3 + 1];
    const e = d[x * 3 + 2];
    let y = x - 1;
    for (; y >= 0; y--) {
      const ys = d[y * 3 + 1];
      const ye = d[y * 3 + 2];
      if (ys < s || (ys === s && (ye < e || (ye === e && d[y * 3] <= r)))) break;
      d[y * 3 + 3] = d[y * 3];
      d[y * 3 + 4] = ys;
      d[y * 3 + 5] = ye;
    }
    d[y * 3 + 3] = r;
    d[y * 3 + 4] = s;
    d[y * 3 + 5] = e;
  }
}

/** Half a window, in UTF-16 units, around a Latin/other boundary where pinyin spellings are looked for. */
const PINYIN_WINDOW = RING_SIZE;

/** Patterns whose first (last) symbol is Latin: they must start (end) a word. */
function wordEdges(p: PatternTables, a: Automaton, edge: 'start' | 'end'): Uint8Array {
  const out = new Uint8Array(p.patRule.length);
  for (let i = 0; i < out.length; i++) {
    const at = p.patInfoStart[i] + (edge === 'start' ? 0 : a.patLen[i] - 1);
    out[i] = p.symInfo[at] & S_LATIN ? 1 : 0;
  }
  return out;
}
