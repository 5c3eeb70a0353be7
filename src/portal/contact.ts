import { badRequest } from '../http/errors.js';
import { mask, normalizeValue } from '../pii/operators.js';
import { isMainlandMobile, isValidEmail } from '../pii/validators.js';

/** A contact a person proves they hold: a mainland mobile (SMS) or an e-mail address. */
export interface Contact {
  type: 'PHONE_NUMBER' | 'EMAIL_ADDRESS';
  channel: 'sms' | 'email';
  /** The canonical form (mobile without +86 and separators; e-mail lower-cased). */
  normalized: string;
  /** For display to the person who typed it: 138****8000. */
  masked: string;
}

/**
 * Reads what the person typed as a contact, or says which field is wrong.
 * @example parseContact('+86 138-0013-8000') // { type: 'PHONE_NUMBER', channel: 'sms', normalized: '13800138000', … }
 */
export function parseContact(raw: string): Contact {
  const v = raw.trim();
  if (v.includes('@')) {
    const normalized = normalizeValue(v, 'EMAIL_ADDRESS');
    if (isValidEmail(normalized))
      return {
        type: 'EMAIL_ADDRESS',
        channel: 'email',
        normalized,
        masked: mask(normalized, 'EMAIL_ADDRESS'),
      };
  } else {
    const normalized = normalizeValue(v, 'PHONE_NUMBER');
    if (isMainlandMobile(normalized))
      return { type: 'PHONE_NUMBER', channel: 'sms', normalized, masked: mask(normalized, 'PHONE_NUMBER') };
  }
  throw badRequest(
    'invalid_contact',
    'contact must be a mainland mobile number (e.g. 138 0013 8000) or an e-mail address',
    'contact',
  );
}
