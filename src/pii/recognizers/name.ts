import { codeAt, isCjkCode } from '../char-class.js';
import type { ScanState } from '../scan-state.js';
import { COMPOUND_SURNAMES, SINGLE_SURNAMES } from './surnames.js';

/** Words that end a name when they follow it ("张三电话…", "李四先生"). */
const FIELD_WORDS = new Set([
  '先生',
  '女士',
  '小姐',
  '老师',
  '同学',
  '电话',
  '手机',
  '地址',
  '身份',
  '性别',
  '年龄',
  '邮箱',
  '住址',
  '出生',
  '联系',
  '民族',
  '籍贯',
  '工作',
  '职业',
  '证件',
  '您好',
  '你好',
  '收件',
  '寄件',
  '等人',
  '银行',
  '卡号',
  '护照',
  '车牌',
  '生日',
]);
/** Characters that do not occur inside a given name in practice. */
const STOP = new Set(
  [...'的是在了和与及或等说男女岁于已将请您你我他她们，。、；：'].map((c) => c.charCodeAt(0)),
);

/** A Chinese name (surname from the table + 1–2 characters) at `p`; returns the end or -1. */
export function matchChineseName(t: string, p: number): number {
  let q: number;
  if (COMPOUND_SURNAMES.has(t.slice(p, p + 2))) q = p + 2;
  else if (SINGLE_SURNAMES.has(t.charCodeAt(p))) q = p + 1;
  else return -1;
  const given = q;
  while (q - given < 2) {
    const c = codeAt(t, q);
    if (!isCjkCode(c) || STOP.has(c) || FIELD_WORDS.has(t.slice(q, q + 2))) break;
    q++;
  }
  return q > given ? q : -1;
}

const EN_PART = "(?:[A-Z][a-z]*(?:['’-][A-Z]?[a-z]+)?|[A-Z]\\.)";
const EN_WORD = new RegExp(`${EN_PART}(?: ${EN_PART}){0,3}`, 'y');

/** An English name (capitalised words) at `p`; returns the end or -1. */
export function matchEnglishName(t: string, p: number): number {
  EN_WORD.lastIndex = p;
  const m = EN_WORD.exec(t);
  return m ? p + m[0].length : -1;
}

/** Skips the separators between a field label and its value: ：: and spaces. */
export function skipLabelSeparators(t: string, p: number): number {
  let k = 0;
  while (k < 4) {
    const c = codeAt(t, p);
    if (c === 0xff1a || c === 58 || c === 32 || c === 0x3000 || c === 9) {
      p++;
      k++;
    } else break;
  }
  return p;
}

/** A name after a label ending at `p` (姓名：, 收件人, Name:). */
export function matchNameAfterLabel(st: ScanState, p: number, english: boolean): number {
  const t = st.text;
  const q = skipLabelSeparators(t, p);
  if (english && q === p) return -1;
  const c = codeAt(t, q);
  const end = isCjkCode(c) ? matchChineseName(t, q) : c >= 65 && c <= 90 ? matchEnglishName(t, q) : -1;
  if (end < 0) return -1;
  st.emit('PERSON_NAME', q, end, 0.85, false, 0);
  return end;
}
