import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { PiiType } from './types.js';

export interface MaskOptions {
  /** Significant characters (letters, digits, CJK) left visible at the start. */
  keepStart?: number;
  /** Significant characters left visible at the end. */
  keepEnd?: number;
  /** Replacement character (default '*'). */
  maskChar?: string;
}

/** A key as bytes or as a hex string. */
export type KeyInput = Uint8Array | string;

const SIGNIFICANT = /[\p{L}\p{N}\p{M}]/u;
/** A character (code point) worth masking: a letter, digit or mark of any script. */
function isSignificant(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (c >= 0x4e00 && c <= 0x9fa5) return true;
  // Any other script too: full-width digits, Uyghur, Cyrillic, CJK beyond the basic block (names use them).
  return SIGNIFICANT.test(ch);
}

function maskRange(value: string, from: number, keepStart: number, keepEnd: number, ch: string): string {
  // By code points, so a character outside the Basic Multilingual Plane is masked (or kept) whole.
  const chars = Array.from(value.slice(from));
  let count = 0;
  for (const c of chars) if (isSignificant(c)) count++;
  // short values: never show more than half
  if (keepStart + keepEnd >= count) {
    keepStart = Math.min(keepStart, Math.floor(count / 2));
    keepEnd = Math.max(0, Math.min(keepEnd, count - keepStart - 1));
  }
  let out = value.slice(0, from);
  let seen = 0;
  for (const c of chars) {
    if (!isSignificant(c)) {
      out += c;
      continue;
    }
    out += seen < keepStart || seen >= count - keepEnd ? c : ch;
    seen++;
  }
  return out;
}

const DEFAULT_KEEP: Partial<Record<PiiType, [number, number]>> = {
  CN_RESIDENT_ID: [6, 4], // GB/T 35273 display de-identification: region visible, birth date hidden
  BANK_CARD: [6, 4],
  PHONE_NUMBER: [3, 4],
  PERSON_NAME: [1, 0],
  ADDRESS: [6, 0],
  CN_USCC: [8, 2],
  PASSPORT: [1, 3],
  CN_HMT_PERMIT: [1, 3],
  LICENSE_PLATE: [2, 1],
  BIRTH_DATE: [4, 0],
};

const CC_PREFIX = /^\(?\+?(?:0086|86)\)?[\s-]?(?=1\d)/;
const INTL_PREFIX = /^\+\d{1,3}[\s-]?/;

/**
 * Masks a value, keeping a few significant characters; separators are kept. Defaults per type: phone 3/4
 * (`138****8000`), resident ID 6/4, bank card 6/4, e-mail keeps the first character and the domain, IPv4 hides
 * the last two octets.
 *
 * @example
 * mask('13800138000', 'PHONE_NUMBER'); // '138****8000'
 * mask('11010519491231002X', 'CN_RESIDENT_ID'); // '110105********002X'
 * mask('13800138000', undefined, { keepStart: 0, keepEnd: 4 }); // '*******8000'
 */
export function mask(value: string, type?: PiiType, options: MaskOptions = {}): string {
  const ch = options.maskChar ?? '*';
  if (options.keepStart === undefined && options.keepEnd === undefined) {
    if (type === 'EMAIL_ADDRESS') {
      const at = value.lastIndexOf('@');
      if (at > 0) return (at > 1 ? value[0] + ch.repeat(at - 1) : ch) + value.slice(at);
    }
    if (type === 'IP_ADDRESS' && /^\d+\.\d+\.\d+\.\d+$/.test(value)) {
      return value.split('.').slice(0, 2).join('.') + `.${ch}.${ch}`;
    }
  }
  const [ds, de] = (type && DEFAULT_KEEP[type]) ?? [2, 2];
  const keepStart = options.keepStart ?? ds;
  const keepEnd = options.keepEnd ?? de;
  let from = 0;
  if (type === 'PHONE_NUMBER') from = (CC_PREFIX.exec(value) ?? INTL_PREFIX.exec(value))?.[0].length ?? 0;
  return maskRange(value, from, keepStart, keepEnd, ch);
}

/**
 * Replaces a value with its type tag.
 *
 * @example
 * replace('PHONE_NUMBER'); // '<PHONE_NUMBER>'
 */
export function replace(type: PiiType): string {
  return `<${type}>`;
}

function keyBytes(key: KeyInput, name: string, exact?: number): Buffer {
  const buf = typeof key === 'string' ? Buffer.from(key, 'hex') : Buffer.from(key);
  if (exact !== undefined && buf.length !== exact)
    throw new Error(`${name} must be ${exact} bytes (got ${buf.length})`);
  if (buf.length < 16) throw new Error(`${name} must be at least 16 bytes`);
  return buf;
}

/**
 * The canonical form used for pseudonyms, so that different writings of one value give one token:
 * full-width forms folded, separators dropped and upper-cased for numbers and codes, +86 dropped from mainland
 * mobiles, e-mail lower-cased.
 *
 * @example
 * normalizeValue('+86 138-0013-8000', 'PHONE_NUMBER'); // '13800138000'
 */
