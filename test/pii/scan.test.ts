import { describe, expect, it } from 'vitest';
import { redact, scan, type PiiType } from '../../src/pii/index.js';

/** [type, text] pairs found in `s`. */
const found = (s: string, opts?: Parameters<typeof scan>[1]) => scan(s, opts).map((f) => [f.type, f.text]);
const types = (s: string) => scan(s).map((f) => f.type);

describe('scan: resident ID', () => {
  it('finds 18-digit, X-ending, grouped and legacy IDs', () => {
    expect(found('身份证11010519491231002X')).toEqual([['CN_RESIDENT_ID', '11010519491231002X']]);
    expect(found('id 440524188001010014.')).toEqual([['CN_RESIDENT_ID', '440524188001010014']]);
    expect(found('证件 110105 19491231 002X 已核验')).toEqual([['CN_RESIDENT_ID', '110105 19491231 002X']]);
    expect(found('身份证 110105491231002')).toEqual([['CN_RESIDENT_ID', '110105491231002']]);
  });
  it('ignores wrong check characters, impossible dates and IDs inside longer runs', () => {
    expect(types('订单号 110105194912310021')).toEqual([]);
    expect(types('编号 110105199002301236')).toEqual([]);
    expect(types('流水 911010519491231002X')).toEqual([]);
    expect(types('a11010519491231002X')).toEqual([]);
  });
  it('scores lower next to an order number label', () => {
    const [withId] = scan('身份证 11010519491231002X');
    const [withOrder] = scan('订单号 11010519491231002X');
    expect(withId.score).toBeGreaterThan(withOrder.score);
  });
});

describe('scan: phone numbers', () => {
  it.each([
    ['13800138000'],
    ['138-0013-8000'],
    ['138 0013 8000'],
    ['+86 138 0013 8000'],
    ['+8613800138000'],
    ['(+86)13800138000'],
    ['86-13800138000'],
    ['+86-138-0013-8000'],
    ['010-12345678'],
    ['0755-1234567'],
    ['(021)12345678'],
    ['021 6888 1234'],
    ['+1 415 555 2671'],
    ['+44 20 7946 0958'],
  ])('finds %s', (value) => {
    expect(found(`电话：${value}。`)).toEqual([['PHONE_NUMBER', value]]);
  });
  it('ignores 11 digits without a mobile prefix and digits inside longer runs', () => {
    expect(types('会员 12345678901')).toEqual([]);
    expect(types('流水号 2018138001380001234')).toEqual([]);
    expect(types('x13800138000')).toEqual([]);
    expect(types('+999 12')).toEqual([]);
  });
});

describe('scan: e-mail, cards, USCC, IP', () => {
  it('e-mail', () => {
    expect(found('邮箱zhang.san@example.com.cn。')).toEqual([['EMAIL_ADDRESS', 'zhang.san@example.com.cn']]);
    expect(found('mail 13800138000@qq.com')).toEqual([['EMAIL_ADDRESS', '13800138000@qq.com']]);
    expect(found('end a.b+c@sub.example.org.')).toEqual([['EMAIL_ADDRESS', 'a.b+c@sub.example.org']]);
    expect(types('user@localhost and @foo and a@b')).toEqual([]);
  });
  it('bank cards with Luhn, grouped or not, prefix raising the score', () => {
    expect(found('卡号 6222 0212 3456 7890 128')).toEqual([['BANK_CARD', '6222 0212 3456 7890 128']]);
    expect(found('card 4111-1111-1111-1111')).toEqual([['BANK_CARD', '4111-1111-1111-1111']]);
    expect(types('卡号 6222021234567890127')).toEqual([]);
    const [union] = scan('x 6222021234567890128');
    expect(union.score).toBeGreaterThanOrEqual(0.75);
    // Luhn-valid without issuer prefix: only with context
    expect(types('x 9999999999999995')).toEqual([]);
    expect(types('银行卡 9999999999999995')).toEqual(['BANK_CARD']);
  });
  it('USCC', () => {
    expect(found('信用代码 91350100M000100Y43；')).toEqual([['CN_USCC', '91350100M000100Y43']]);
    expect(types('信用代码 91350100M000100Y44')).toEqual([]);
  });
  it('IP addresses', () => {
    expect(found('from 192.168.1.1, 2001:db8::8a2e:370:7334 and ::1')).toEqual([
      ['IP_ADDRESS', '192.168.1.1'],
      ['IP_ADDRESS', '2001:db8::8a2e:370:7334'],
      ['IP_ADDRESS', '::1'],
    ]);
    expect(types('v 1.2.3.4.5, 256.1.1.1, 12:30:45, std::vector, abc::def')).toEqual([]);
  });
});

