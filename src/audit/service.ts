import type pg from 'pg';
import type { Db } from '../db/database.js';
import { nowIso, transact, type Tx } from '../db/transaction.js';
import type { KeyRing } from '../crypto/keyring.js';
import type { ActorRef } from './actor.js';
import { canonicalJson, checkpointMessage, entryHash, sha256Hex } from './canonical.js';
import { auditText } from './free-text.js';

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
  /** The head as this process last committed it; lets `appendAlone` skip the read that locks the head. */
  private knownHead: { seq: number; hash: string } | null = null;

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
    const head = await this.lock(tx);
    const rows = this.chain(head, events);
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

  /**
   * Takes the audit log's head in `tx` now rather than at its first append: audited writes that must read
   * before they write (an import looking for its rows in the ledger) then run one at a time.
   */
  async lock(tx: Tx): Promise<NonNullable<Tx['auditHead']>> {
    if (!tx.auditHead) {
      const locked = await lockHead(tx);
      const state = (tx.auditHead = { lastSeq: locked.seq, lastHash: locked.hash, dirty: false });
      tx.onCommit(() => this.noteHead(state.lastSeq, state.lastHash));
    }
    return tx.auditHead;
  }

  /**
   * Appends entries that record nothing else (denied purpose checks) in a transaction of their own. On
   * PostgreSQL, when this process knows the head, one statement moves the head and inserts the entries,
   * only if the head is still the one it knew: one round trip instead of five (begin, lock, insert, move,
   * commit). If another writer moved the head, that statement changes nothing and the entries go the usual
   * way. Entries that reach a checkpoint always go the usual way (the checkpoint is signed in the same
   * transaction).
   */
  async appendAlone(db: Db, pool: pg.Pool | undefined, events: AuditEvent[]): Promise<AppendedEntry[]> {
    const known = this.knownHead;
    if (pool && known && events.length <= 1000) {
      const state = { lastSeq: known.seq, lastHash: known.hash };
      const rows = this.chain(state, events);
      if (!rows.some((r) => r.seq % this.checkpointEvery === 0)) {
        const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
        const res = await pool.query({
          name: 'custodian-audit-append',
          text: APPEND_IF_HEAD,
          values: [
            state.lastSeq,
            state.lastHash,
            known.seq,
            known.hash,
            col('seq'),
            col('at'),
            col('actor_type'),
            col('actor_id'),
            col('action'),
            col('target_type'),
            col('target_id'),
            col('purpose'),
            col('request_id'),
            col('details'),
            col('details_digest'),
            col('prev_hash'),
            col('hash'),
          ],
        });
        if (res.rowCount === rows.length) {
          this.noteHead(state.lastSeq, state.lastHash);
          return rows.map((r) => ({ seq: r.seq, hash: r.hash }));
        }
      }
    }
    return transact(db, (tx) => this.appendMany(tx, events));
  }

  private noteHead(seq: number, hash: string): void {
    if (!this.knownHead || seq > this.knownHead.seq) this.knownHead = { seq, hash };
  }

  /** The rows for `events`, chained on from `head` (which moves to the last of them). */
  private chain(head: { lastSeq: number; lastHash: string }, events: AuditEvent[]) {
    return events.map((ev) => {
      const details = storable(canonicalJson(ev.details ?? {}));
      const row = {
        seq: head.lastSeq + 1,
        at: nowIso(),
        actor_type: ev.actor.type,
        actor_id: storable(ev.actor.id),
        action: ev.action,
        target_type: ev.target?.type ?? null,
        // A purpose is typed by a caller, so it may hold personal information; internal ids cannot.
        target_id: storable(
          ev.target?.type === 'purpose' && ev.target.id !== null
            ? auditText(ev.target.id)
            : (ev.target?.id ?? null),
        ),
        purpose: ev.purpose === undefined ? null : storable(auditText(ev.purpose)),
        request_id: storable(ev.requestId ?? null),
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

// The head moves only if it is still where this process left it; the insert happens only if it moved
// (a data-modifying CTE runs once, and the insert reads its result). Under a concurrent writer the update
// waits for its row lock, then finds the head changed and does nothing.
const APPEND_IF_HEAD = `with moved as (
    update audit_head set last_seq = $1, last_hash = $2 where id = 1 and last_seq = $3 and last_hash = $4
    returning 1
  )
  insert into audit_entries (seq, at, actor_type, actor_id, action, target_type, target_id, purpose,
    request_id, details, details_digest, prev_hash, hash)
  select * from unnest($5::integer[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
    $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
  where exists (select 1 from moved)`;

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

// Text is hashed as it will read back: a lone UTF-16 surrogate (half an emoji) is stored as U+FFFD by both
// databases, and PostgreSQL refuses NUL outright, so both become U+FFFD before the hash is taken.
const UNSTORABLE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\0/g;
function storable<T extends string | null>(s: T): T {
  return (s === null ? s : s.replace(UNSTORABLE, '\uFFFD')) as T;
}
