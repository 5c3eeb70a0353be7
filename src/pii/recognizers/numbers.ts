import { codeAt } from '../char-class.js';
import { isValidRegionCode } from '../regions.js';
import type { ScanState } from '../scan-state.js';
import { currentYear, readDigits } from '../validators/date.js';
import { hasKnownCardPrefix, luhn } from '../validators/luhn.js';
import { isValidResidentId15At, isValidResidentId18At } from '../validators/resident-id.js';
import { isValidUsccAt } from '../validators/uscc.js';
import { matchBirthDate } from './birth-date.js';
import { continuesGroup, digitEnd, isAlnumAt, isDigitAt, isGroupSep } from './digits.js';
import { matchGeo } from './geo.js';
import { matchIpv4, matchIpv6 } from './ip.js';
import { matchPhone } from './phone.js';

/**
 * Everything that can start with the digit run [i, j): IP, coordinates, dates, phones, grouped and plain
 * identifiers. Returns where scanning resumes.
 */
export function onDigits(st: ScanState, i: number, j: number): number {
  const t = st.text;
  const len = j - i;
  const next = codeAt(t, j);
  let e: number;

  if (next === 46 && isDigitAt(t, j + 1)) {
    const frac = digitEnd(t, j + 1);
    const after = codeAt(t, frac);
    if (len <= 3) {
      if (after === 46 && (e = matchIpv4(st, i)) > 0) return e;
      // coordinates: two or more decimals, then a comma or space before the second number
      if (frac - j > 2 && (after === 44 || after === 0xff0c || after === 32) && (e = matchGeo(st, i)) > 0)
        return e;
    }
    // a dotted date is YYYY.M.D or D.M.YYYY: the third group must have 1–2 or 4 digits
    if ((len === 4 || len <= 2) && after === 46 && frac - j <= 3) {
      const third = digitEnd(t, frac + 1) - frac - 1;
      if ((len === 4 ? third === 1 || third === 2 : third === 4) && (e = matchBirthDate(st, i, j)) > 0)
        return e;
    }
    return j;
  }
  if (next === 58 && len <= 4 && (e = matchIpv6(st, i)) > 0) return e;
  if ((e = matchPhone(st, i, j)) > 0) return e;
  if (dateShaped(t, i, len, next) && (e = matchBirthDate(st, i, j)) > 0) return e;
  if (isGroupSep(next) && isDigitAt(t, j + 1) && !continuesGroup(t, i) && (e = matchGrouped(st, i)) > 0)
    return e;
  plainNumber(st, i, j);
  return j;
}

const MONTH3 = new Set(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map(
    (m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2),
  ),
);

/** Whether a month name (any case) starts at `p`. */
function monthAt(t: string, p: number): boolean {
  const key = ((codeAt(t, p) | 32) << 16) | ((codeAt(t, p + 1) | 32) << 8) | (codeAt(t, p + 2) | 32);
  return MONTH3.has(key);
}

/** Cheap shape test before looking for birth-date context: 1990-…, 1990年…, 19900102, 02/…, 2 January…. */
function dateShaped(t: string, i: number, len: number, next: number): boolean {
  if (len === 4) {
    const c0 = t.charCodeAt(i);
    return (c0 === 49 || c0 === 50) && (next === 45 || next === 47 || next === 0x5e74);
  }
  if (len === 8) return t.charCodeAt(i) === 49 || t.charCodeAt(i) === 50;
  if (len <= 2) return next === 45 || next === 47 || (next === 32 && monthAt(t, i + len + 1));
  return false;
}

/** An 18-digit number with a valid region and a birth year imitates an ID even if its date or check fails. */
function looksLikeResidentId(t: string, i: number): boolean {
  const year = readDigits(t, i + 6, 4);
  return isValidRegionCode(t, i) && year >= 1880 && year <= currentYear();
}

function emitCard(
  st: ScanState,
  start: number,
  end: number,
  digits: string,
  offset: number,
  len: number,
): void {
  if (!st.wants('BANK_CARD')) return;
  if (len === 15 && !(digits.startsWith('34', offset) || digits.startsWith('37', offset))) return;
  if (!luhn(digits, offset, offset + len)) return;
  // Luhn passes one random number in ten: without an issuer prefix, only positive context reports it.
  st.emit('BANK_CARD', start, end, hasKnownCardPrefix(digits, offset) ? 0.75 : 0.45, true);
}

