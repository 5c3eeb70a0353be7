import { describe, expect, it } from 'vitest';
import { compileRules, type Rule } from '../../src/screening/index.js';

// Every example in docs/screening.md, so the page stays true.
const rule = (id: string, pattern: string, extra: Partial<Rule> = {}): Rule => ({
  id,
  pattern,
  category: 'other',
  action: 'block',
  ...extra,
});
const set = compileRules([
  rule('casino', 'casino'),
  rule('gamble', '赌博'),
  rule('free', 'free money'),
  rule('pills', 'cheap pills'),
  rule('deal', 'deal'),
  rule('ass', 'ass'),
  rule('slot', 'slot'),
  rule('seven', '7 stars'),
  rule('nance', 'nance'),
  rule('meth', 'meth'),
  rule('ration', 'ration'),
  rule('launder', '洗钱', { allow: ['洗钱包'] }),
  rule('bet', '赌', { allow: ['赌气', '打赌'] }),
  rule('ice', '冰毒'),
]);
const has = (text: string, id: string, s = set) => s.screen(text).matches.some((m) => m.rule === id);

describe('docs/screening.md', () => {
  it.each([
    ['𝐜𝐚𝐬𝐢𝐧𝐨', 'casino'],
    ['ＣＡＳＩＮＯ', 'casino'],
    ['CaSiNo', 'casino'],
    ['賭博', 'gamble'],
    ['赌 博', 'gamble'],
    ['赌\u200b博', 'gamble'],
    ['c.a.s.i.n.o', 'casino'],
    ['саsinо', 'casino'],
    ['cäsíno', 'casino'],
    ['c4s1n0', 'casino'],
    ['ca$ino', 'casino'],
    ['赌bo', 'gamble'],
    ['du博', 'gamble'],
    ['赌赌赌博', 'gamble'],
    ['caaasino', 'casino'],
    ['我在casino玩', 'casino'],
    ['f.r.e.e money', 'free'],
    ['f r e e money', 'free'],
    ['free - money', 'free'],
    ['free.money', 'free'],
    ['free\nmoney', 'free'],
    ['cheap pills', 'pills'],
    ['said deal', 'deal'],
    ['4ss', 'ass'],
    ['5l0t', 'slot'],
    ['7 stars', 'seven'],
    ['赌 b.o', 'gamble'],
    ['冰𝐝𝐮', 'ice'],
    ['帮你洗钱 包你满意', 'launder'],
  ])('%j has %s', (text, id) => expect(has(text, id)).toBe(true));

  it.each([
    ['Großcasino', 'casino'],
    ['𝐒𝐨𝐦𝐞𝐭𝐡𝐢𝐧𝐠', 'meth'],
    ['ﬁnance', 'nance'],
    ['Libération', 'ration'],
    ['fr.ee money', 'free'],
    ['of reel money', 'free'],
    ['Entry is free. Money raised', 'free'],
    ['455', 'ass'],
    ['5107', 'slot'],
    ['打赌，博士', 'gamble'],
    ['别赌气', 'bet'],
    ['买个洗钱包', 'launder'],
  ])('%j has no %s', (text, id) => expect(has(text, id)).toBe(false));

  it('content types: only the types named, compared without case; untyped text meets every rule', () => {
    const typed = compileRules([rule('nick', '官方客服', { contentTypes: ['nickname'] })]);
    const decision = (text: string, contentType?: string) => typed.screen(text, { contentType }).decision;
    expect(decision('官方客服', 'nickname')).toBe('block');
    expect(decision('官方客服', 'Nickname')).toBe('block');
    expect(decision('联系官方客服', 'post')).toBe('allow');
    expect(decision('官方客服')).toBe('block');
  });

  it('whole-term pinyin only when switched on', () => {
    expect(has('dubo', 'gamble')).toBe(false);
    expect(has('dubo', 'gamble', compileRules([rule('gamble', '赌博')], { pinyinWholeTerm: true }))).toBe(
      true,
    );
  });
});
