// Content screening engine (Decision 5: stop the transmission of prohibited user-published information).
// Pure: no I/O, no database, no configuration; plain values in, plain values out.
export { DEFAULT_CATEGORIES, DEFAULT_CATEGORY_IDS, categoryLabel, type Category } from './categories.js';
export {
  RULE_ACTIONS,
  RULE_KINDS,
  MAX_TERM_LENGTH,
  RuleValidationError,
  validateRules,
  type Rule,
  type RuleAction,
  type RuleKind,
  type RuleIssue,
} from './rules.js';
export {
  DEFAULT_NORMALIZE_OPTIONS,
  normalize,
  normalizeForRegex,
  resolveNormalizeOptions,
  type NormalizeOptions,
  type NormalizedText,
} from './normalize.js';
export { compileRules, resolveCompileOptions, type CompileOptions } from './compile.js';
export {
  CompiledRuleSet,
  ENGINE_VERSION,
  type ScreenDecision,
  type ScreenMatch,
  type ScreenOptions,
  type ScreenResult,
} from './rule-set.js';
export { fromBuffer } from './serialize.js';
export {
  RuleFormatError,
  formatCsvRules,
  formatJsonlRules,
  formatRules,
  formatTextRules,
  parseCsvRules,
  parseJsonlRules,
  parseRules,
  parseTextRules,
  ruleFormatOf,
  type RuleFormat,
} from './formats.js';
export { readingsOf } from './pinyin.js';
