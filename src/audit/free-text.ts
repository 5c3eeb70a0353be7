import { redact } from '../pii/redact.js';
import { maskUrlSecrets } from '../url-secrets.js';

// The same few texts come again and again (a purpose key on every denied check, one declared purpose for
// every field of a read): each is scanned once. Bounded, as callers choose the texts.
const seen = new Map<string, string>();
const SEEN_MAX = 1024;

// What the recognizers leave when a value is glued to letters (`tel13812345678`, `ip203.0.113.77`): any run
// of seven or more digits (a phone, card or ID number, with its separators and check letter) and any
// dotted IPv4 address.
const DIGIT_RUN = /\d(?:[\d ()+-]*\d){6,}[xX]?/g;
const IPV4 = /\d{1,3}(?:\.\d{1,3}){3}/g;
const EMAIL = /[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+\.[a-z]{2,}/gi;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/**
 * Free text bound for the audit log (a declared purpose, a purpose key a caller typed) with any personal
 * information found in it replaced by its type (`lookup <PHONE_NUMBER>`): the log keeps none in plaintext.
 */
export function auditText(text: string): string {
  let out = seen.get(text);
  if (out === undefined) {
    out = redact(text).text.replace(DIGIT_RUN, '<NUMBER>').replace(IPV4, '<IP_ADDRESS>');
    if (seen.size >= SEEN_MAX) seen.clear();
    seen.set(text, out);
  }
  return out;
}

/**
 * An address as shown to staff or kept in an error: a user name and password in it, and query values whose
 * names say they are secrets (`?token=…`), are masked.
 */
export function maskUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  return maskUrlSecrets(u, '***', { user: true }).toString();
}

/**
 * An error message from a library (fetch, SMTP, a gateway) made fit for a log line or a stored delivery
 * error: it may quote the address it was given, with credentials, or the recipient it refused.
 */
export function errorText(err: unknown, max = 300): string {
  const message = err instanceof Error ? err.message : String(err);
  return message
    .replace(URL_IN_TEXT, (u) => maskUrl(u))
    .replace(EMAIL, '<EMAIL_ADDRESS>')
    .replace(DIGIT_RUN, '<NUMBER>')
    .slice(0, max);
}
