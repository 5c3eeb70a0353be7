import { codeAt } from '../char-class.js';
import type { ScanState } from '../scan-state.js';
import { isAlnumAt } from './digits.js';

// GA 36-2018: city letter, then 5 characters (ordinary) or 6 (new energy, D/F first or last); no I or O.
function isPlateChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90 && c !== 73 && c !== 79);
}

/** A licence plate starting at the province abbreviation at `i`: 京A12345, 粤B·D12345, 沪A 12345. */
export function matchPlate(st: ScanState, i: number): number {
  if (!st.wants('LICENSE_PLATE')) return -1;
  const t = st.text;
  let p = i + 1;
  const city = codeAt(t, p);
  if (city < 65 || city > 90) return -1;
  p++;
  const sep = codeAt(t, p);
  if (sep === 0xb7 || sep === 0x2022 || sep === 0x30fb || sep === 32) p++;
  const s = p;
  let digits = 0;
  while (p < t.length && p - s < 7 && isPlateChar(t.charCodeAt(p))) {
    if (t.charCodeAt(p) <= 57) digits++;
    p++;
  }
  const len = p - s;
  if (isAlnumAt(t, p)) return -1;
  if (len === 6) {
    const a = t.charCodeAt(s);
    const z = t.charCodeAt(p - 1);
    if (!(a === 68 || a === 70 || z === 68 || z === 70)) return -1;
  } else if (len !== 5) return -1;
  // a real plate carries at least three digits
  if (digits < 3) return -1;
  st.emit('LICENSE_PLATE', i, p, 0.8, true);
  return p;
}
