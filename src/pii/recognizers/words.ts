import { LOWER, DIGIT, codeAt, isDigitCode } from '../char-class.js';
import type { ScanState } from '../scan-state.js';
import { isValidResidentId18At } from '../validators/resident-id.js';
import { isValidUsccAt } from '../validators/uscc.js';
import { matchEnglishAddress } from './address.js';
import { matchBirthDate } from './birth-date.js';
import { matchIpv6 } from './ip.js';
import { matchNameAfterLabel } from './name.js';

const NAME_LABELS = new Set([
  'name',
  'contact',
  'recipient',
  'cardholder',
  'customer',
  'patient',
  'passenger',
  'applicant',
  'consignee',
  'holder',
]);
const ADDRESS_LABELS = new Set(['address', 'addr']);
const MONTH_WORD =
  /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december)$/i;

function allDigits(t: string, from: number, to: number): boolean {
  for (let p = from; p < to; p++) {
    const c = t.charCodeAt(p);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isHexRun(t: string, i: number, j: number): boolean {
  for (let p = i; p < j; p++) {
    const c = t.charCodeAt(p);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * An ASCII run [i, j) with letters (`mask` says which classes occur): IDs ending in X, USCCs, passports,
 * permits, IPv6 groups, and English labels that lead a name, address or date.
 */
export function onWord(st: ScanState, i: number, j: number, mask: number): number {
  const t = st.text;
  const len = j - i;
  const c0 = t.charCodeAt(i);

  if (len === 18) {
    const last = t.charCodeAt(j - 1);
    if ((last === 88 || last === 120) && allDigits(t, i, j - 1)) {
      if (isValidResidentId18At(t, i, st.now)) st.emit('CN_RESIDENT_ID', i, j, 0.9, true);
    } else if (!(mask & LOWER) && isValidUsccAt(t, i)) st.emit('CN_USCC', i, j, 0.85, true);
    return j;
  }
  if (codeAt(t, j) === 58 && len <= 4 && isHexRun(t, i, j)) {
    const e = matchIpv6(st, i);
    if (e > 0) return e;
  }
  if (!(mask & LOWER) && mask & DIGIT) {
    documentNumber(st, i, j, c0);
    return j;
  }
  if (!(mask & DIGIT) && len >= 3 && len <= 10) {
    const next = codeAt(t, j);
    // labels are followed by ':' (maybe after a space); month names by a day number
    const labelled =
      next === 58 ||
      next === 0xff1a ||
      (next === 32 && (codeAt(t, j + 1) === 58 || codeAt(t, j + 1) === 0xff1a));
    if (labelled) {
      const word = t.slice(i, j).toLowerCase();
      if (NAME_LABELS.has(word) && st.wants('PERSON_NAME')) {
        const e = matchNameAfterLabel(st, j, true);
        if (e > 0) return e;
      } else if (ADDRESS_LABELS.has(word) && st.wants('ADDRESS')) {
        const e = matchEnglishAddress(st, j);
        if (e > 0) return e;
      }
    } else if (
      // a month name used in a date is followed by a day or year number: "Jan 2, 1990", "March 1990"
      ((next === 32 && isDigitCode(codeAt(t, j + 1))) ||
        (next === 46 && codeAt(t, j + 1) === 32 && isDigitCode(codeAt(t, j + 2)))) &&
      MONTH_WORD.test(t.slice(i, j))
    ) {
      const e = matchBirthDate(st, i);
      if (e > 0) return e;
    }
  }
  return j;
}

/** Passports and home-return permits: letter prefix + digits. They need context for a confident score. */
function documentNumber(st: ScanState, i: number, j: number, c0: number): void {
  const t = st.text;
  const len = j - i;
  const c1 = t.charCodeAt(i + 1);
  let type: 'PASSPORT' | 'CN_HMT_PERMIT' | null = null;
  if (len === 9) {
    if ((c0 === 69 || c0 === 71 || c0 === 75) && allDigits(t, i + 1, j))
      type = 'PASSPORT'; // E, G (older), K (HK)
    else if (c0 === 69 && c1 >= 65 && c1 <= 90 && allDigits(t, i + 2, j))
      type = 'PASSPORT'; // E + letter
    else if (c0 === 77 && c1 === 65 && allDigits(t, i + 2, j))
      type = 'PASSPORT'; // MA (Macao)
    else if ((c0 === 72 || c0 === 77) && allDigits(t, i + 1, j)) type = 'CN_HMT_PERMIT';
  } else if (len === 11 && (c0 === 72 || c0 === 77) && allDigits(t, i + 1, j)) type = 'CN_HMT_PERMIT';
  if (type) st.emit(type, i, j, 0.5, false);
}
