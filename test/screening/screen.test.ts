import { describe, expect, it } from 'vitest';
import {
  CompiledRuleSet,
  compileRules,
  DEFAULT_CATEGORIES,
  fromBuffer,
  RuleValidationError,
  validateRules,
  type Rule,
} from '../../src/screening/index.js';

const RULES: Rule[] = [
  { id: 'gamble', pattern: '赌博', category: 'gambling', action: 'block' },
  { id: 'bet', pattern: '赌', category: 'gambling', action: 'review', allow: ['赌气', '打赌', '赌咒'] },
  { id: 'casino', pattern: 'casino', category: 'gambling', action: 'block' },
  { id: 'free', pattern: 'free money', category: 'spam', action: 'flag' },
  { id: 'idcard', pattern: '出售身份证', category: 'personal-information-trading', action: 'block' },
  {
    id: 'wx',
    pattern: '(加|\\+)\\s*(微信|vx|v信)\\s*[a-z0-9_-]{5,}',
    category: 'spam',
    action: 'review',
    type: 'regex',
  },
  {
    id: 'phone-list',
    pattern: '/手机号[码]?\\s*\\d{11}/',
    category: 'personal-information-trading',
    action: 'flag',
    type: 'regex',
  },
  { id: 'nick', pattern: '官方客服', category: 'fraud', action: 'block', contentTypes: ['nickname'] },
];

const set = compileRules(RULES);
const hits = (text: string, s = set) => s.screen(text).matches.map((m) => [m.rule, m.matched]);

