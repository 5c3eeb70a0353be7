import { createHash } from 'node:crypto';
import { C_NONE, C_SKIP, C_SPECIAL, FIRST_SYMBOL, Grow as GrowInt, TrieBuilder } from './automaton.js';
import {
  foldTableFor,
  M_EXPAND,
  M_HIGH,
  M_INVISIBLE,
  M_SEPARATOR,
  M_AMBIG_A,
  M_AMBIG_S,
  resolveNormalizeOptions,
  type FoldTable,
  type NormalizeOptions,
  type ResolvedNormalizeOptions,
} from './normalize.js';
import { spellings, termUnits } from './patterns.js';
import { assertValidRules, RuleValidationError, type Rule, type RuleIssue } from './rules.js';
import { RING_SIZE } from './scan.js';
import { CompiledRuleSet, ENGINE_VERSION, type PatternTables } from './rule-set.js';

/** Normalization steps plus how terms may be joined and bounded. */
export interface CompileOptions extends NormalizeOptions {
  /** Latin spellings match whole words only (default true): "sex" is not flagged in "Sussex". */
  latinWholeWord?: boolean;
  /**
   * Join a term across clause breaks (default false): Chinese clause punctuation and line breaks, and the end
   * of a sentence (`free. Money`) between the words of a Latin term.
   */
  joinAcrossClauses?: boolean;
  /** Longest run of separators inside a term, in UTF-16 units (default 10). */
  maxGap?: number;
}

export type ResolvedCompileOptions = ResolvedNormalizeOptions &
  Required<Pick<CompileOptions, 'latinWholeWord' | 'joinAcrossClauses' | 'maxGap'>>;

const DEFAULT_EXTRA = { latinWholeWord: true, joinAcrossClauses: false, maxGap: 10 };

export function resolveCompileOptions(o: CompileOptions = {}): ResolvedCompileOptions {
  const { latinWholeWord, joinAcrossClauses, maxGap, ...norm } = o;
  const extra = { ...DEFAULT_EXTRA };
  if (latinWholeWord !== undefined) extra.latinWholeWord = Boolean(latinWholeWord);
  if (joinAcrossClauses !== undefined) extra.joinAcrossClauses = Boolean(joinAcrossClauses);
  if (maxGap !== undefined) {
    if (!Number.isInteger(maxGap) || maxGap < 0) throw new TypeError('maxGap must be a non-negative integer');
    extra.maxGap = maxGap;
  }
  return { ...resolveNormalizeOptions(norm), ...extra };
}

/**
 * Compiles a rule set once (per rule-set version) into an automaton. Throws RuleValidationError listing
 * every invalid rule and field.
 *
 * @example
 * const set = compileRules([
 *   { id: 'g1', pattern: '赌', category: 'gambling', action: 'review', allow: ['赌气', '打赌'] },
 *   { id: 'wx', pattern: '加微信\\s*\\w{5,}', category: 'spam', action: 'flag', type: 'regex' },
 * ]);
 * set.screen('别赌气了').decision; // 'allow'
 */
