import { codeAt } from '../char-class.js';

/**
 * Validates a dotted-quad IPv4 address: four decimal octets 0–255 without leading zeros.
 *
 * @example
 * isValidIpv4('192.168.1.1'); // true
 * isValidIpv4('256.1.1.1'); // false
 */
export function isValidIpv4(s: string): boolean {
  return matchIpv4At(s, 0) === s.length;
}

/** Parses an IPv4 address at `i`; returns its end offset or -1. Does not check what follows. */
export function matchIpv4At(s: string, i: number): number {
  let p = i;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (codeAt(s, p) !== 46) return -1;
      p++;
    }
    const start = p;
    let v = 0;
    while (p < s.length && p - start < 4) {
      const d = s.charCodeAt(p) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      p++;
    }
    const len = p - start;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && s.charCodeAt(start) === 48)) return -1;
  }
  return p;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * Parses an IPv6 address (RFC 4291 text forms, incl. `::` compression and a trailing IPv4) at `i`;
 * returns its end offset or -1.
 */
export function matchIpv6At(s: string, i: number): number {
  const n = s.length;
  let p = i;
  let groups = 0;
  let compressed = false;
  if (codeAt(s, p) === 58) {
    if (codeAt(s, p + 1) !== 58) return -1;
    compressed = true;
    p += 2;
  }
  let end = p;
  while (p < n && groups < 8) {
    const start = p;
    while (p < n && p - start < 5 && isHex(s.charCodeAt(p))) p++;
    const len = p - start;
    if (len === 0 || len > 4) {
      if (len > 4) return -1;
      break;
    }
    // an embedded IPv4 ends the address (::ffff:192.0.2.1)
    if (codeAt(s, p) === 46 && groups <= 6) {
      const v4 = matchIpv4At(s, start);
      if (v4 > 0) {
        groups += 2;
        end = v4;
        break;
      }
      return -1;
    }
    groups++;
    end = p;
    if (codeAt(s, p) !== 58) break;
    if (codeAt(s, p + 1) === 58) {
      if (compressed) break;
      compressed = true;
      p += 2;
      end = p;
    } else if (isHex(codeAt(s, p + 1))) {
      p++;
    } else break;
  }
  if (compressed ? groups > 7 : groups !== 8) return -1;
  return end;
}

/**
 * Validates an IPv6 address.
 *
 * @example
 * isValidIpv6('2001:db8::1'); // true
 * isValidIpv6('2001:db8:::1'); // false
 */
export function isValidIpv6(s: string): boolean {
  return matchIpv6At(s, 0) === s.length;
}

/**
 * Validates a mainland mobile number (11 digits, `^1[3-9]\d{9}$`).
 *
 * @example
 * isMainlandMobile('13800138000'); // true
 * isMainlandMobile('12345678901'); // false
 */
export function isMainlandMobile(s: string, offset = 0, len = s.length - offset): boolean {
  if (len !== 11 || s.charCodeAt(offset) !== 49) return false;
  const second = s.charCodeAt(offset + 1);
  if (second < 51 || second > 57) return false;
  for (let k = 2; k < 11; k++) {
    const d = s.charCodeAt(offset + k);
    if (d < 48 || d > 57) return false;
  }
  return true;
}

const EMAIL_RE =
  /^[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/;

/**
 * Validates an e-mail address in the common dot-atom form.
 *
 * @example
 * isValidEmail('zhang.san@example.com.cn'); // true
 */
export function isValidEmail(s: string): boolean {
  return EMAIL_RE.test(s) && !s.startsWith('.') && !s.includes('..');
}
