import { codeAt } from '../char-class.js';
import type { ScanState } from '../scan-state.js';
import { isAlnumAt } from './digits.js';

function isLocalChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 46 ||
    c === 95 ||
    c === 37 ||
    c === 43 ||
    c === 45
  );
}

function isLabelChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * True when the local-part characters from the alphanumeric run [i, j) lead to an '@' (cheap test before the
 * full match). A search that ends at a character outside local parts is remembered, so that the later runs of
 * a dotted number (1.2.3.4.5) are not searched again.
 */
export function reachesAt(st: ScanState, i: number, j: number): boolean {
  if (j < st.noAtBefore) return false;
  const t = st.text;
  const limit = Math.min(st.n, i + 65);
  for (let p = j; p < limit; p++) {
    const c = t.charCodeAt(p);
    if (c === 64) return p > i;
    if (!isLocalChar(c)) {
      st.noAtBefore = p;
      return false;
    }
  }
  return false;
}

/** An e-mail address whose local part starts at `i`. Returns the end or -1. */
export function matchEmail(st: ScanState, i: number): number {
  const t = st.text;
  const n = t.length;
  let at = i;
  while (at < n && t.charCodeAt(at) !== 64) at++;
  if (t.charCodeAt(at - 1) === 46) return -1;
  // domain: labels separated by dots, last label letters only
  let p = at + 1;
  let labels = 0;
  let end = -1;
  for (;;) {
    const s = p;
    while (p < n && isLabelChar(t.charCodeAt(p))) p++;
    if (p === s || p - s > 63 || t.charCodeAt(s) === 45 || t.charCodeAt(p - 1) === 45) break;
    labels++;
    if (labels >= 2) {
      let tld = true;
      for (let k = s; k < p; k++) if (!isLetter(t.charCodeAt(k))) tld = false;
      if (tld && p - s >= 2) end = p;
    }
    if (codeAt(t, p) !== 46 || !isLabelChar(codeAt(t, p + 1))) break;
    p++;
  }
  if (end < 0 || isAlnumAt(t, end)) return -1;
  st.emit('EMAIL_ADDRESS', i, end, 0.95, true);
  return end;
}