describe('screen', () => {
  it('reports original offsets and the original slice', () => {
    const text = '周末来玩 賭 博 吧';
    const r = set.screen(text);
    expect(r.decision).toBe('block');
    const m = r.matches.find((x) => x.rule === 'gamble')!;
    expect(m).toMatchObject({ category: 'gambling', action: 'block', start: 5, end: 8, matched: '賭 博' });
    expect(text.slice(m.start, m.end)).toBe(m.matched);
  });

  it('allows clean text', () => {
    expect(set.screen('今天天气很好，我们去公园散步。')).toEqual({ decision: 'allow', matches: [] });
  });

  it('allow-list entries veto a match inside a longer legitimate word', () => {
    expect(set.screen('你别赌气了，我们打赌吧').decision).toBe('allow');
    // its traditional form vetoes too; a spaced form does not: otherwise the rest of an allowed word written
    // after a gap would hide the term (洗钱 包你满意)
    expect(set.screen('別賭氣').decision).toBe('allow');
    expect(set.screen('別賭 氣').decision).toBe('review');
    // the term outside an allowed word is still found
    expect(hits('赌气之后他又去赌')).toEqual([['bet', '赌']]);
  });

  it('rejects an allowed word that does not contain its term', () => {
    expect(() =>
      compileRules([{ id: 'x', pattern: '赌', category: 'gambling', action: 'block', allow: ['气球'] }]),
    ).toThrow(/rule "x".*field "allow".*气球/);
  });

  it('pinyin for some characters of a term', () => {
    expect(hits('来 du博 吧')).toContainEqual(['gamble', 'du博']);
    expect(hits('来赌bo吧')).toContainEqual(['gamble', '赌bo']);
    expect(hits('出售shen份证')).toEqual([['idcard', '出售shen份证']]);
    expect(hits('chu售身fen证')).toEqual([['idcard', 'chu售身fen证']]);
    // in styled letters or a ligature, with no plain Latin letter anywhere near
    expect(hits('来赌𝐛𝐨吧')).toContainEqual(['gamble', '赌𝐛𝐨']);
    expect(hits('𝐝𝐮博')).toContainEqual(['gamble', '𝐝𝐮博']);
  });

  it('finds pinyin spellings anywhere in a long text (walked in windows around Latin/Chinese boundaries)', () => {
    const filler = '今天天气很好我们去公园散步'.repeat(400);
    const text = `${filler}来 du博 吧${filler}出售shen份证${'word '.repeat(300)}`;
    const r = set.screen(text);
    expect(r.matches.map((m) => [m.rule, m.matched])).toEqual([
      ['gamble', 'du博'],
      ['idcard', '出售shen份证'],
    ]);
    expect(text.slice(r.matches[1].start, r.matches[1].end)).toBe('出售shen份证');
  });

  it('whole-term pinyin only when switched on', () => {
    expect(hits('dubo')).toEqual([]);
    const s = compileRules(RULES, { pinyinWholeTerm: true });
    expect(hits('来 du bo 吧', s)).toContainEqual(['gamble', 'du bo']);
    // but not inside an English word
    expect(hits('subdubois', s)).toEqual([]);
  });

  it('Latin terms: separators only when the letters are split evenly, whole words only', () => {
    expect(hits('c.a.s.i.n.o')).toEqual([['casino', 'c.a.s.i.n.o']]);
    expect(hits('c a s i n o')).toEqual([['casino', 'c a s i n o']]);
    expect(hits('cas ino')).toEqual([]);
    expect(hits('casinos')).toEqual([]);
    expect(hits('FREE MONEY now')).toEqual([['free', 'FREE MONEY']]);
    expect(hits('f r e e money')).toEqual([['free', 'f r e e money']]);
    expect(hits('carefree moneybags')).toEqual([]);
  });

  it('leetspeak, look-alikes, full width, repeats', () => {
    expect(hits('c4$1n0')).toEqual([['casino', 'c4$1n0']]);
    expect(hits('cаsіnо')).toEqual([['casino', 'cаsіnо']]);
    expect(hits('ｃａｓｉｎｏ')).toEqual([['casino', 'ｃａｓｉｎｏ']]);
    expect(hits('赌赌赌博')).toContainEqual(['gamble', '赌赌赌博']);
    expect(hits('caaasino')).toEqual([['casino', 'caaasino']]);
  });

  it('does not join a term across Chinese clause punctuation', () => {
    expect(hits('出售，身份证')).toEqual([]);
    expect(hits('出售 身份证')).toEqual([['idcard', '出售 身份证']]);
    const s = compileRules(RULES, { joinAcrossClauses: true });
    expect(hits('出售，身份证', s)).toEqual([['idcard', '出售，身份证']]);
  });

  it('regular-expression rules run on the normalized text, offsets in the original', () => {
    const text = '有意加 ＶＸ　ａｂｃ１２３４';
    const m = set.screen(text).matches.find((x) => x.rule === 'wx')!;
    expect(m.matched).toBe('加 ＶＸ　ａｂｃ１２３４');
    expect(text.slice(m.start, m.end)).toBe(m.matched);
    expect(hits('手机号 13800138000 出')).toEqual([['phone-list', '手机号 13800138000']]);
  });

  it('decision: block over review over flag; flag alone allows', () => {
    expect(set.screen('free money').decision).toBe('allow');
    expect(set.screen('free money').matches).toHaveLength(1);
    expect(set.screen('free money 赌').decision).toBe('review');
    expect(set.screen('free money 赌 casino').decision).toBe('block');
  });

  it('content types limit rules that name them', () => {
    expect(set.screen('官方客服', { contentType: 'nickname' }).decision).toBe('block');
    // Another system's spelling of the same type.
    expect(set.screen('官方客服', { contentType: 'Nickname' }).decision).toBe('block');
    expect(set.screen('联系官方客服', { contentType: 'post' }).decision).toBe('allow');
    // without a content type every rule applies
    expect(set.screen('官方客服').decision).toBe('block');
  });

  it('the version changes with the rules and the options', () => {
    expect(set.version).toMatch(/^[0-9a-f]{64}$/);
    expect(compileRules(RULES).version).toBe(set.version);
    expect(compileRules(RULES.slice(1)).version).not.toBe(set.version);
    expect(compileRules(RULES, { leet: false }).version).not.toBe(set.version);
  });

  it('toBuffer/fromBuffer gives the same results without recompiling', () => {
    const buf = set.toBuffer();
    const again = fromBuffer(buf);
    expect(again.version).toBe(set.version);
    for (const t of ['周末来玩 賭 博 吧', 'c4$1n0', '你别赌气了', '加 vx abcde1', '官方客服']) {
      expect(again.screen(t)).toEqual(set.screen(t));
    }
    expect(() => fromBuffer(new Uint8Array(16))).toThrow(/not a compiled screening rule set/);
    expect(CompiledRuleSet.fromBuffer(set.toBuffer()).screen('c4$1n0')).toEqual(set.screen('c4$1n0'));
  });

  it('works in a worker thread from a transferred buffer', async () => {
    const { Worker } = await import('node:worker_threads');
    const buf = set.toBuffer();
    const w = new Worker(new URL('./fixtures/screen-worker.mjs', import.meta.url));
    w.postMessage({ buf, text: '来玩賭博' }, [buf]);
    const result = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(result).toMatchObject({ decision: 'block' });
    expect(buf.byteLength).toBe(0); // transferred, not copied
  });

  it('is linear: a long text with many matches', () => {
    const text = '赌博 casino 正常文字 '.repeat(5000);
    const r = set.screen(text);
    expect(r.matches.filter((m) => m.rule === 'gamble')).toHaveLength(5000);
  });
});