export function compileRules(rules: readonly Rule[], options: CompileOptions = {}): CompiledRuleSet {
  const valid = assertValidRules(rules).map(canonicalRule);
  const o = resolveCompileOptions(options);
  const fold = foldTableFor(o, 'match');
  const sp = { pinyin: o.pinyin, wholePinyin: o.pinyinWholeTerm, collapse: o.collapseRepeats };
  const issues: RuleIssue[] = [];

  const alphabet = new Map<number, number>();
  const codeOf = (u: number) => {
    let c = alphabet.get(u);
    if (c === undefined) {
      c = FIRST_SYMBOL + alphabet.size;
      alphabet.set(u, c);
    }
    return c;
  };
  // ASCII letters and digits first: codes below LATIN_CODE_LIMIT mean "Latin" to the walk.
  for (const ch of 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') codeOf(ch.charCodeAt(0));
  const parts = [newPart(), newPart()];
  const buf = new Int32Array(RING_SIZE);
  const add = (rule: number, allow: boolean, text: string) => {
    for (const s of spellings(text, fold, sp)) {
      const n = s.units.length;
      if (n > RING_SIZE) continue;
      const part = parts[s.pinyin ? 1 : 0];
      for (let k = 0; k < n; k++) buf[k] = codeOf(s.units[k]);
      const state = part.trie.insert(buf, n);
      // The same spelling twice for one rule (heteronyms, an allowed word equal to a spelling): once.
      if (
        part.trie
          .patternsAt(state)
          .some((p) => part.patRule.a[p] === rule && part.patAllow[p] === (allow ? 1 : 0))
      )
        continue;
      part.trie.addPattern(state, n);
      part.patRule.push(rule);
      part.patAllow.push(allow ? 1 : 0);
      part.patInfoStart.push(part.symInfo.n);
      for (const x of s.info) part.symInfo.push(x);
    }
  };
  valid.forEach((r, i) => {
    if (r.type === 'regex') return;
    const key = keyOf(r.pattern, fold);
    if (key === '') {
      issues.push({
        ruleId: r.id,
        index: i,
        field: 'pattern',
        message: 'has no letters, digits or characters left after normalization',
      });
      return;
    }
    add(i, false, r.pattern);
    for (const a of r.allow ?? []) {
      if (!keyOf(a, fold).includes(key)) {
        issues.push({
          ruleId: r.id,
          index: i,
          field: 'allow',
          message: `allowed word "${a}" does not contain the term "${r.pattern}"`,
        });
        continue;
      }
      add(i, true, a);
    }
  });
  if (issues.length > 0) throw new RuleValidationError(issues);
  const size = FIRST_SYMBOL + alphabet.size;

  const unitCode = new Uint16Array(65536);
  const astralCode = new Map<number, number>();
  for (const [u, c] of alphabet) {
    if (u <= 0xffff) unitCode[u] = c;
    else astralCode.set(u, c);
  }
  const codes = codeTable(fold, unitCode);
  return new CompiledRuleSet({
    rules: valid,
    options: o,
    version: versionOf(valid, o),
    fold,
    automaton: parts[0].trie.finish(size),
    patterns: patternTables(parts[0]),
    pinyinAutomaton: parts[1].trie.finish(size),
    pinyinPatterns: patternTables(parts[1]),
    codes,
    unitCode,
    astralCode,
  });
}

interface Part {
  trie: TrieBuilder;
  patRule: GrowInt;
  patAllow: number[];
  patInfoStart: GrowInt;
  symInfo: GrowInt;
}

function newPart(): Part {
  return {
    trie: new TrieBuilder(),
    patRule: new GrowInt(),
    patAllow: [],
    patInfoStart: new GrowInt(),
    symInfo: new GrowInt(),
  };
}

function patternTables(p: Part): PatternTables {
  return {
    patRule: p.patRule.done(),
    patAllow: Uint8Array.from(p.patAllow),
    patInfoStart: p.patInfoStart.done(),
    symInfo: Uint8Array.from(p.symInfo.done()),
  };
}

/** Code unit → dense code or marker: the one table the walk reads per character. */
export function codeTable(fold: FoldTable, unitCode: Uint16Array): Uint16Array {
  const codes = new Uint16Array(65536);
  const base = fold.base;
  for (let c = 0; c < 65536; c++) {
    const b = base[c];
    if (b === M_INVISIBLE || b === M_SEPARATOR) codes[c] = C_SKIP;
    else if (b === M_AMBIG_A || b === M_AMBIG_S || b === M_EXPAND || b === M_HIGH) codes[c] = C_SPECIAL;
    else codes[c] = unitCode[b] >= FIRST_SYMBOL ? unitCode[b] : C_NONE;
  }
  return codes;
}

function keyOf(text: string, fold: FoldTable): string {
  return termUnits(text, fold)
    .map((u) => String.fromCodePoint(u.unit))
    .join('');
}

function canonicalRule(r: Rule): Rule {
  const out: Rule = { id: r.id, pattern: r.pattern, category: r.category, action: r.action };
  if (r.type && r.type !== 'term') out.type = r.type;
  if (r.contentTypes && r.contentTypes.length > 0) out.contentTypes = [...r.contentTypes];
  if (r.allow && r.allow.length > 0) out.allow = [...r.allow];
  return out;
}

function versionOf(rules: Rule[], o: ResolvedCompileOptions): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ engine: ENGINE_VERSION, options: o }));
  for (const r of rules) h.update(JSON.stringify(r) + '\n');
  return h.digest('hex');
}
