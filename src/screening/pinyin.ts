import { pinyin } from 'pinyin-pro';

const HAN = /^\p{Script=Han}$/u;
const cache = new Map<number, readonly string[]>();

/** Most readings kept per character: rare readings of heteronyms add patterns but almost no recall. */
const MAX_READINGS = 3;

/**
 * Toneless pinyin readings of one Chinese character, heteronyms included, primary reading first;
 * ü is given both as `v` and as `u`, the two ways it is typed. Called at compile time only, once per
 * distinct term character.
 *
 * @example
 * readingsOf('行'.codePointAt(0)!); // ['xing', 'hang', 'heng']
 * readingsOf('绿'.codePointAt(0)!); // ['lv', 'lu']
 */
export function readingsOf(cp: number): readonly string[] {
  let r = cache.get(cp);
  if (r) return r;
  const ch = String.fromCodePoint(cp);
  const out: string[] = [];
  if (HAN.test(ch)) {
    const raw = pinyin(ch, { multiple: true, toneType: 'none', type: 'array', v: true }) as string[];
    for (const p of raw) {
      const s = p.toLowerCase();
      if (!/^[a-z]+$/.test(s)) continue;
      for (const v of s.includes('v') ? [s, s.replace(/v/g, 'u')] : [s]) if (!out.includes(v)) out.push(v);
    }
  }
  r = Object.freeze(out.slice(0, MAX_READINGS + (out.some((s) => s.includes('v')) ? 1 : 0)));
  cache.set(cp, r);
  return r;
}
