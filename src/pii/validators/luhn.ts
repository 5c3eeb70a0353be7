/**
 * Luhn (ISO/IEC 7812-1) check over the digits of `s[start, end)`; false on a non-digit.
 *
 * @example
 * luhn('6222021234567890128'); // true (UnionPay test number)
 * luhn('4111111111111111'); // true
 */
export function luhn(s: string, start = 0, end = s.length): boolean {
  let sum = 0;
  let dbl = false;
  for (let k = end - 1; k >= start; k--) {
    let d = s.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return end > start && sum % 10 === 0;
}

/**
 * The Luhn check digit to append to `body`.
 *
 * @example
 * luhnCheckDigit('411111111111111'); // '1'
 */
export function luhnCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhn(body + d)) return String(d);
  throw new Error('unreachable');
}

/**
 * Whether a card number's prefix is a known issuer range (UnionPay 62, Visa 4, Mastercard 51–55/22–27,
 * Amex 34/37, JCB 35, Discover 60/65); such numbers score higher.
 *
 * @example
 * hasKnownCardPrefix('6222021234567890'); // true
 */
export function hasKnownCardPrefix(digits: string, offset = 0): boolean {
  const a = digits.charCodeAt(offset) - 48;
  const b = digits.charCodeAt(offset + 1) - 48;
  switch (a) {
    case 4:
      return true;
    case 5:
      return b >= 1 && b <= 5;
    case 2:
      return b >= 2 && b <= 7;
    case 3:
      return b === 4 || b === 7 || b === 5;
    case 6:
      return b === 2 || b === 0 || b === 5;
    default:
      return false;
  }
}