/** A run of digits with no separators. */
function plainNumber(st: ScanState, i: number, j: number): void {
  const t = st.text;
  const len = j - i;
  switch (len) {
    case 18:
      if (isValidResidentId18At(t, i, st.now)) st.emit('CN_RESIDENT_ID', i, j, 0.9, true);
      else if (isValidUsccAt(t, i)) st.emit('CN_USCC', i, j, 0.85, true);
      else if (!looksLikeResidentId(t, i)) emitCard(st, i, j, t, i, len);
      return;
    case 15:
      if (isValidResidentId15At(t, i, st.now)) st.emit('CN_RESIDENT_ID', i, j, 0.6, true);
      else emitCard(st, i, j, t, i, len);
      return;
    case 16:
    case 17:
    case 19:
      emitCard(st, i, j, t, i, len);
      return;
    case 8:
      // Taiwan compatriot permit: 8 bare digits mean nothing without context
      if (st.wants('CN_HMT_PERMIT')) {
        const polarity = st.context(i, 'CN_HMT_PERMIT');
        if (polarity > 0) st.emit('CN_HMT_PERMIT', i, j, 0.5, false, polarity);
      }
      return;
  }
}

/** The text [from, to) without whitespace and hyphens. */
function stripSeparators(t: string, from: number, to: number): string {
  return t.slice(from, to).replace(/[\s-]/g, '');
}

// Group lengths and ends of the grouped number being read (at most 6 groups; the scan is synchronous, so one
// buffer serves every call and nothing is allocated for the many dates and ranges that are not identifiers).
const LENS = new Int32Array(6);
const ENDS = new Int32Array(6);

/** Whether the first `g` groups have the shape of a card number: 4-4-4-4(-1..4), 4-6-5 or 6-13. */
function cardShape(g: number): boolean {
  if (g === 4 || g === 5)
    return LENS[0] === 4 && LENS[1] === 4 && LENS[2] === 4 && LENS[3] === 4 && (g === 4 || LENS[4] <= 4);
  if (g === 3) return LENS[0] === 4 && LENS[1] === 6 && LENS[2] === 5;
  return g === 2 && LENS[0] === 6 && LENS[1] === 13;
}

/**
 * Grouped identifiers read from their first group: ID 6-8-4 / 6-4-4-4 (last may end in X), cards 4-4-4-4(-1..4),
 * 4-6-5, 6-13.
 */
function matchGrouped(st: ScanState, i: number): number {
  const t = st.text;
  let k = 0;
  let p = i;
  let total = 0;
  let sep = -1;
  for (;;) {
    let e = digitEnd(t, p);
    const c = codeAt(t, e);
    let x = false;
    if ((c === 88 || c === 120) && !isAlnumAt(t, e + 1)) {
      e++;
      x = true;
    } else if (isAlnumAt(t, e)) break;
    LENS[k] = e - p;
    ENDS[k] = e;
    k++;
    total += e - p;
    if (x || total > 19 || k >= 6) break;
    const s = codeAt(t, e);
    if (!isGroupSep(s) || !isDigitAt(t, e + 1) || (sep >= 0 && s !== sep)) break;
    sep = s;
    p = e + 1;
  }
  if (k < 2) return -1;

  // resident ID: 6-8-4 or 6-4-4-4, 18 characters without the separators
  const groups =
    k >= 3 && LENS[0] === 6 && LENS[1] === 8 && LENS[2] === 4
      ? 3
      : k >= 4 && LENS[0] === 6 && LENS[1] === 4 && LENS[2] === 4 && LENS[3] === 4
        ? 4
        : 0;
  if (groups > 0) {
    const end = ENDS[groups - 1];
    const digits = stripSeparators(t, i, end);
    if (digits.length === 18 && isValidResidentId18At(digits, 0, st.now)) {
      st.emit('CN_RESIDENT_ID', i, end, 0.9, true);
      return end;
    }
  }
  // cards: the longest grouping that passes Luhn
  for (let g = k; g >= 2; g--) {
    if (!cardShape(g)) continue;
    const end = ENDS[g - 1];
    const digits = stripSeparators(t, i, end);
    if (digits.length < 15 || digits.length > 19) continue;
    const before = st.findings.length;
    emitCard(st, i, end, digits, 0, digits.length);
    if (st.findings.length > before) return end;
  }
  return -1;
}