describe('a letter shared across a space', () => {
  // Repeats are collapsed across separators (f r e e e), so the walk read the first letter of a term as a
  // repeat of the word before it when that word ended with the same letter, and a term's own space between
  // two equal letters counted as an uneven split: ordinary text that a moderator would flag at a glance.
  const latin = compileRules([
    { id: 'deal', pattern: 'deal', category: 'fraud', action: 'block' },
    { id: 'tax', pattern: 'taxfoock', category: 'fraud', action: 'block' },
    { id: 'pills', pattern: 'cheap pills', category: 'spam', action: 'block' },
    { id: 'casino', pattern: 'casino', category: 'gambling', action: 'block' },
  ]);
  const spans = (t: string) => latin.screen(t).matches.map((m) => [m.rule, m.start, m.end, m.matched]);

  it.each([
    ['said deal now', [['deal', 5, 9, 'deal']]],
    ['that taxfoock', [['tax', 5, 13, 'taxfoock']]],
    ['said. deal', [['deal', 6, 10, 'deal']]],
    ['Said DEAL', [['deal', 5, 9, 'DEAL']]],
    ['said d.e.a.l', [['deal', 5, 12, 'd.e.a.l']]],
    ['said de4l', [['deal', 5, 9, 'de4l']]],
    ['magic casino', [['casino', 6, 12, 'casino']]],
    ['c casino', [['casino', 2, 8, 'casino']]],
  ])('finds a term whose first letter ends the word before it: %j', (text, want) => {
    expect(spans(text)).toEqual(want);
  });

  it('still finds no term that begins inside a word', () => {
    expect(spans('saiddeal')).toEqual([]);
    expect(spans('said ideal')).toEqual([]);
    expect(spans('dealt')).toEqual([]);
  });

  it.each([
    ['cheap pills', [['pills', 0, 11, 'cheap pills']]],
    ['buy cheap  pills', [['pills', 4, 16, 'cheap  pills']]],
    ['cheap-pills', [['pills', 0, 11, 'cheap-pills']]],
    ['cheappills', [['pills', 0, 10, 'cheappills']]],
    ['c.h.e.a.p p.i.l.l.s', [['pills', 0, 19, 'c.h.e.a.p p.i.l.l.s']]],
  ])('finds a term with its own space between two equal letters: %j', (text, want) => {
    expect(spans(text)).toEqual(want);
  });

  it('keeps the even-split rule inside the words of such a term', () => {
    expect(spans('che ap pills')).toEqual([]);
    expect(spans('cheap pi lls')).toEqual([]);
  });
});

