// GB/T 2260 administrative division codes, province and prefecture level, built by hand.
// Abolished codes stay valid on issued ID numbers, so each province also accepts the 21–3x range used by
// its former prefectures (地区) and 90 (county-level units under the province); counties are not checked.

type Range = readonly [number, number];

const PREFECTURES: Record<number, readonly Range[]> = {
  11: [[1, 2]],
  12: [
    [1, 2],
    [21, 25],
  ],
  13: [
    [1, 11],
    [21, 33],
  ],
  14: [
    [1, 11],
    [21, 32],
  ],
  15: [
    [1, 9],
    [21, 29],
  ],
  21: [
    [1, 14],
    [21, 24],
  ],
  22: [
    [1, 8],
    [21, 24],
  ],
  23: [
    [1, 12],
    [21, 27],
  ],
  31: [[1, 2]],
  32: [
    [1, 13],
    [21, 29],
  ],
  33: [
    [1, 11],
    [21, 27],
  ],
  34: [
    [1, 18],
    [21, 30],
  ],
  35: [
    [1, 9],
    [21, 27],
  ],
  36: [
    [1, 11],
    [21, 28],
  ],
  37: [
    [1, 17],
    [21, 32],
  ],
  41: [
    [1, 17],
    [21, 30],
    [90, 90],
  ],
  42: [
    [1, 13],
    [21, 30],
    [90, 90],
  ],
  43: [
    [1, 13],
    [21, 31],
  ],
  44: [
    [1, 20],
    [21, 30],
    [51, 53],
  ],
  45: [
    [1, 14],
    [21, 31],
  ],
  46: [
    [0, 4],
    [21, 30],
    [90, 90],
  ],
  50: [[1, 3]],
  51: [[1, 37]],
  52: [
    [1, 6],
    [21, 27],
  ],
  53: [
    [1, 9],
    [21, 35],
  ],
  54: [
    [1, 6],
    [21, 27],
  ],
  61: [
    [1, 10],
    [21, 27],
  ],
  62: [
    [1, 12],
    [21, 30],
  ],
  63: [
    [1, 2],
    [21, 28],
  ],
  64: [
    [1, 5],
    [21, 23],
  ],
  65: [
    [1, 5],
    [21, 43],
    [90, 90],
  ],
  71: [[0, 99]],
};

/** Province-level codes (2 digits) in GB/T 2260, plus 81/82/83 used by residence permits. */
export const PROVINCE_CODES: ReadonlySet<number> = new Set([
  ...Object.keys(PREFECTURES).map(Number),
  81,
  82,
  83,
]);

// Flat lookup over the 4-digit prefix for speed: 1 = valid province+prefecture.
const VALID_PREFIX = new Uint8Array(10000);
for (const [prov, ranges] of Object.entries(PREFECTURES)) {
  for (const [lo, hi] of ranges) for (let p = lo; p <= hi; p++) VALID_PREFIX[Number(prov) * 100 + p] = 1;
}

/**
 * Whether a 6-digit address code is plausible: known province and prefecture; residence permits
 * (GB/T 2260 does not cover them) use exactly 810000 / 820000 / 830000.
 *
 * @example
 * isValidRegionCode('110105'); // true
 * isValidRegionCode('990101'); // false
 */
export function isValidRegionCode(code: string, offset = 0): boolean {
  let v = 0;
  for (let k = 0; k < 6; k++) {
    const d = code.charCodeAt(offset + k) - 48;
    if (d < 0 || d > 9) return false;
    v = v * 10 + d;
  }
  const prov = (v / 10000) | 0;
  if (prov === 81 || prov === 82 || prov === 83) return v % 10000 === 0;
  return VALID_PREFIX[(v / 100) | 0] === 1;
}

/** Whether the 2 digits at `offset` are a province-level code (or 10, used for central-level USCC registrations). */
export function isProvinceCode(code: string, offset = 0): boolean {
  const a = code.charCodeAt(offset) - 48;
  const b = code.charCodeAt(offset + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return false;
  const v = a * 10 + b;
  return v === 10 || PROVINCE_CODES.has(v);
}
