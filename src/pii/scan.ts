import { ALNUM, CLASS, COLON, DIGIT, PLATE, TRIGGER, codeAt } from './char-class.js';
import { matchEmail, reachesAt } from './recognizers/email.js';
import { matchIpv6 } from './recognizers/ip.js';
import { onDigits } from './recognizers/numbers.js';
import { matchPlate } from './recognizers/plate.js';
import { onTrigger } from './recognizers/triggers.js';
import { onWord } from './recognizers/words.js';
import { resolveOverlaps } from './resolve.js';
import { ScanState } from './scan-state.js';
import type { Finding, ScanOptions } from './types.js';

/**
 * Finds personal information in `text` in one pass: a lookup table on each UTF-16 unit decides whether a
 * position can start anything (ASCII run, plate province, trigger word, ':'); only there do recognizers run.
 * Offsets are UTF-16 code units; overlapping findings are resolved.
 *
 * @example
 * scan('手机：138-0013-8000，身份证 11010519491231002X');
 * // [{ type: 'PHONE_NUMBER', start: 3, end: 16, text: '138-0013-8000', score: 0.94, validated: true },
 * //  { type: 'CN_RESIDENT_ID', start: 21, end: 39, text: '11010519491231002X', score: 0.96, validated: true }]
 */
export function scan(text: string, options?: ScanOptions): Finding[] {
  if (!WIDE_DIGIT.test(text)) return scanAscii(text, options);
  // Chinese input methods type full-width forms (１３８－００１３－８０００, ｌｉ＠ｅｘａｍｐｌｅ．ｃｏｍ). Each
  // folds to one ASCII unit, so the offsets found in the folded text are those of `text`.
  const findings = scanAscii(text.replace(WIDE, foldWide), options);
  for (const f of findings) f.text = text.slice(f.start, f.end);
  return findings;
}

/** Only text with a full-width digit or '＠' is folded: other full-width forms alone make no finding. */
const WIDE_DIGIT = /[\uFF10-\uFF19\uFF20]/;
/** Full-width + - . digits @ letters _, and the ideographic space; not the CJK punctuation context words use. */
const WIDE = /[\uFF0B\uFF0D\uFF0E\uFF10-\uFF19\uFF20-\uFF3A\uFF3F\uFF41-\uFF5A\u3000]/g;
const foldWide = (c: string) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0));

function scanAscii(text: string, options?: ScanOptions): Finding[] {
  const st = new ScanState(text, options);
  const t = st.text;
  const n = st.n;
  let i = 0;
  while (i < n) {
    const f = CLASS[t.charCodeAt(i)];
    if (f === 0) {
      i++;
      continue;
    }
    if (f & ALNUM) {
      i = onAlnum(st, i);
      continue;
    }
    let e = -1;
    if (f & PLATE) e = matchPlate(st, i);
    if (e < 0 && f & TRIGGER) e = onTrigger(st, i);
    if (e < 0 && f & COLON && codeAt(t, i + 1) === 58) e = matchIpv6(st, i);
    i = e > i ? e : i + 1;
  }
  return resolveOverlaps(st.findings);
}

function onAlnum(st: ScanState, i: number): number {
  const t = st.text;
  const n = st.n;
  let j = i;
  let mask = 0;
  while (j < n) {
    const f = CLASS[t.charCodeAt(j)] & ALNUM;
    if (f === 0) break;
    mask |= f;
    j++;
  }
  if (j < n) {
    const c = t.charCodeAt(j);
    // '@' . _ % + - may continue an e-mail local part
    if ((c === 64 || c === 46 || c === 95 || c === 37 || c === 43 || c === 45) && reachesAt(st, i, j)) {
      if (st.wants('EMAIL_ADDRESS')) {
        const e = matchEmail(st, i);
        if (e > 0) return e;
      }
    }
  }
  return mask === DIGIT ? onDigits(st, i, j) : onWord(st, i, j, mask);
}
