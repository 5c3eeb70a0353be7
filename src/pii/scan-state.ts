import { adjustScore, contextPolarity } from './context.js';
import { TYPE_BIT } from './pii-types.js';
import type { Finding, PiiType, ScanOptions } from './types.js';

/** Texts up to this many UTF-16 units are copied flat before scanning (see the constructor); longer ones are
 * read as given, so that a large text is not copied (V8 flattens a rope in place on its first read). */
const FLAT_COPY_LIMIT = 1 << 15;

/** Mutable state of one scan: the text, options and the findings collected so far. */
export class ScanState {
  /** The text to read (a flat copy, possibly followed by a NUL); offsets and `n` are those of the input. */
  readonly text: string;
  readonly n: number;
  readonly findings: Finding[] = [];
  readonly minScore: number;
  readonly window: number;
  readonly now: Date | undefined;
  /** End of the last finding: backward searches stop here. */
  fence = 0;
  /** No '@' can be reached by an e-mail local part starting before this offset (see reachesAt). */
  noAtBefore = 0;
  private readonly enabled: number;

  constructor(text: string, options?: ScanOptions) {
    this.n = text.length;
    // Read from a flat copy: a string built by concatenation or slicing (a rope) costs an indirection on every
    // charCodeAt, which roughly halves the scanner's speed; the copy is one memcpy. The trailing NUL makes
    // join() allocate a new string; it lies past `n`, where reads give 0 anyway (see codeAt).
    this.text = text.length <= FLAT_COPY_LIMIT ? [text, '\0'].join('') : text;
    if (options === undefined) {
      this.minScore = 0.5;
      this.window = 24;
      this.now = undefined;
      this.enabled = 0x1fff;
      return;
    }
    this.minScore = options.minScore ?? 0.5;
    this.window = options.contextWindow ?? 24;
    this.now = options.now;
    this.enabled = options.types ? options.types.reduce((m, t) => m | TYPE_BIT[t], 0) : 0x1fff;
  }

  wants(type: PiiType): boolean {
    return (this.enabled & TYPE_BIT[type]) !== 0;
  }

  /** Context polarity (+1, 0, −1) before `start` for `type`. */
  context(start: number, type: PiiType): number {
    return contextPolarity(this.text, start, type, this.window);
  }

  /** Records a candidate after applying context; returns whether it was kept. */
  emit(
    type: PiiType,
    start: number,
    end: number,
    base: number,
    validated: boolean,
    polarity?: number,
  ): boolean {
    if ((this.enabled & TYPE_BIT[type]) === 0) return false;
    const score = adjustScore(base, polarity ?? this.context(start, type));
    if (score < this.minScore) return false;
    if (end > this.fence) this.fence = end;
    this.findings.push({
      type,
      start,
      end,
      text: this.text.slice(start, end),
      score: Math.round(score * 100) / 100,
      validated,
    });
    return true;
  }
}
