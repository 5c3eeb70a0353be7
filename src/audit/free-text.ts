import { redact } from '../pii/redact.js';

/**
 * Free text bound for the audit log (a declared purpose, a purpose key a caller typed) with any personal
 * information found in it replaced by its type (`lookup <PHONE_NUMBER>`): the log keeps none in plaintext.
 */
export function auditText(text: string): string {
  return redact(text).text;
}
