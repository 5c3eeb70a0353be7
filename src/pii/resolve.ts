import type { Finding } from './types.js';

/** Whether `a` should be kept over an overlapping `b`: validated first, then score, then length. */
function beats(a: Finding, b: Finding): boolean {
  if (a.validated !== b.validated) return a.validated;
  if (a.score !== b.score) return a.score > b.score;
  return a.end - a.start > b.end - b.start;
}

/**
 * Sorts findings by position and removes overlaps, keeping the better of each overlapping pair.
 *
 * @example
 * resolveOverlaps(findings); // non-overlapping, ordered by start
 */
export function resolveOverlaps(findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings;
  let ordered = true;
  for (let k = 1; k < findings.length && ordered; k++) ordered = findings[k].start >= findings[k - 1].end;
  if (ordered) return findings;
  findings.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  for (const f of findings) {
    let keep = true;
    while (out.length > 0 && out[out.length - 1].end > f.start) {
      const last = out[out.length - 1];
      if (beats(f, last)) out.pop();
      else {
        keep = false;
        break;
      }
    }
    if (keep) out.push(f);
  }
  return out;
}
