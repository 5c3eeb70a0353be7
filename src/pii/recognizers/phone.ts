import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { codeAt } from '../char-class.js';
import { isMainlandMobile } from '../validators/network.js';
import type { ScanState } from '../scan-state.js';
import { digitEnd, isAlnumAt, isDigitAt, isGroupSep } from './digits.js';

/**
 * A mainland mobile number at `p`: 11 digits, or 3-4-4 / 3-8 groups with one separator kind.
 * Returns the end offset or -1.
 */
export function matchMobileBody(t: string, p: number): number {
  const e1 = digitEnd(t, p);
  const len = e1 - p;
  if (len === 11) return isMainlandMobile(t, p, 11) && !isAlnumAt(t, e1) ? e1 : -1;
  if (len !== 3 || t.charCodeAt(p) !== 49) return -1;
  const second = t.charCodeAt(p + 1);
  if (second < 51 || second > 57) return -1;
  const sep = codeAt(t, e1);
  if (!isGroupSep(sep)) return -1;
  const e2 = digitEnd(t, e1 + 1);
  let end: number;
  if (e2 - e1 - 1 === 8) end = e2;
  else if (e2 - e1 - 1 === 4 && codeAt(t, e2) === sep) {
    const e3 = digitEnd(t, e2 + 1);
    if (e3 - e2 - 1 !== 4) return -1;
    end = e3;
  } else return -1;
  return isAlnumAt(t, end) ? -1 : end;
}

// Mainland area codes: 010, 02x, and 4-digit 0[3-9]xx.
function isAreaCode(t: string, i: number, len: number): boolean {
  if (t.charCodeAt(i) !== 48) return false;
  const b = t.charCodeAt(i + 1);
  if (len === 3) return b === 50 || (b === 49 && t.charCodeAt(i + 2) === 48);
  return len === 4 && b >= 51 && b <= 57;
}

/** Local landline number at `p`: 7–8 digits (not starting with 0), or 3/4 + 4 groups. Returns end or -1. */
function matchLocalNumber(t: string, p: number): number {
  const first = codeAt(t, p);
  if (first < 49 || first > 57) return -1;
  const e1 = digitEnd(t, p);
  const len = e1 - p;
  let end = -1;
  if (len === 7 || len === 8) end = e1;
  else if ((len === 3 || len === 4) && isGroupSep(codeAt(t, e1))) {
    const e2 = digitEnd(t, e1 + 1);
    if (e2 - e1 - 1 === 4) end = e2;
  }
  if (end < 0) return -1;
  // extension: -801
  if (codeAt(t, end) === 45 && isDigitAt(t, end + 1)) {
    const ext = digitEnd(t, end + 1);
    if (ext - end - 1 <= 5) end = ext;
  }
  return isAlnumAt(t, end) ? -1 : end;
}

const OPEN_PARENS = new Set([40, 0xff08]);
const CLOSE_PARENS = new Set([41, 0xff09]);

/**
 * Phone numbers starting at the digit run [i, j): mainland mobiles in their common writings (with +86,
 * (+86), 86-, 0086), landlines with area codes, and international numbers written with '+'.
 * Emits and returns the end, or returns -1.
 */
