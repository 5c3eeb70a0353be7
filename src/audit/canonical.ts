import { hash } from 'node:crypto';

/**
 * Whether `value` nests arrays and objects deeper than `limit` levels. Checked without recursion, so a
 * hostile document (thousands of levels in a few kilobytes) cannot overflow the stack before it is refused.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** JSON with object keys sorted, so the same details always give the same digest. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

// One-shot hashing: several times faster than createHash() for short inputs, which is what verify does.
export const sha256Hex = (s: string): string => hash('sha256', s, 'hex');

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  purpose: string | null;
  request_id: string | null;
  details_digest: string;
  prev_hash: string;
}

/** The entry's hash covers every column but the hash itself (details through their digest). */
export function entryHash(e: ChainFields): string {
  return sha256Hex(
    JSON.stringify([
      e.seq,
      e.at,
      e.actor_type,
      e.actor_id,
      e.action,
      e.target_type,
      e.target_id,
      e.purpose,
      e.request_id,
      e.details_digest,
      e.prev_hash,
    ]),
  );
}

/** What a checkpoint signature covers. */
export const checkpointMessage = (seq: number, hash: string, at: string, kind: string): string =>
  `custodian-audit-checkpoint\n${kind}\n${seq}\n${hash}\n${at}`;
