import { markTriggers } from '../char-class.js';
import type { ScanState } from '../scan-state.js';
import { matchAddressAfterLabel, matchAddressAt, matchAddressFromAnchor } from './address.js';
import { matchNameAfterLabel } from './name.js';

type Kind = 'name' | 'address' | 'province';

const WORDS: [string, Kind][] = [
  ...(
    [
      '姓名',
      '联系人',
      '收件人',
      '收货人',
      '寄件人',
      '客户姓名',
      '客户',
      '持卡人',
      '户名',
      '申请人',
      '法定代表人',
      '法人',
      '患者',
      '乘客',
      '乘车人',
      '经办人',
      '负责人',
      '签收人',
      '监护人',
      '开户名',
      '真实姓名',
    ] as const
  ).map((w): [string, Kind] => [w, 'name']),
  ...(
    [
      '地址',
      '住址',
      '收货地址',
      '收件地址',
      '家庭住址',
      '家住',
      '住在',
      '居住地',
      '居住在',
      '现住址',
      '送货地址',
      '寄往',
      '寄到',
      '送至',
      '户籍地址',
      '户籍所在地',
      '通讯地址',
      '联系地址',
      '注册地址',
      '办公地址',
      '详细地址',
      '位于',
    ] as const
  ).map((w): [string, Kind] => [w, 'address']),
  ...(
    [
      '北京',
      '天津',
      '上海',
      '重庆',
      '河北省',
      '山西省',
      '辽宁省',
      '吉林省',
      '黑龙江省',
      '江苏省',
      '浙江省',
      '安徽省',
      '福建省',
      '江西省',
      '山东省',
      '河南省',
      '湖北省',
      '湖南省',
      '广东省',
      '海南省',
      '四川省',
      '贵州省',
      '云南省',
      '陕西省',
      '甘肃省',
      '青海省',
      '台湾省',
      '内蒙古',
      '广西',
      '西藏',
      '宁夏',
      '新疆',
    ] as const
  ).map((w): [string, Kind] => [w, 'province']),
];

// first character → words, longest first so that 收货地址 wins over 收货人 prefixes
const BY_FIRST = new Map<number, [string, Kind][]>();
for (const entry of WORDS) {
  const c = entry[0].charCodeAt(0);
  const list = BY_FIRST.get(c) ?? [];
  list.push(entry);
  list.sort((a, b) => b[0].length - a[0].length);
  BY_FIRST.set(c, list);
}
const BY_CODE: ([string, Kind][] | undefined)[] = [];
for (const [c, list] of BY_FIRST) BY_CODE[c] = list;
const ANCHOR_SHI = 0x5e02; // 市
const ANCHOR_QU = 0x533a; // 区
const ANCHOR_XIAN = 0x53bf; // 县
markTriggers(WORDS.map((w) => w[0]));
markTriggers(['市', '区', '县']);

/** Called at a CJK trigger character: label words, province names, address anchors. */
export function onTrigger(st: ScanState, i: number): number {
  const t = st.text;
  const c = t.charCodeAt(i);
  const list = BY_CODE[c];
  if (list) {
    for (let k = 0; k < list.length; k++) {
      const word = list[k][0];
      if (!t.startsWith(word, i)) continue;
      const kind = list[k][1];
      const after = i + word.length;
      if (kind === 'name') {
        if (st.wants('PERSON_NAME')) {
          const e = matchNameAfterLabel(st, after, false);
          if (e > 0) return e;
        }
      } else if (kind === 'address') {
        if (st.wants('ADDRESS')) {
          const e = matchAddressAfterLabel(st, after);
          if (e > 0) return e;
        }
      } else if (st.wants('ADDRESS')) {
        const e = matchAddressAt(st, i, false);
        if (e > 0) return e;
      }
      break;
    }
  }
  if ((c === ANCHOR_SHI || c === ANCHOR_QU || c === ANCHOR_XIAN) && st.wants('ADDRESS'))
    return matchAddressFromAnchor(st, i);
  return -1;
}
