import { describe, expect, it } from 'vitest';
import {
  compileRules,
  formatRules,
  parseCsvRules,
  parseJsonlRules,
  parseRules,
  parseTextRules,
  ruleFormatOf,
  RuleFormatError,
  type Rule,
} from '../../src/screening/index.js';

const RULES: Rule[] = [
  { id: 'g1', pattern: '赌博', category: 'gambling', action: 'block' },
  { id: 'g2', pattern: '赌', category: 'gambling', action: 'review', allow: ['赌气', '打赌'] },
  {
    id: 'wx',
    pattern: '加微信\\s*[a-z0-9]{5,}',
    category: 'spam',
    action: 'flag',
    type: 'regex',
    contentTypes: ['post', 'comment'],
  },
  { id: 'q,"x"', pattern: ' free, "money" ', category: 'spam', action: 'flag' },
];

describe('rule formats', () => {
  it('JSONL round-trips', () => {
    expect(parseJsonlRules(formatRules(RULES, 'jsonl'))).toEqual(RULES);
  });

  it('CSV round-trips, quoting commas, quotes and edge spaces', () => {
    const csv = formatRules(RULES, 'csv');
    expect(csv.split('\n')[0]).toBe('id,pattern,category,action,type,contentTypes,allow');
    const back = parseCsvRules(csv).map((r) => (r.type === 'term' ? { ...r, type: undefined } : r));
    expect(back.map((r) => JSON.parse(JSON.stringify(r)))).toEqual(RULES);
  });

  it('CSV without a header and with only the four required columns', () => {
    expect(parseCsvRules('g1,赌博,gambling,block\r\ng2,"a,b",spam,flag,term\n')).toEqual([
      { id: 'g1', pattern: '赌博', category: 'gambling', action: 'block' },
      { id: 'g2', pattern: 'a,b', category: 'spam', action: 'flag', type: 'term' },
    ]);
    expect(() => parseCsvRules('g1,赌博,gambling')).toThrow(RuleFormatError);
    expect(() => parseCsvRules('g1,"赌博,gambling,block')).toThrow(/unterminated/);
  });

  it('plain text: one term a line, # comments, ids line-N', () => {
    const rules = parseTextRules('# 赌博类\n赌博\n\n  六合彩  \n');
    expect(rules).toEqual([
      { id: 'line-2', pattern: '赌博', category: 'other', action: 'block' },
      { id: 'line-4', pattern: '六合彩', category: 'other', action: 'block' },
    ]);
    // terms survive a round trip; regex rules are left out with a comment
    const text = formatRules(RULES, 'text');
    expect(parseTextRules(text).map((r) => r.pattern)).toEqual(['赌博', '赌', 'free, "money"']);
    expect(text).toContain('# left out: rule wx (regex)');
  });

  it('JSONL errors name the line', () => {
    expect(() => parseJsonlRules('{"id":"a"}\n\n{oops}\n')).toThrow(/line 3: not valid JSON/);
    expect(() => parseJsonlRules('[1]')).toThrow(/line 1: must be a JSON object/);
  });

  it('format from the file name, and parsed rules compile', () => {
    expect(ruleFormatOf('a/B.JSONL')).toBe('jsonl');
    expect(ruleFormatOf('x.csv')).toBe('csv');
    expect(ruleFormatOf('x.txt')).toBe('text');
    const set = compileRules(parseRules(formatRules(RULES, 'csv'), 'csv'));
    expect(set.screen('来赌博').decision).toBe('block');
  });
});