describe('ordinary text that only looks like an evasion', () => {
  const words = compileRules([
    { id: 'ass', pattern: 'ass', category: 'obscenity-violence', action: 'block' },
    { id: 'slot', pattern: 'slot', category: 'gambling', action: 'block' },
    { id: 'seven', pattern: '7 stars', category: 'other', action: 'block' },
    {
      id: 'launder',
      pattern: '洗钱',
      category: 'fraud',
      action: 'block',
      allow: ['洗钱包'],
    },
    { id: 'bet', pattern: '赌', category: 'gambling', action: 'review', allow: ['赌上'] },
  ]);
  const rules = (t: string) => words.screen(t).matches.map((m) => [m.rule, m.matched]);

  it('a number is no leetspeak word: a term with letters needs a letter in the text', () => {
    expect(rules('The total was 455 dollars')).toEqual([]);
    expect(rules('version 4.5.5 released')).toEqual([]);
    expect(rules('call 5107 now, IP 5.1.0.7')).toEqual([]);
    expect(rules('４５５')).toEqual([]);
    // Leetspeak with a letter left is still found, and so is a term written with digits of its own.
    expect(rules('kick 4ss')).toEqual([['ass', '4ss']]);
    expect(rules('a$$ and 5l0t')).toEqual([
      ['ass', 'a$$'],
      ['slot', '5l0t'],
    ]);
    expect(rules('rated 7 stars')).toEqual([['seven', '7 stars']]);
  });

  it('an allowed word vetoes a match only where it is written as one word', () => {
    expect(rules('买个洗钱包')).toEqual([]);
    expect(rules('帮你洗钱 包你满意')).toEqual([['launder', '洗钱']]);
    expect(rules('洗钱.包赚')).toEqual([['launder', '洗钱']]);
    expect(rules('洗钱 🔥 包')).toEqual([['launder', '洗钱']]);
    expect(rules('赌上一切')).toEqual([]);
    expect(rules('来赌 上海')).toEqual([['bet', '赌']]);
  });
});

describe('the words of a Latin term', () => {
  const terms = compileRules([
    { id: 'free', pattern: 'free money', category: 'spam', action: 'block' },
    { id: 'click', pattern: 'click here', category: 'spam', action: 'block' },
    { id: 'chat', pattern: 'sex chat', category: 'obscenity-violence', action: 'block' },
  ]);
  const rules = (t: string) => terms.screen(t).matches.map((m) => [m.rule, m.matched]);

  it('are not joined across the end of a sentence', () => {
    expect(rules('Entry is free. Money raised goes to charity.')).toEqual([]);
    expect(rules('Click. Here we go.')).toEqual([]);
    expect(rules('Sex? Chat with your doctor.')).toEqual([]);
    expect(rules('It is free, money back if not.')).toEqual([]);
  });

  it('are joined across a line break, and across separators that hide them', () => {
    expect(rules('free\nmoney')).toEqual([['free', 'free\nmoney']]);
    expect(rules('CLICK\r\nHERE')).toEqual([['click', 'CLICK\r\nHERE']]);
    expect(rules('free.money')).toEqual([['free', 'free.money']]);
    expect(rules('free - money')).toEqual([['free', 'free - money']]);
    expect(rules('f.r.e.e. m.o.n.e.y')).toEqual([['free', 'f.r.e.e. m.o.n.e.y']]);
  });
});

