import { describe, expect, it } from 'vitest';
import { VALIDATED_TYPES, evaluate, loadTestSet } from '../../bench/pii/accuracy.js';

describe('accuracy on the test set (test/pii/fixtures)', () => {
  const set = loadTestSet();
  const { scores, misses } = evaluate(set);

  it('has a substantial test set with every validated type', () => {
    expect(set.length).toBeGreaterThan(1000);
    for (const t of VALIDATED_TYPES) expect(scores.find((s) => s.type === t)?.tp ?? 0).toBeGreaterThan(50);
  });

  it.each(VALIDATED_TYPES)('F1 ≥ 0.97 for %s', (type) => {
    const s = scores.find((x) => x.type === type)!;
    expect(
      s.f1,
      misses
        .filter((m) => m.includes(type))
        .slice(0, 10)
        .join('\n'),
    ).toBeGreaterThanOrEqual(0.97);
  });

  it('F1 ≥ 0.9 over the other types', () => {
    for (const s of scores.filter((x) => !VALIDATED_TYPES.includes(x.type)))
      expect(s.f1, s.type).toBeGreaterThanOrEqual(0.9);
  });
});
