import { adjustScore, contextPolarity } from './context.js';
import { TYPE_BIT, typeBit } from './pii-types.js';
import type { Finding, PiiType, ScanOptions } from './types.js';

/** Mutable state of one scan: the text, options and the findings collected so far. */
export class ScanState {
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
    this.text = text;
    this.n = text.length;
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
    return (this.enabled & typeBit(type)) !== 0;
  }

  /** Context polarity (+1, 0, −1) before `start` for `type`. */
  context(start: number, type: PiiType): number {
    return contextPolarity(this.text, start, typeBit(type), this.window);
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
    if ((this.enabled & typeBit(type)) === 0) return false;
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