describe('word edges beyond ASCII', () => {
  const terms = compileRules(
    ['meth', 'casino', 'sex', 'ration', 'cafe', 'ash', 'nance', 'balls', 'spa', 'heroin'].map((t) => ({
      id: t,
      pattern: t,
      category: 'other',
      action: 'block' as const,
    })),
  );
  const rules = (t: string) => terms.screen(t).matches.map((m) => [m.rule, m.matched]);

  it.each([
    '𝐒𝐨𝐦𝐞𝐭𝐡𝐢𝐧𝐠 else', // styled letters around the term
    '𝐜𝐚𝐬𝐢𝐧𝐨𝐬',
    'Sus\u00adsex', // a soft hyphen or a zero-width space inside a word
    'Es\u200bsex',
    'sex\u00adual',
    'Libe\u0301ration', // a decomposed accent
    'cafe\u0301s',
    'ﬂash sale', // ligatures
    'ﬁnance',
    'Fußballs', // letters with no ASCII form
    'Spaß haben',
    'Großcasino',
  ])('finds no term inside a word written with non-ASCII letters: %j', (text) => {
    expect(rules(text)).toEqual([]);
  });

  it('still finds the term as a word of its own', () => {
    expect(rules('𝐜𝐚𝐬𝐢𝐧𝐨 tonight')).toEqual([['casino', '𝐜𝐚𝐬𝐢𝐧𝐨']]);
    expect(rules('get heroin\u0301')).toEqual([['heroin', 'heroin']]);
    expect(rules('我在casino玩')).toEqual([['casino', 'casino']]);
    expect(rules('\u200bcasino!')).toEqual([['casino', 'casino']]);
    expect(rules('ca\u200bsino')).toEqual([['casino', 'ca\u200bsino']]);
    expect(rules('Olé casino')).toEqual([['casino', 'casino']]);
    expect(rules('Straße: casino')).toEqual([['casino', 'casino']]);
  });
});

describe('rule validation', () => {
  it('names the rule id and the field', () => {
    const issues = validateRules([
      { id: 'a', pattern: '赌博', category: 'gambling', action: 'deny' },
      { id: 'a', pattern: '', category: 'bad category!', action: 'block' },
      { id: 'r', pattern: '(unclosed', category: 'spam', action: 'flag', type: 'regex' },
      { id: 'e', pattern: 'x*', category: 'spam', action: 'flag', type: 'regex' },
      { id: 't', pattern: 'x', category: 'spam', action: 'flag', type: 'glob' },
      { id: 'l', pattern: 'x', category: 'spam', action: 'flag', allow: [''] },
      'not a rule',
    ]);
    const by = issues.map((i) => `${i.ruleId}.${i.field}`);
    expect(by).toEqual([
      'a.action',
      'a.id',
      'a.category',
      'a.pattern',
      'r.pattern',
      'e.pattern',
      't.type',
      'l.allow',
      '#7.rule',
    ]);
    expect(issues[0].message).toBe('must be one of block, review, flag (got "deny")');
    expect(issues.find((i) => i.ruleId === 'e')!.message).toMatch(/empty string/);
  });

  it('compileRules throws one error listing every problem', () => {
    try {
      compileRules([
        { id: 'ok', pattern: '赌博', category: 'gambling', action: 'block' },
        { id: 'bad', pattern: '赌博', category: 'gambling', action: 'stop' as never },
        { id: 'empty', pattern: '!!!', category: 'spam', action: 'flag' },
      ]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RuleValidationError);
      expect((e as Error).message).toMatch(/rule "bad" \(#2\), field "action"/);
    }
    expect(() => compileRules([{ id: 'empty', pattern: '!!!', category: 'spam', action: 'flag' }])).toThrow(
      /rule "empty".*field "pattern".*no letters/,
    );
  });

  it('default categories are the nine kinds of ICP Measures 15 plus four more, labelled in both languages', () => {
    expect(DEFAULT_CATEGORIES.filter((c) => c.source.startsWith('ICP Measures 15('))).toHaveLength(10);
    expect(DEFAULT_CATEGORIES.slice(0, 9).every((c) => c.source.startsWith('ICP Measures 15('))).toBe(true);
    for (const c of DEFAULT_CATEGORIES) expect(c.zh && c.en).toBeTruthy();
    expect(DEFAULT_CATEGORIES.map((c) => c.id)).toEqual(
      expect.arrayContaining(['other', 'personal-information-trading', 'fraud', 'gambling', 'spam']),
    );
  });
});
