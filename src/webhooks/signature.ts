import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Custodian-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The timestamp lets a receiver
 * refuse replays; the provider verifies with the secret it was shown when the endpoint was created.
 * @example const header = signWebhook(secret, body); verifyWebhook(secret, body, header) === true
 */
export function signWebhook(secret: string, body: string, at = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${at}.${body}`).digest('hex');
  return `t=${at},v1=${mac}`;
}

export function verifyWebhook(secret: string, body: string, header: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const at = Number(parts.t);
  if (!Number.isFinite(at) || !parts.v1) return false;
  if (Math.abs(Date.now() / 1000 - at) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${at}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
