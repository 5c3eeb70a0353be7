import { CLASS, ALNUM, codeAt } from '../char-class.js';

/** End of the run of ASCII digits starting at `p`. */
export function digitEnd(t: string, p: number): number {
  const n = t.length;
  while (p < n) {
    const c = t.charCodeAt(p);
    if (c < 48 || c > 57) break;
    p++;
  }
  return p;
}

export function isDigitAt(t: string, p: number): boolean {
  const c = codeAt(t, p);
  return c >= 48 && c <= 57;
}

/** True when the unit at `p` is an ASCII letter or digit (false past the end). */
export function isAlnumAt(t: string, p: number): boolean {
  return p >= 0 && p < t.length && (CLASS[t.charCodeAt(p)] & ALNUM) !== 0;
}

/** Separators people put inside grouped numbers: space, hyphen, no-break space. */
export function isGroupSep(c: number): boolean {
  return c === 32 || c === 45 || c === 0xa0;
}

/**
 * True when the digit run at `i` continues a grouped number on its left ("1234 5678": at 5678), so that a
 * number is only read from its first group.
 */
export function continuesGroup(t: string, i: number): boolean {
  return i >= 2 && isGroupSep(t.charCodeAt(i - 1)) && isDigitAt(t, i - 2);
}