describe('scan: documents, plates, names, addresses, dates, coordinates', () => {
  it('passports and permits', () => {
    expect(found('护照 E12345678，EA1234567，MA1234567')).toEqual([
      ['PASSPORT', 'E12345678'],
      ['PASSPORT', 'EA1234567'],
      ['PASSPORT', 'MA1234567'],
    ]);
    expect(found('回乡证 H1234567801')).toEqual([['CN_HMT_PERMIT', 'H1234567801']]);
    expect(found('台胞证 12345678')).toEqual([['CN_HMT_PERMIT', '12345678']]);
    expect(types('共 12345678 次')).toEqual([]);
    // without context: reported, at a lower score
    expect(scan('E12345678')[0].score).toBeLessThan(scan('护照 E12345678')[0].score);
  });
  it('licence plates', () => {
    expect(found('车牌京A12345，粤B·D12345，沪A 88888，苏EF12345')).toEqual([
      ['LICENSE_PLATE', '京A12345'],
      ['LICENSE_PLATE', '粤B·D12345'],
      ['LICENSE_PLATE', '沪A 88888'],
      ['LICENSE_PLATE', '苏EF12345'],
    ]);
    expect(types('京ABCDEF 京A1234567 京a12345')).toEqual([]);
  });
  it('person names after a label', () => {
    expect(found('姓名：张三，性别男')).toEqual([['PERSON_NAME', '张三']]);
    expect(found('收件人欧阳娜娜电话')).toEqual([['PERSON_NAME', '欧阳娜娜']]);
    expect(found('联系人：王小明先生')).toEqual([['PERSON_NAME', '王小明']]);
    expect(found('Name: John Smith, age 30')).toEqual([['PERSON_NAME', 'John Smith']]);
    expect(types('联系人电话')).toEqual([]);
    expect(types('张三说今天下雨')).toEqual([]);
  });
  it('Chinese addresses', () => {
    expect(found('地址：北京市海淀区中关村大街27号3单元501室，')).toEqual([
      ['ADDRESS', '北京市海淀区中关村大街27号3单元501室'],
    ]);
    expect(found('我住在深圳市南山区科技园路1号。')).toEqual([['ADDRESS', '深圳市南山区科技园路1号']]);
    expect(found('广东省广州市天河区天河路385号')).toEqual([['ADDRESS', '广东省广州市天河区天河路385号']]);
    expect(types('市场部在科技路1号开会')).toEqual([]);
  });
  it('birth dates only with context', () => {
    expect(found('出生日期：1985年3月12日')).toEqual([['BIRTH_DATE', '1985年3月12日']]);
    expect(found('DOB 1990-01-02')).toEqual([['BIRTH_DATE', '1990-01-02']]);
    expect(found('born Jan 2, 1990')).toEqual([['BIRTH_DATE', 'Jan 2, 1990']]);
    expect(found('生日 19900102')).toEqual([['BIRTH_DATE', '19900102']]);
    expect(types('会议 1990-01-02')).toEqual([]);
    expect(types('出生 1990-02-30')).toEqual([]);
  });
  it('coordinates with valid ranges', () => {
    expect(found('位置 39.9042, 116.4074')).toEqual([['GEO_COORDINATES', '39.9042, 116.4074']]);
    expect(found('at -33.8688,151.2093')).toEqual([['GEO_COORDINATES', '-33.8688,151.2093']]);
    expect(types('at 95.1234, 200.1234')).toEqual([]);
    expect(types('价格 12.50, 13.99')).toEqual([]);
  });
});

