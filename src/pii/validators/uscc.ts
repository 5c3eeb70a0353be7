import { isProvinceCode } from '../regions.js';

// GB 32100-2015: 31-character alphabet (no I O S V Z) and weights for the first 17 characters.
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_VALUE = new Int8Array(128).fill(-1);
for (let k = 0; k < USCC_ALPHABET.length; k++) USCC_VALUE[USCC_ALPHABET.charCodeAt(k)] = k;

// GB 11714-1997: organisation code weights for its 8 body characters.
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * The check character of a USCC from its first 17 characters; null when a character is outside the alphabet.
 *
 * @example
 * usccCheckChar('9135052155323005X'); // 'L'
 */
export function usccCheckChar(first17: string, offset = 0): string | null {
  let sum = 0;
  for (let k = 0; k < 17; k++) {
    const c = first17.charCodeAt(offset + k);
    const v = c < 128 ? USCC_VALUE[c] : -1;
    if (v < 0) return null;
    sum += v * USCC_WEIGHTS[k];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/**
 * The check character of a 9-character organisation code (GB 11714) from its 8 body characters.
 *
 * @example
 * orgCodeCheckChar('M000100Y'); // '4'
 */
export function orgCodeCheckChar(body8: string, offset = 0): string | null {
  let sum = 0;
  for (let k = 0; k < 8; k++) {
    const c = body8.charCodeAt(offset + k);
    let v: number;
    if (c >= 48 && c <= 57) v = c - 48;
    else if (c >= 65 && c <= 90)
      v = c - 55; // A = 10 … Z = 35
    else return null;
    sum += v * ORG_WEIGHTS[k];
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

/**
 * Validates a 9-character organisation code (GB 11714), e.g. `M000100Y4`.
 *
 * @example
 * isValidOrgCode('M000100Y4'); // true
 */
export function isValidOrgCode(code: string, offset = 0): boolean {
  if (code.length < offset + 9) return false;
  return orgCodeCheckChar(code, offset) === code[offset + 8];
}

/** USCC at `offset`: alphabet, GB 32100 check, embedded GB 11714 check, province of the region code. */
export function isValidUsccAt(s: string, offset: number): boolean {
  if (usccCheckChar(s, offset) !== s[offset + 17]) return false;
  if (!isValidOrgCode(s, offset + 8)) return false;
  return isProvinceCode(s, offset + 2);
}

/**
 * Validates a unified social credit code (GB 32100-2015), including the organisation code inside it.
 *
 * @example
 * isValidUscc('91350100M000100Y43'); // true
 * isValidUscc('91350100M000100Y44'); // false
 */
export function isValidUscc(code: string): boolean {
  return code.length === 18 && isValidUsccAt(code, 0);
}
