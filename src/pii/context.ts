import { TYPE_BIT } from './pii-types.js';
import type { PiiType } from './types.js';

// Words that, shortly before a candidate, make it more (positive) or less (negative) likely to be personal
// information. Lower-case; matched against the lower-cased window.
const POSITIVE: Record<PiiType, readonly string[]> = {
  CN_RESIDENT_ID: [
    '身份证',
    '证件号',
    '身份号码',
    '公民身份',
    '居住证',
    'id card',
    'id no',
    'idcard',
    'identity',
    'id number',
    'id:',
  ],
  PHONE_NUMBER: [
    '手机',
    '电话',
    '联系方式',
    '致电',
    '来电',
    '座机',
    '传真',
    '热线',
    'tel',
    'phone',
    'mobile',
    'call',
    'cell',
    'fax',
    'whatsapp',
  ],
  EMAIL_ADDRESS: ['邮箱', '邮件', 'email', 'e-mail', 'mail'],
  BANK_CARD: [
    '银行卡',
    '卡号',
    '账号',
    '帐号',
    '账户',
    '借记卡',
    '信用卡',
    '储蓄卡',
    '开户',
    '收款',
    'card',
    'account',
    'acct',
  ],
  CN_USCC: ['统一社会信用代码', '信用代码', '营业执照', '税号', 'uscc', 'credit code', 'tax id'],
  IP_ADDRESS: ['ip', '登录', '来源', '服务器', '主机', 'host', 'server', 'client', 'remote'],
  PASSPORT: ['护照', 'passport'],
  CN_HMT_PERMIT: [
    '回乡证',
    '通行证',
    '台胞证',
    '来往内地',
    '来往大陆',
    'home return',
    'home-return',
    'mtp',
    'permit',
  ],
  LICENSE_PLATE: ['车牌', '号牌', '车辆', 'plate', 'vehicle'],
  PERSON_NAME: ['姓名', 'name'],
  ADDRESS: ['地址', '住址', '住在', 'address'],
  BIRTH_DATE: ['出生', '生日', '出生日期', 'dob', 'd.o.b', 'born', 'birth'],
  GEO_COORDINATES: [
    '经纬度',
    '坐标',
    '定位',
    '位置',
    '经度',
    '纬度',
    'gps',
    'lat',
    'lng',
    'lon',
    'coordinates',
    'location',
  ],
};

const NEGATIVE_COMMON = [
  '订单',
  '单号',
  '流水号',
  '交易号',
  '运单',
  '快递',
  '发票',
  '批次',
  '编码',
  '序列号',
  '编号',
  'order',
  'tracking',
  'invoice',
  'serial',
  'sku',
  'transaction',
  'ref no',
  'reference',
];
const NEGATIVE: Partial<Record<PiiType, readonly string[]>> = {
  IP_ADDRESS: ['版本', 'version', ' v'],
  GEO_COORDINATES: ['价格', '金额', '元', 'price', 'amount'],
};

// Index of every context word by its first character; each entry says for which types it is positive or negative.
interface Entry {
  word: string;
  pos: number;
  neg: number;
}
const TYPES = Object.keys(POSITIVE) as PiiType[];
const BY_FIRST = new Map<number, Entry[]>();
const BY_CODE: (Entry[] | undefined)[] = [];
/** Per character (either ASCII case): the types for which some context word starts with it. */
const FIRST = new Uint16Array(65536);
/** Per hashed pair of first two characters (lower case): the types for which some context word starts so. */
const PAIR = new Uint16Array(65536);
/** Per character (lower case): the types for which that character alone is a context word (元). */
const SINGLE = new Uint16Array(65536);

const pairKey = (a: number, b: number): number => ((a << 5) ^ b) & 0xffff;

function add(word: string, pos: number, neg: number): void {
  const c = word.charCodeAt(0);
  FIRST[c] |= pos | neg;
  if (c >= 97 && c <= 122) FIRST[c - 32] |= pos | neg;
  if (word.length === 1) SINGLE[c] |= pos | neg;
  else PAIR[pairKey(c, word.charCodeAt(1))] |= pos | neg;
  const list = BY_FIRST.get(c) ?? [];
  const e = list.find((x) => x.word === word);
  if (e) {
    e.pos |= pos;
    e.neg |= neg;
  } else list.push({ word, pos, neg });
  BY_FIRST.set(c, list);
}
for (const t of TYPES) {
  for (const w of POSITIVE[t]) add(w, TYPE_BIT[t], 0);
  for (const w of NEGATIVE[t] ?? []) add(w, 0, TYPE_BIT[t]);
}
for (const w of NEGATIVE_COMMON) add(w, 0, 0x1fff);
for (const [c, list] of BY_FIRST) {
  list.sort((a, b) => b.word.length - a.word.length);
  BY_CODE[c] = list;
}

/** ASCII-case-insensitive comparison of `word` (lower case) at `p`, ending by `limit`. */
function wordAt(text: string, p: number, word: string, limit: number): boolean {
  if (p + word.length > limit) return false;
  for (let k = 1; k < word.length; k++) {
    let c = text.charCodeAt(p + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * +1 when the nearest context word before `start` is positive for the type whose bit (TYPE_BIT) is `bit`, −1 when
 * negative, 0 when none.
 * Walks the window backwards by character code, so the nearest word is found first.
 */
export function contextPolarity(text: string, start: number, bit: number, window: number): number {
  const from = start - window > 0 ? start - window : 0;
  for (let p = start - 1; p >= from; p--) {
    let c = text.charCodeAt(p);
    if ((FIRST[c] & bit) === 0) continue;
    if (c >= 65 && c <= 90) c += 32;
    // most first-character hits are ordinary letters: the pair table rules them out before the word list
    if ((SINGLE[c] & bit) === 0) {
      if (p + 1 >= start) continue;
      let d = text.charCodeAt(p + 1);
      if (d >= 65 && d <= 90) d += 32;
      if ((PAIR[pairKey(c, d)] & bit) === 0) continue;
    }
    const list = BY_CODE[c]!;
    for (let k = 0; k < list.length; k++) {
      const e = list[k];
      if ((e.pos | e.neg) & bit && wordAt(text, p, e.word, start)) return e.pos & bit ? 1 : -1;
    }
  }
  return 0;
}

/** Applies context to a base score: positive context closes 60 % of the gap to 1, negative subtracts 0.35. */
export function adjustScore(base: number, polarity: number): number {
  if (polarity > 0) return base + (1 - base) * 0.6;
  if (polarity < 0) return base - 0.35;
  return base;
}