export function matchPhone(st: ScanState, i: number, j: number): number {
  if (!st.wants('PHONE_NUMBER')) return -1;
  const t = st.text;
  const len = j - i;
  const plus = i > 0 && t.charCodeAt(i - 1) === 43;
  const c0 = t.charCodeAt(i);

  if (plus || (len === 2 && c0 === 56) || (len === 4 && t.startsWith('0086', i))) {
    const isCc = (len === 2 && t.startsWith('86', i)) || (len === 4 && t.startsWith('0086', i));
    if (isCc) {
      let start = plus ? i - 1 : i;
      let p = j;
      if (plus && start > 0 && OPEN_PARENS.has(t.charCodeAt(start - 1)) && CLOSE_PARENS.has(codeAt(t, j))) {
        start--;
        p = j + 1;
        if (codeAt(t, p) === 32 || codeAt(t, p) === 45) p++;
      } else if (isGroupSep(codeAt(t, j)) && isDigitAt(t, j + 1)) p = j + 1;
      else if (!plus) return -1;
      // without '+' only "86-" / "0086 " count as a country code
      if (!plus && len === 2 && codeAt(t, j) !== 45) return -1;
      const end = matchMobileBody(t, p);
      if (end > 0) {
        st.emit('PHONE_NUMBER', start, end, 0.9, true);
        return end;
      }
    } else if (plus && len === 13 && t.startsWith('86', i) && isMainlandMobile(t, i + 2, 11)) {
      st.emit('PHONE_NUMBER', i - 1, j, 0.9, true);
      return j;
    }
    if (plus) return matchInternational(st, i);
    return -1;
  }

  if (c0 === 49 && (len === 11 || len === 3)) {
    const end = matchMobileBody(t, i);
    if (end > 0) {
      st.emit('PHONE_NUMBER', i, end, len === 11 ? 0.8 : 0.85, true);
      return end;
    }
    return -1;
  }

  if ((len === 3 || len === 4) && isAreaCode(t, i, len)) {
    let start = i;
    let p = -1;
    const next = codeAt(t, j);
    if (i > 0 && OPEN_PARENS.has(t.charCodeAt(i - 1)) && CLOSE_PARENS.has(next)) {
      start = i - 1;
      p = codeAt(t, j + 1) === 32 ? j + 2 : j + 1;
    } else if (isGroupSep(next)) p = j + 1;
    if (p > 0) {
      const end = matchLocalNumber(t, p);
      if (end > 0) {
        st.emit('PHONE_NUMBER', start, end, 0.7, true);
        return end;
      }
    }
    return -1;
  }

  // Unseparated landline (0 + area + local, 10–12 digits) is too close to other numbers: context only.
  if (c0 === 48 && len >= 10 && len <= 12) {
    const area = t.charCodeAt(i + 1) === 49 || t.charCodeAt(i + 1) === 50 ? 3 : 4;
    const local = len - area;
    if (isAreaCode(t, i, area) && (local === 7 || local === 8) && t.charCodeAt(i + area) >= 49) {
      const polarity = st.context(i, 'PHONE_NUMBER');
      if (polarity > 0) st.emit('PHONE_NUMBER', i, j, 0.55, true, polarity);
      return j;
    }
  }
  return -1;
}

const MAX_INTL_DIGITS = 17;

/** An international number after '+': digits grouped by space, '-', '.', '(' ')', checked with metadata. */
function matchInternational(st: ScanState, i: number): number {
  const t = st.text;
  const ends: number[] = [];
  let digits = '';
  let p = i;
  for (;;) {
    const e = digitEnd(t, p);
    digits += t.slice(p, e);
    if (digits.length > MAX_INTL_DIGITS) break;
    if (isAlnumAt(t, e)) break;
    ends.push(e);
    let q = e;
    const c = codeAt(t, q);
    if (c === 32 || c === 45 || c === 46) {
      q++;
      if (codeAt(t, q) === 40) q++;
    } else if (c === 40 || c === 41) {
      q++;
      if (codeAt(t, q) === 32) q++;
    }
    if (q === e || !isDigitAt(t, q)) break;
    p = q;
  }
  // try the longest grouping first
  for (let k = ends.length - 1; k >= 0; k--) {
    const end = ends[k];
    const raw = t.slice(i, end).replace(/\D/g, '');
    if (raw.length < 7) break;
    const parsed = parsePhoneNumberFromString('+' + raw);
    if (parsed && parsed.isValid()) {
      st.emit('PHONE_NUMBER', i - 1, end, 0.8, true);
      return end;
    }
  }
  return -1;
}
