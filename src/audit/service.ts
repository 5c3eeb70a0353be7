import type { Db } from '../db/database.js';
import { nowIso, transact, type Tx } from '../db/transaction.js';
import type { KeyRing } from '../crypto/keyring.js';
import type { ActorRef } from './actor.js';
import { canonicalJson, checkpointMessage, entryHash, sha256Hex } from './canonical.js';

export interface AuditEvent {
  /** Dotted verb, e.g. `user.create`, `auth.login.failed`, `subject.field.read`. */
  action: string;
  actor: ActorRef;
  target?: { type: string; id: string | null };
  /** The declared purpose of a read of personal information. */
  purpose?: string;
  requestId?: string;
  /** References, counts and hashes only; never plaintext personal information or secrets. */
  details?: Record<string, unknown>;
}

export interface AppendedEntry {
  seq: number;
  hash: string;
}

/**
 * The tamper-evident log (Decision art. 3–4; CSL 21 / 23). Entries form a SHA-256 hash chain; every
 * `checkpointEvery` entries the head is signed with the Ed25519 key, so a rewritten chain is caught too.
 */
export class AuditLog {
  constructor(
    private readonly keys: KeyRing,
    private readonly checkpointEvery: number,
  ) {}

  /**
   * Appends an entry in the caller's transaction: the entry commits with the change it records, or not at all.
   * @example await audit.append(tx, { action: 'user.create', actor, target: { type: 'user', id } });
   */
  async append(tx: Tx, ev: AuditEvent): Promise<AppendedEntry> {
    return (await this.appendMany(tx, [ev]))[0];
  }

  /**
   * Appends several entries, in order, with one insert per 100 (a burst of denied purpose checks): the same
   * chain as appending them one by one, in fewer round trips.
   */
  async appendMany(tx: Tx, events: AuditEvent[]): Promise<AppendedEntry[]> {
    if (!tx.auditHead) {
      const head = await lockHead(tx);
      tx.auditHead = { lastSeq: head.seq, lastHash: head.hash, dirty: false };
    }
    const head = tx.auditHead;
    const rows = events.map((ev) => {
      const details = canonicalJson(ev.details ?? {});
      const row = {
        seq: head.lastSeq + 1,
        at: nowIso(),
        actor_type: ev.actor.type,
        actor_id: ev.actor.id,
        action: ev.action,
        target_type: ev.target?.type ?? null,
        target_id: ev.target?.id ?? null,
        purpose: ev.purpose ?? null,
        request_id: ev.requestId ?? null,
        details,
        details_digest: sha256Hex(details),
        prev_hash: head.lastHash,
        hash: '',
      };
      row.hash = entryHash(row);
      head.lastSeq = row.seq;
      head.lastHash = row.hash;
      return row;
    });
    for (let i = 0; i < rows.length; i += 100)
      await tx.db
        .insertInto('audit_entries')
        .values(rows.slice(i, i + 100))
        .execute();
    head.dirty = true;
    for (const row of rows)
      if (row.seq % this.checkpointEvery === 0) await this.writeCheckpoint(tx, row.seq, row.hash, 'periodic');
    return rows.map((r) => ({ seq: r.seq, hash: r.hash }));
  }

  async writeCheckpoint(tx: Tx, seq: number, hash: string, kind: 'periodic' | 'retention' | 'manual') {
    const at = nowIso();
    const { keyId, signature } = this.keys.sign(checkpointMessage(seq, hash, at, kind));
    await tx.db
      .insertInto('audit_checkpoints')
      .values({ seq, hash, at, key_id: keyId, signature, kind })
      .onConflict((oc) => oc.column('seq').doNothing())
      .execute();
  }

  /** Signs the current head, if it is not signed yet (shutdown, periodic job). */
  async checkpointHead(db: Db): Promise<number | null> {
    return transact(db, async (tx) => {
      const head = await lockHead(tx);
      if (head.seq === 0) return null;
      await this.writeCheckpoint(tx, head.seq, head.hash, 'manual');
      return head.seq;
    });
  }
}

/** Locks the chain's head row (PostgreSQL row lock; SQLite write lock) so appends are serialised. */
async function lockHead(tx: Tx): Promise<{ seq: number; hash: string }> {
  const head = await tx.db
    .updateTable('audit_head')
    .set((eb) => ({ last_seq: eb.ref('last_seq') }))
    .where('id', '=', 1)
    .returning(['last_seq', 'last_hash'])
    .executeTakeFirstOrThrow();
  return { seq: Number(head.last_seq), hash: head.last_hash };
}
