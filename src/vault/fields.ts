import { mask, normalizeValue } from '../pii/operators.js';
import { PII_TYPES } from '../pii/pii-types.js';
import type { PiiType } from '../pii/types.js';
import {
  isMainlandMobile,
  isValidEmail,
  isValidIpv4,
  isValidIpv6,
  isValidResidentId,
  isValidUscc,
  luhn,
} from '../pii/validators.js';
import { badRequest } from '../http/errors.js';
import { CATEGORY_IDS, isSensitive } from '../rules/register.js';

/** Field types the vault accepts: every detected type plus OTHER (with a category given by the provider). */
export type FieldType = PiiType | 'OTHER';

export const FIELD_TYPES: FieldType[] = [...PII_TYPES.map((t) => t.type), 'OTHER'];

/** Types looked up exactly through a keyed blind index. */
const INDEXED = new Set<FieldType>([
  'PHONE_NUMBER',
  'EMAIL_ADDRESS',
  'CN_RESIDENT_ID',
  'BANK_CARD',
  'PASSPORT',
  'CN_HMT_PERMIT',
  'CN_USCC',
]);

export const isIndexed = (t: FieldType) => INDEXED.has(t);

const PHONE_SHAPE = /^[+\uff0b]?[\d\uff10-\uff19\s().\-\uff08\uff09\uff0d]+$/;

/** Formats with a check are checked on the way in, so the vault holds only values that can be real. */
export async function validateFieldValue(name: string, type: FieldType, value: string): Promise<void> {
  const v = value.trim();
  const field = `fields.${name}`;
  if (!v) throw badRequest('invalid_field', `${field} must not be empty`, field);
  if (v.length > 2000) throw badRequest('invalid_field', `${field} must be at most 2000 characters`, field);
  const ok = await (async () => {
    switch (type) {
      case 'CN_RESIDENT_ID':
        return isValidResidentId(v.toUpperCase());
      case 'CN_USCC':
        return isValidUscc(v.toUpperCase());
      case 'BANK_CARD': {
        const d = v.replace(/[\s-]/g, '');
        return /^\d{16,19}$/.test(d) && luhn(d);
      }
      case 'EMAIL_ADDRESS':
        return isValidEmail(v);
      case 'IP_ADDRESS':
        return isValidIpv4(v) || isValidIpv6(v);
      case 'PHONE_NUMBER': {
        // Digits and the marks numbers are written with, nothing else: normalising drops letters and words, so
        // `call me 13812345678` would otherwise be stored, verbatim, as a phone number.
        if (!PHONE_SHAPE.test(v)) return false;
        const n = normalizeValue(v, 'PHONE_NUMBER');
        if (isMainlandMobile(n)) return true;
        // The full engine (international numbers) is loaded only when a non-mainland number comes in.
        const { scan } = await import('../pii/scan.js');
        const f = scan(v, { types: ['PHONE_NUMBER'], minScore: 0 });
        return f.some((x) => x.start <= 0 + (v.length - v.trimStart().length) && x.end >= v.trimEnd().length);
      }
      default:
        return true;
    }
  })();
  if (!ok) throw badRequest('invalid_field', `${field} is not a valid ${type} (its check failed)`, field);
}

/**
 * The category a field is filed under: fixed by a detected type; for OTHER, one of the register's
 * categories, so that a purpose can cover it and a sensitive one is treated as such (PIPL 28).
 */
export function checkFieldCategory(name: string, type: FieldType, category: string | undefined): void {
  const field = `fields.${name}.category`;
  if (type === 'OTHER') {
    if (category === undefined)
      throw badRequest(
        'invalid_field',
        `${field} is required for an OTHER field: one of ${CATEGORY_IDS.join(', ')}`,
        field,
      );
    if (!CATEGORY_IDS.includes(category))
      throw badRequest(
        'invalid_field',
        `${field} must be one of the register's categories: ${CATEGORY_IDS.join(', ')}`,
        field,
      );
    return;
  }
  const fixed = classify(type).category;
  if (category !== undefined && category !== fixed)
    throw badRequest(
      'invalid_field',
      `${field}: a ${type} field is filed under ${fixed}; omit category or give ${fixed}`,
      field,
    );
}

export function classify(type: FieldType, category?: string): { category: string; sensitive: boolean } {
  if (type === 'OTHER') {
    const c = category ?? 'other';
    return { category: c, sensitive: isSensitive(c) };
  }
  const info = PII_TYPES.find((t) => t.type === type)!;
  return { category: info.category, sensitive: info.sensitive };
}

export const maskValue = (type: FieldType, value: string): string =>
  type === 'OTHER' ? mask(value, undefined, { keepStart: 1, keepEnd: 1 }) : mask(value, type);

export const indexValue = (type: FieldType, value: string): string =>
  type === 'OTHER' ? value.trim() : normalizeValue(value, type);
