import { codeAt, isCjkCode } from '../char-class.js';
import type { ScanState } from '../scan-state.js';
import { skipLabelSeparators } from './name.js';

const C = '[\\u4e00-\\u9fa5]';
// GB/T 2260 levels, then road + number, estate, building / unit / room.
const ADDRESS = new RegExp(
  `(?:((?:北京|天津|上海|重庆)市?)|(${C}{2,3}?(?:省|自治区)|内蒙古|广西|西藏|宁夏|新疆))?` +
    `(${C}{2,6}?(?:市|自治州|地区|盟))?` +
    `(${C}{1,6}?(?:区|县|旗|市))?` +
    `(${C}{1,6}?(?:镇|乡|街道))?` +
    `([\\u4e00-\\u9fa5A-Za-z0-9]{1,12}?(?:大街|大道|路|街|巷|弄|胡同|道)(?:[一二三四五六七八九十东西南北中]{1,2}段)?(?:[0-9]{1,5}|[一二三四五六七八九十百]{1,4})(?:-[0-9]{1,4})?号院?)?` +
    `(${C}{2,10}?(?:小区|花园|大厦|公寓|广场|家园|新村|苑|中心))?` +
    `((?:[0-9A-Za-z]{1,4}(?:号楼|栋|幢|座))?(?:[0-9]{1,3}单元)?(?:[0-9]{1,5}(?:室|房|层|楼))?)`,
  'y',
);

const STOP_BEFORE = new Set([...'在于到至往址是的和与及从去来住：:，,。；;、'].map((c) => c.charCodeAt(0)));

/**
 * A Chinese address at `p`. Without context it needs an administrative unit and a road with a number
 * (or an estate with a building); after a label such as 地址 two parts suffice.
 */
export function matchAddressAt(st: ScanState, p: number, labelled: boolean): number {
  const t = st.text;
  ADDRESS.lastIndex = p;
  const m = ADDRESS.exec(t);
  if (!m || m[0].length === 0) return -1;
  const admin = !!(m[1] || m[2] || m[3] || m[4] || m[5]);
  const road = !!m[6];
  const building = !!m[7] && !!m[8];
  let parts = 0;
  for (let k = 1; k <= 8; k++) if (m[k]) parts++;
  const ok = labelled ? road || parts >= 2 : admin && (road || building);
  if (!ok) return -1;
  const end = p + m[0].length;
  st.emit('ADDRESS', p, end, 0.75, false, labelled ? 1 : 0);
  return end;
}

/** After an address label (地址：…). */
export function matchAddressAfterLabel(st: ScanState, p: number): number {
  const q = skipLabelSeparators(st.text, p);
  if (!isCjkCode(codeAt(st.text, q))) return -1;
  return matchAddressAt(st, q, true);
}

/** From an anchor (市/区/县 at `i`), step back over the place name (up to 4 characters) and try there. */
export function matchAddressFromAnchor(st: ScanState, i: number): number {
  const t = st.text;
  let s = i;
  while (s > st.fence && i - s < 4) {
    const c = t.charCodeAt(s - 1);
    if (!isCjkCode(c) || STOP_BEFORE.has(c)) break;
    s--;
  }
  if (s === i) return -1;
  return matchAddressAt(st, s, false);
}

const EN_ADDRESS_END = /[\n\r;|\t]/;

/** An English-style address after "Address:", up to the end of the line (at most 100 characters). */
export function matchEnglishAddress(st: ScanState, p: number): number {
  const t = st.text;
  const q = skipLabelSeparators(t, p);
  if (q === p) return -1;
  if (isCjkCode(codeAt(t, q))) return matchAddressAt(st, q, true);
  let end = q;
  const limit = Math.min(st.n, q + 100);
  while (end < limit && !EN_ADDRESS_END.test(t[end])) end++;
  while (end > q && /[\s.,]/.test(t[end - 1])) end--;
  if (end - q < 8 || !/\d/.test(t.slice(q, end))) return -1;
  st.emit('ADDRESS', q, end, 0.7, false, 1);
  return end;
}
