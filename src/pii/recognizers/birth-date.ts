import type { ScanState } from '../scan-state.js';
import { isPlausibleBirthDate } from '../validators/date.js';

const YMD = /(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|年(\d{1,2})月(?:(\d{1,2})[日号])?)(?!\d)/y;
const COMPACT = /(\d{4})(\d{2})(\d{2})(?!\d)/y;
const DMY = /(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?!\d)/y;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const FULL_MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const ENGLISH =
  /(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([A-Za-z]{3,9})\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(\d{4})(?!\d)/y;

function monthIndex(word: string): number {
  const w = word.toLowerCase();
  const k = FULL_MONTHS.indexOf(w);
  if (k >= 0) return k + 1;
  if (w === 'sept') return 9;
  return MONTHS.indexOf(w) + 1;
}

/**
 * A date of birth at `i`, only where context (出生, 生日, DOB, born…) says it is one:
 * 1990-01-02, 1990/1/2, 1990.01.02, 1990年1月2日, 1990年1月, 19900102, 02/01/1990, 2 January 1990, Jan 2, 1990.
 */
export function matchBirthDate(st: ScanState, i: number, _j?: number): number {
  if (!st.wants('BIRTH_DATE')) return -1;
  const t = st.text;
  const polarity = st.context(i, 'BIRTH_DATE');
  if (polarity <= 0) return -1;
  let m: RegExpExecArray | null;
  let y = 0;
  let mo = 0;
  let d = 1;
  let len = 0;
  YMD.lastIndex = i;
  COMPACT.lastIndex = i;
  DMY.lastIndex = i;
  ENGLISH.lastIndex = i;
  if ((m = YMD.exec(t))) {
    y = +m[1];
    mo = +(m[3] ?? m[5]);
    d = +(m[4] ?? m[6] ?? 1);
    len = m[0].length;
  } else if ((m = COMPACT.exec(t))) {
    y = +m[1];
    mo = +m[2];
    d = +m[3];
    len = m[0].length;
  } else if ((m = DMY.exec(t))) {
    y = +m[4];
    // day-first is the common writing; fall back to month-first when that is the only real date
    const a = +m[1];
    const b = +m[3];
    if (isPlausibleBirthDate(y, b, a, st.now)) [mo, d] = [b, a];
    else [mo, d] = [a, b];
    len = m[0].length;
  } else if ((m = ENGLISH.exec(t)) && (m[1] ? !m[3] : !!m[3])) {
    mo = monthIndex(m[2]);
    y = +m[4];
    d = +(m[1] ?? m[3]);
    len = m[0].length;
  }
  if (len === 0 || mo === 0 || !isPlausibleBirthDate(y, mo, d, st.now)) return -1;
  const end = i + len;
  st.emit('BIRTH_DATE', i, end, 0.85, true, polarity);
  return end;
}
