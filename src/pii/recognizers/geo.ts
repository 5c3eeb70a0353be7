import type { ScanState } from '../scan-state.js';

const PAIR = /(-?)(\d{1,3})\.(\d{2,10})(?:\s*[,，]\s*|\s+)(-?)(\d{1,3})\.(\d{2,10})(?![\d.])/y;

/**
 * A latitude,longitude pair at `i` (sign may precede). Either order is accepted when the ranges tell them
 * apart. Four decimals (about 10 m) pass on their own; fewer need context.
 */
export function matchGeo(st: ScanState, i: number): number {
  if (!st.wants('GEO_COORDINATES')) return -1;
  const t = st.text;
  const start = i > 0 && t.charCodeAt(i - 1) === 45 ? i - 1 : i;
  PAIR.lastIndex = start;
  const m = PAIR.exec(t);
  if (!m) return -1;
  const a = Number(m[2] + '.' + m[3]);
  const b = Number(m[5] + '.' + m[6]);
  const ok = (a <= 90 && b <= 180) || (a <= 180 && b <= 90);
  if (!ok) return -1;
  const end = start + m[0].length;
  const precise = m[3].length >= 4 && m[6].length >= 4;
  const polarity = st.context(start, 'GEO_COORDINATES');
  if (!precise && polarity <= 0) return -1;
  st.emit('GEO_COORDINATES', start, end, precise ? 0.75 : 0.5, true, polarity);
  return end;
}
