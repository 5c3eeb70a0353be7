// One lookup per UTF-16 unit decides whether the scanner has anything to do at a position.
export const DIGIT = 1;
export const UPPER = 2;
export const LOWER = 4;
export const ALNUM = DIGIT | UPPER | LOWER;
/** Province abbreviation that may start a licence plate. */
export const PLATE = 8;
/** First character of a Chinese trigger word (name or address context, province name, address anchor). */
export const TRIGGER = 16;
/** ':' — may start a compressed IPv6 address. */
export const COLON = 32;

export const CLASS = new Uint8Array(65536);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = UPPER;
for (let c = 97; c <= 122; c++) CLASS[c] = LOWER;
CLASS[58] = COLON;

// GA 36-2018 province abbreviations on plates.
export const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
for (const ch of PLATE_PROVINCES) CLASS[ch.charCodeAt(0)] |= PLATE;

/** Marks the first character of each word as a trigger. */
export function markTriggers(words: Iterable<string>): void {
  for (const w of words) CLASS[w.charCodeAt(0)] |= TRIGGER;
}

/**
 * The UTF-16 unit at `p`, or 0 outside the string. Reading past the end with `charCodeAt` gives NaN, and one such
 * read makes V8 de-optimise the calling function and keep a slower, generic version of it.
 */
export function codeAt(t: string, p: number): number {
  return p >= 0 && p < t.length ? t.charCodeAt(p) : 0;
}

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAlnumCode(c: number): boolean {
  return (CLASS[c] & ALNUM) !== 0;
}

export function isCjkCode(c: number): boolean {
  return c >= 0x4e00 && c <= 0x9fa5;
}
