import { isValidRegionCode } from '../regions.js';
import { isPlausibleBirthDate, readDigits } from './date.js';

// GB 11643-1999: ISO 7064 MOD 11-2 weights for the first 17 digits, and the check character for S mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/**
 * The check character of an 18-digit resident ID, from its first 17 digits; null when they are not digits.
 *
 * @example
 * residentIdCheckChar('11010519491231002'); // 'X'
 */
export function residentIdCheckChar(first17: string, offset = 0): string | null {
  let sum = 0;
  for (let k = 0; k < 17; k++) {
    const d = first17.charCodeAt(offset + k) - 48;
    if (d < 0 || d > 9) return null;
    sum += d * WEIGHTS[k];
  }
  return CHECK[sum % 11];
}

/** 18-character ID at `offset` in `s`: region, birth date, check character. */
export function isValidResidentId18At(s: string, offset: number, now?: Date): boolean {
  const check = residentIdCheckChar(s, offset);
  if (check === null) return false;
  const last = s.charCodeAt(offset + 17);
  // lower-case x is common in typed data
  if (!(last === check.charCodeAt(0) || (check === 'X' && last === 120))) return false;
  if (!isValidRegionCode(s, offset)) return false;
  return isPlausibleBirthDate(
    readDigits(s, offset + 6, 4),
    readDigits(s, offset + 10, 2),
    readDigits(s, offset + 12, 2),
    now,
  );
}

/** Legacy 15-digit ID at `offset`: region + YYMMDD (19YY) + 3-digit sequence, no check character. */
export function isValidResidentId15At(s: string, offset: number, now?: Date): boolean {
  if (readDigits(s, offset, 15) < 0) return false;
  if (!isValidRegionCode(s, offset)) return false;
  return isPlausibleBirthDate(
    1900 + readDigits(s, offset + 6, 2),
    readDigits(s, offset + 8, 2),
    readDigits(s, offset + 10, 2),
    now,
  );
}

/**
 * Validates a resident identity number (GB 11643-1999), 18 characters or legacy 15 digits, including
 * residence permits for Hong Kong, Macao and Taiwan residents (810000 / 820000 / 830000).
 *
 * @example
 * isValidResidentId('11010519491231002X'); // true
 * isValidResidentId('110105194912310021'); // false (check character)
 */
export function isValidResidentId(id: string, now?: Date): boolean {
  if (id.length === 18) return isValidResidentId18At(id, 0, now);
  if (id.length === 15) return isValidResidentId15At(id, 0, now);
  return false;
}

/**
 * Converts a legacy 15-digit ID to 18 digits: insert "19" after the address code and append the check.
 *
 * @example
 * upgradeResidentId15('110105491231002'); // '11010519491231002X'
 */
export function upgradeResidentId15(id15: string): string | null {
  if (!/^\d{15}$/.test(id15)) return null;
  const body = id15.slice(0, 6) + '19' + id15.slice(6);
  return body + residentIdCheckChar(body);
}
