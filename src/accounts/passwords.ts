import { hash, verify } from '@node-rs/argon2';
import { badRequest } from '../http/errors.js';

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). 2 = Algorithm.Argon2id.
const OPTIONS = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS as never);

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/** Spends the same time as a real check when the user does not exist, so timing reveals nothing. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword('custodian-dummy-password-for-timing');
  await verifyPassword(await dummy, password);
}

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** A password policy a person can satisfy with a passphrase: length over character-class rules (NIST 800-63B). */
export function checkPasswordPolicy(password: string, username: string, field = 'password'): void {
  if (password.length < PASSWORD_MIN)
    throw badRequest('weak_password', `${field} must be at least ${PASSWORD_MIN} characters`, field);
  if (password.length > PASSWORD_MAX)
    throw badRequest('invalid_password', `${field} must be at most ${PASSWORD_MAX} characters`, field);
  if (password.toLowerCase().includes(username.toLowerCase()))
    throw badRequest('weak_password', `${field} must not contain the username`, field);
  if (/^(.)\1+$/.test(password))
    throw badRequest('weak_password', `${field} must not repeat one character`, field);
}