describe('scan: offsets, overlaps, options', () => {
  it('gives UTF-16 offsets after CJK and emoji', () => {
    const text = '😀😀用户🙏：手机13800138000，邮箱 a@b.cn';
    for (const f of scan(text)) expect(text.slice(f.start, f.end)).toBe(f.text);
    const phone = scan(text).find((f) => f.type === 'PHONE_NUMBER')!;
    expect(phone.start).toBe('😀😀用户🙏：手机'.length);
    expect(phone.start).toBe(11);
  });
  it('returns non-overlapping findings in order', () => {
    const fs = scan('联系人：张三，手机 138 0013 8000，身份证 11010519491231002X，邮箱 13800138000@qq.com');
    for (let k = 1; k < fs.length; k++) expect(fs[k].start).toBeGreaterThanOrEqual(fs[k - 1].end);
    expect(fs.map((f) => f.type)).toEqual(['PERSON_NAME', 'PHONE_NUMBER', 'CN_RESIDENT_ID', 'EMAIL_ADDRESS']);
  });
  it('restricts types and score', () => {
    const text = '手机13800138000 邮箱 a@b.cn';
    expect(scan(text, { types: ['EMAIL_ADDRESS'] }).map((f) => f.type)).toEqual(['EMAIL_ADDRESS']);
    expect(scan(text, { minScore: 0.97 }).map((f) => f.type)).toEqual(['EMAIL_ADDRESS']);
  });
  it('marks validated findings', () => {
    const byType = new Map(
      scan('护照 E12345678 手机 13800138000').map((f) => [f.type, f.validated] as [PiiType, boolean]),
    );
    expect(byType.get('PASSPORT')).toBe(false);
    expect(byType.get('PHONE_NUMBER')).toBe(true);
  });
  it('handles empty and plain text', () => {
    expect(scan('')).toEqual([]);
    expect(scan('The quick brown fox 123 jumps 😀 今天天气很好。')).toEqual([]);
  });
});

describe('scan: full-width forms', () => {
  // Chinese input methods in full-width mode type digits, letters and @ as U+FF10–FF5A; each is one UTF-16
  // unit, so offsets are those of the original text and `text` is the original.
  const wide = (s: string) =>
    s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');

  it('finds phones, resident IDs, e-mail and grouped bank cards typed full-width, at their original offsets', () => {
    const text = `手机：${wide('138-0013-8000')}，身份证 ${wide('11010519491231002X')}，邮箱 ${wide('li.ming@example.com')}，卡号 ${wide('6222 0212 3456 7890 128')}。`;
    const fs = scan(text);
    expect(fs.map((f) => [f.type, f.text, f.validated])).toEqual([
      ['PHONE_NUMBER', wide('138-0013-8000'), true],
      ['CN_RESIDENT_ID', wide('11010519491231002X'), true],
      ['EMAIL_ADDRESS', wide('li.ming@example.com'), true],
      ['BANK_CARD', wide('6222 0212 3456 7890 128'), true],
    ]);
    for (const f of fs) expect(text.slice(f.start, f.end)).toBe(f.text);
  });

  it('redacts them in the original text and keeps the CJK punctuation around them', () => {
    expect(redact(`电话：${wide('13800138000')}；谢谢`).text).toBe('电话：<PHONE_NUMBER>；谢谢');
  });

  it('still checks what it folds: a wrong check character or an impossible date is no ID', () => {
    expect(types(`身份证 ${wide('110105194912310021')}`)).toEqual([]);
    expect(types(`编号 ${wide('12345')} 和全角字母 ＡＢＣ`)).toEqual([]);
  });
});
