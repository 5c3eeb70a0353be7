import { redact } from '../pii/redact.js';

// The same few texts come again and again (a purpose key on every denied check, one declared purpose for
// every field of a read): each is scanned once. Bounded, as callers choose the texts.
const seen = new Map<string, string>();
const SEEN_MAX = 1024;

/**
 * Free text bound for the audit log (a declared purpose, a purpose key a caller typed) with any personal
 * information found in it replaced by its type (`lookup <PHONE_NUMBER>`): the log keeps none in plaintext.
 */
export function auditText(text: string): string {
  let out = seen.get(text);
  if (out === undefined) {
    out = redact(text).text;
    if (seen.size >= SEEN_MAX) seen.clear();
    seen.set(text, out);
  }
  return out;
}