export function normalizeValue(raw: string, type: PiiType): string {
  // NFKC first: a value typed in full-width forms (１３８…, ｌｉ＠…) is the same value.
  const value = raw.normalize('NFKC');
  switch (type) {
    case 'EMAIL_ADDRESS':
      return value.trim().toLowerCase();
    case 'PERSON_NAME':
    case 'ADDRESS':
      return value.trim().replace(/\s+/g, ' ');
    case 'PHONE_NUMBER': {
      const d = value.replace(/\D/g, '');
      if (d.length === 13 && d.startsWith('86')) return d.slice(2);
      if (d.length === 15 && d.startsWith('0086')) return d.slice(4);
      return value.trim().startsWith('+') || value.includes('(+') ? '+' + d : d;
    }
    default:
      return value.replace(/[\s\-·()]/g, '').toUpperCase();
  }
}

/**
 * Keyed pseudonym: HMAC-SHA256 over type and normalised value under a caller-given key (PIPL 73: the result
 * cannot identify a person without the key). The same value gives the same token across a dataset.
 *
 * @example
 * pseudonymize('13800138000', 'PHONE_NUMBER', key); // '<PHONE_NUMBER:5f1c…>' (16 hex digits)
 */
export function pseudonymize(value: string, type: PiiType, key: KeyInput): string {
  const mac = createHmac('sha256', keyBytes(key, 'pseudonym key'))
    .update(type + '\u0000' + normalizeValue(value, type))
    .digest('hex');
  return `<${type}:${mac.slice(0, 16)}>`;
}

const TOKEN_PREFIX = 'enc:v1:';
const TOKEN_RE = /enc:v1:([A-Z_]+):([A-Za-z0-9_-]+)/g;

/**
 * Encrypts a value with AES-256-GCM under a 32-byte key. The token names its scheme and the type, and carries
 * nonce, ciphertext and tag: `enc:v1:<TYPE>:<base64url(iv ‖ ciphertext ‖ tag)>`. The type is authenticated.
 *
 * @example
 * const token = encrypt('13800138000', 'PHONE_NUMBER', key); // 'enc:v1:PHONE_NUMBER:…'
 * decrypt(token, key); // '13800138000'
 */
export function encrypt(value: string, type: PiiType, key: KeyInput): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyBytes(key, 'encryption key', 32), iv);
  cipher.setAAD(Buffer.from(TOKEN_PREFIX + type));
  const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return `${TOKEN_PREFIX}${type}:${Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64url')}`;
}

/**
 * Decrypts a token made by {@link encrypt}; throws when the key is wrong or the token was altered.
 *
 * @example
 * decrypt(encrypt('a@b.cn', 'EMAIL_ADDRESS', key), key); // 'a@b.cn'
 */
export function decrypt(token: string, key: KeyInput): string {
  const m = /^enc:v1:([A-Z_]+):([A-Za-z0-9_-]+)$/.exec(token);
  if (!m) throw new Error('not an enc:v1 token');
  const raw = Buffer.from(m[2], 'base64url');
  if (raw.length < 28) throw new Error('truncated token');
  const decipher = createDecipheriv('aes-256-gcm', keyBytes(key, 'encryption key', 32), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(TOKEN_PREFIX + m[1]));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(
    'utf8',
  );
}

/**
 * Decrypts every token in a text produced by `redact` with the encrypt operator.
 *
 * @example
 * decryptText(redact(text, { default: { operator: 'encrypt', key } }).text, key) === text; // true
 */
export function decryptText(text: string, key: KeyInput): string {
  return text.replace(TOKEN_RE, (token) => decrypt(token, key));
}

const CITY_LEVEL =
  /^(?:(?:北京|天津|上海|重庆)市?|[\u4e00-\u9fa5]{2,3}?(?:省|自治区)(?:[\u4e00-\u9fa5]{2,6}?(?:市|自治州|地区|盟))?|内蒙古|广西|西藏|宁夏|新疆|[\u4e00-\u9fa5]{2,6}?(?:市|自治州|地区|盟))/;

/**
 * Generalises a value to a coarser one: birth date → year, address → city or province, coordinates → two
 * decimals (about 1 km), IPv4 → /24 network, resident ID → region code. Other types become their tag.
 *
 * @example
 * generalize('1990-01-02', 'BIRTH_DATE'); // '1990'
 * generalize('北京市海淀区中关村大街27号', 'ADDRESS'); // '北京市'
 */
export function generalize(value: string, type: PiiType): string {
  switch (type) {
    case 'BIRTH_DATE': {
      const y = /(18|19|20)\d\d/.exec(value);
      if (!y) return replace(type);
      return value.includes('年') ? `${y[0]}年` : y[0];
    }
    case 'ADDRESS': {
      const m = CITY_LEVEL.exec(value);
      return m ? m[0] : replace(type);
    }
    case 'GEO_COORDINATES':
      return value.replace(/-?\d+\.\d+/g, (x) => Number(x).toFixed(2));
    case 'IP_ADDRESS': {
      const v4 = /^(\d+\.\d+\.\d+)\.\d+$/.exec(value);
      if (v4) return `${v4[1]}.0/24`;
      return replace(type);
    }
    case 'CN_RESIDENT_ID':
      return value.slice(0, 6);
    default:
      return replace(type);
  }
}
