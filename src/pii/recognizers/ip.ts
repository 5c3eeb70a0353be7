import { codeAt } from '../char-class.js';
import type { ScanState } from '../scan-state.js';
import { matchIpv4At, matchIpv6At } from '../validators/network.js';
import { isAlnumAt, isDigitAt } from './digits.js';

/** IPv4 at `i`; rejects version-like runs (a fifth ".n") and octets out of range. */
export function matchIpv4(st: ScanState, i: number): number {
  const t = st.text;
  if (i > 0 && t.charCodeAt(i - 1) === 46) return -1;
  const end = matchIpv4At(t, i);
  if (end < 0 || isAlnumAt(t, end) || (codeAt(t, end) === 46 && isDigitAt(t, end + 1))) return -1;
  st.emit('IP_ADDRESS', i, end, 0.8, true);
  return end;
}

/** IPv6 at `i` (a hex group or "::"); needs a digit somewhere or all 8 groups, so "abc::def" is ignored. */
export function matchIpv6(st: ScanState, i: number): number {
  const t = st.text;
  if (i > 0 && (isAlnumAt(t, i - 1) || t.charCodeAt(i - 1) === 58)) return -1;
  const end = matchIpv6At(t, i);
  if (end < 0 || isAlnumAt(t, end) || codeAt(t, end) === 58) return -1;
  const s = t.slice(i, end);
  if (!/\d/.test(s) && s.split(':').length < 8) return -1;
  if (end - i < 3) return -1;
  st.emit('IP_ADDRESS', i, end, 0.8, true);
  return end;
}
