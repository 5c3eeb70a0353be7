import * as OpenCC from 'opencc-js';

let table: Map<number, number> | undefined;

// Blocks that hold the ideographs OpenCC converts: CJK radicals, Extension A, URO, compatibility ideographs.
const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x2e80, 0x2fdf],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
];

/**
 * Character-level traditional → simplified map, built once from OpenCC's converters (standard, Taiwan and
 * Hong Kong variants to mainland simplified). Character level on purpose: offsets stay one-to-one, and
 * phrase-level conversion would make a term's form depend on its neighbours.
 */
export function traditionalToSimplified(): Map<number, number> {
  if (table) return table;
  const chars: string[] = [];
  for (const [lo, hi] of RANGES) for (let c = lo; c <= hi; c++) chars.push(String.fromCharCode(c));
  // One character a line: a line break is in no OpenCC phrase, so each character converts on its own.
  const input = chars.join('\n');
  const map = new Map<number, number>();
  for (const from of ['t', 'tw', 'hk'] as const) {
    const out = OpenCC.Converter({ from, to: 'cn' })(input).split('\n');
    if (out.length !== chars.length) continue;
    for (let i = 0; i < chars.length; i++) {
      const src = chars[i].charCodeAt(0);
      const dst = out[i];
      if (dst.length === 1 && dst.charCodeAt(0) !== src && !map.has(src)) map.set(src, dst.charCodeAt(0));
    }
  }
  table = map;
  return map;
}
