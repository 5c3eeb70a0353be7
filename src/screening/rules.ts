/** What happens to content that a rule matches. `flag` records the match but still allows the content. */
export type RuleAction = 'block' | 'review' | 'flag';

/** `term`: a word matched after normalization; `regex`: a regular expression run on the normalized text. */
export type RuleKind = 'term' | 'regex';

export const RULE_ACTIONS: readonly RuleAction[] = ['block', 'review', 'flag'];
export const RULE_KINDS: readonly RuleKind[] = ['term', 'regex'];

/** One screening rule, as stored and exchanged (JSONL, CSV, plain text). */
export interface Rule {
  id: string;
  pattern: string;
  /** A category id: one of DEFAULT_CATEGORY_IDS or any custom id. */
  category: string;
  action: RuleAction;
  /** Defaults to `term`. */
  type?: RuleKind;
  /** Content types the rule applies to (e.g. `post`, `comment`, `nickname`); absent: all. */
  contentTypes?: string[];
  /** Longer legitimate words that contain the term; a match inside one of them is vetoed (e.g. 赌 in 赌气). */
  allow?: string[];
}

/** Longest term, in code points: keeps the match window (and its ring buffer) bounded. */
export const MAX_TERM_LENGTH = 64;
const MAX_REGEX_LENGTH = 1000;

/** One problem with one field of one rule. */
export interface RuleIssue {
  ruleId: string;
  /** Position of the rule in the list, from 0. */
  index: number;
  field: string;
  message: string;
}

/** Thrown by `validateRules` and `compileRules` when a rule set has problems; lists all of them. */
export class RuleValidationError extends Error {
  readonly issues: RuleIssue[];
  constructor(issues: RuleIssue[]) {
    const head = issues
      .slice(0, 10)
      .map((i) => `rule "${i.ruleId}" (#${i.index + 1}), field "${i.field}": ${i.message}`)
      .join('; ');
    super(issues.length > 10 ? `${head}; and ${issues.length - 10} more` : head);
    this.name = 'RuleValidationError';
    this.issues = issues;
  }
}

const CATEGORY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/**
 * Checks a rule set and returns every problem found (empty when the set is valid). Term-level checks that
 * need normalization (an allow entry must contain its term) are done by `compileRules`.
 *
 * @example
 * validateRules([{ id: 'g1', pattern: '赌博', category: 'gambling', action: 'deny' as never }]);
 * // [{ ruleId: 'g1', index: 0, field: 'action', message: 'must be one of block, review, flag (got "deny")' }]
 */
export function validateRules(rules: readonly unknown[]): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const seen = new Map<string, number>();
  rules.forEach((raw, index) => {
    const r = (raw ?? {}) as Record<string, unknown>;
    const ruleId = typeof r.id === 'string' && r.id !== '' ? r.id : `#${index + 1}`;
    const add = (field: string, message: string) => issues.push({ ruleId, index, field, message });
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      add('rule', 'must be an object');
      return;
    }
    if (typeof r.id !== 'string' || r.id.trim() === '') add('id', 'must be a non-empty string');
    else if (seen.has(r.id)) add('id', `duplicates the id of rule #${(seen.get(r.id) ?? 0) + 1}`);
    else seen.set(r.id, index);
    if (typeof r.category !== 'string' || !CATEGORY_ID.test(r.category)) {
      add(
        'category',
        `must be an id of letters, digits, '.', '_', ':' or '-' (got ${JSON.stringify(r.category)})`,
      );
    }
    if (!RULE_ACTIONS.includes(r.action as RuleAction)) {
      add('action', `must be one of ${RULE_ACTIONS.join(', ')} (got ${JSON.stringify(r.action)})`);
    }
    const kind = r.type ?? 'term';
    if (!RULE_KINDS.includes(kind as RuleKind)) {
      add('type', `must be one of ${RULE_KINDS.join(', ')} (got ${JSON.stringify(r.type)})`);
    }
    if (typeof r.pattern !== 'string' || r.pattern.trim() === '') {
      add('pattern', 'must be a non-empty string');
    } else if (kind === 'regex') {
      const problem = regexProblem(r.pattern);
      if (problem) add('pattern', problem);
    } else if ([...r.pattern].length > MAX_TERM_LENGTH) {
      add('pattern', `a term is at most ${MAX_TERM_LENGTH} characters long`);
    }
    if (r.contentTypes !== undefined && !isStringList(r.contentTypes)) {
      add('contentTypes', 'must be a list of non-empty strings');
    }
    if (r.allow !== undefined) {
      if (!isStringList(r.allow)) add('allow', 'must be a list of non-empty strings');
      else if (r.allow.some((a) => [...a].length > MAX_TERM_LENGTH)) {
        add('allow', `an allowed word is at most ${MAX_TERM_LENGTH} characters long`);
      }
    }
  });
  return issues;
}

/** Throws a RuleValidationError listing every problem, or returns the rules typed. */
export function assertValidRules(rules: readonly unknown[]): Rule[] {
  const issues = validateRules(rules);
  if (issues.length > 0) throw new RuleValidationError(issues);
  return rules as Rule[];
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' && x.trim() !== '');
}

/** A regex rule is written as a bare source (`微信\d+`) or as `/source/flags`; `u` is always on. */
export function parseRegexSource(pattern: string): { source: string; flags: string } {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  const source = m ? m[1] : pattern;
  // Matching runs on case-folded text; `g` and `y` are ours to set.
  const flags = new Set([...(m ? m[2] : '')].filter((f) => 'imsu'.includes(f)));
  flags.add('u');
  return { source, flags: [...flags].join('') };
}

function regexProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_REGEX_LENGTH)
    return `a regular expression is at most ${MAX_REGEX_LENGTH} characters long`;
  const { source, flags } = parseRegexSource(pattern);
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (e) {
    return `is not a valid regular expression: ${(e as Error).message}`;
  }
  if (re.test('')) return 'must not match the empty string';
  return undefined;
}
