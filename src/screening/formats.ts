import type { Rule } from './rules.js';
import { CsvError, parseCsv } from '../csv.js';

export type RuleFormat = 'text' | 'csv' | 'jsonl';

/** A rule file that cannot be read: names the line. */
export class RuleFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'RuleFormatError';
  }
}

/**
 * The format of a rule file from its name: `.jsonl`/`.ndjson`, `.csv`, anything else plain text.
 *
 * @example
 * ruleFormatOf('rules/gambling.csv'); // 'csv'
 */
export function ruleFormatOf(fileName: string): RuleFormat {
  const f = fileName.toLowerCase();
  if (f.endsWith('.jsonl') || f.endsWith('.ndjson') || f.endsWith('.json')) return 'jsonl';
  if (f.endsWith('.csv')) return 'csv';
  return 'text';
}

/** Parses rules in the given format. Rules are not validated here: `compileRules` does that. */
export function parseRules(text: string, format: RuleFormat, defaults?: TextDefaults): Rule[] {
  if (format === 'jsonl') return parseJsonlRules(text);
  if (format === 'csv') return parseCsvRules(text);
  return parseTextRules(text, defaults);
}

/** Writes rules in the given format. */
export function formatRules(rules: readonly Rule[], format: RuleFormat): string {
  if (format === 'jsonl') return formatJsonlRules(rules);
  if (format === 'csv') return formatCsvRules(rules);
  return formatTextRules(rules);
}

export interface TextDefaults {
  category?: string;
  action?: Rule['action'];
}

/**
 * Plain text: one term a line, `#` starts a comment line, blank lines ignored. The rule id is
 * `line-N` (N: the line number in the file), the category `other`, the action `block` unless given.
 *
 * @example
 * parseTextRules('# gambling\n赌博\n');
 * // [{ id: 'line-2', pattern: '赌博', category: 'other', action: 'block' }]
 */
export function parseTextRules(text: string, defaults: TextDefaults = {}): Rule[] {
  const rules: Rule[] = [];
  splitLines(text).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    rules.push({
      id: `line-${i + 1}`,
      pattern: line,
      category: defaults.category ?? 'other',
      action: defaults.action ?? 'block',
    });
  });
  return rules;
}

/** Plain text keeps only the terms; regex rules and terms that span lines are left out with a comment. */
export function formatTextRules(rules: readonly Rule[]): string {
  return rules
    .map((r) =>
      (r.type ?? 'term') === 'term' && !/[\r\n]/.test(r.pattern) && !r.pattern.trim().startsWith('#')
        ? r.pattern.trim()
        : `# left out: rule ${r.id} (${r.type ?? 'term'})`,
    )
    .map((l) => l + '\n')
    .join('');
}

/**
 * JSONL: one JSON object a line, `{"id","pattern","category","action","type"?,"allow"?,"contentTypes"?}`.
 *
 * @example
 * parseJsonlRules('{"id":"g1","pattern":"赌博","category":"gambling","action":"block"}');
 */
export function parseJsonlRules(text: string): Rule[] {
  const rules: Rule[] = [];
  splitLines(text).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      // Not the parser's message: it quotes the line.
      throw new RuleFormatError(i + 1, 'not valid JSON');
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new RuleFormatError(i + 1, 'must be a JSON object');
    rules.push(v as Rule);
  });
  return rules;
}

export function formatJsonlRules(rules: readonly Rule[]): string {
  return rules
    .map((r) => {
      const o: Record<string, unknown> = {
        id: r.id,
        pattern: r.pattern,
        category: r.category,
        action: r.action,
      };
      if (r.type && r.type !== 'term') o.type = r.type;
      if (r.allow?.length) o.allow = r.allow;
      if (r.contentTypes?.length) o.contentTypes = r.contentTypes;
      return JSON.stringify(o) + '\n';
    })
    .join('');
}

const CSV_HEADER = ['id', 'pattern', 'category', 'action', 'type', 'contentTypes', 'allow'];

/**
 * CSV (RFC 4180 quoting): `id,pattern,category,action[,type[,contentTypes[,allow]]]`, lists separated
 * by `|`. A first row starting with `id` is a header.
 *
 * @example
 * parseCsvRules('id,pattern,category,action\ng1,赌博,gambling,block\n');
 */
export function parseCsvRules(text: string): Rule[] {
  let rows: ReturnType<typeof parseCsv>;
  try {
    rows = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) throw new RuleFormatError(err.line, 'unterminated quoted field');
    throw err;
  }
  const rules: Rule[] = [];
  rows.forEach(({ cells: fields, line }, i) => {
    if (i === 0 && fields[0]?.trim().toLowerCase() === 'id') return;
    if (fields.length === 1 && fields[0].trim() === '') return;
    if (fields.length < 4)
      throw new RuleFormatError(
        line,
        `expected at least 4 fields (id,pattern,category,action), got ${fields.length}`,
      );
    const [id, pattern, category, action, type, contentTypes, allow] = fields;
    const r: Rule = {
      id: id.trim(),
      pattern,
      category: category.trim(),
      action: action.trim() as Rule['action'],
    };
    if (type?.trim()) r.type = type.trim() as Rule['type'];
    if (contentTypes?.trim())
      r.contentTypes = contentTypes
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean);
    if (allow?.trim())
      r.allow = allow
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean);
    rules.push(r);
  });
  return rules;
}

export function formatCsvRules(rules: readonly Rule[]): string {
  const rows = rules.map((r) =>
    [
      r.id,
      r.pattern,
      r.category,
      r.action,
      r.type ?? 'term',
      (r.contentTypes ?? []).join('|'),
      (r.allow ?? []).join('|'),
    ]
      .map(csvField)
      .join(','),
  );
  return [CSV_HEADER.join(','), ...rows].map((l) => l + '\n').join('');
}

function csvField(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function splitLines(text: string): string[] {
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
}
