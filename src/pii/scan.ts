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
