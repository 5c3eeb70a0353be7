import type { Db, DbTx } from './database.js';

/** Where the audit chain stands inside the current transaction, once its head row is locked. */
export interface AuditHeadState {
  lastSeq: number;
  lastHash: string;
  dirty: boolean;
}

/**
 * A unit of work: the Kysely transaction plus hooks run only after a successful commit, for side effects
 * (waking workers, metrics) that must not happen when the transaction rolls back.
 */
export class Tx {
  readonly afterCommit: Array<() => void | Promise<void>> = [];
  auditHead: AuditHeadState | null = null;
  constructor(readonly db: DbTx) {}

  onCommit(fn: () => void | Promise<void>): void {
    this.afterCommit.push(fn);
  }
}

/**
 * Runs `fn` in one transaction; after commit, runs the hooks registered with `tx.onCommit`.
 * @example await transact(db, async (tx) => { await tx.db.insertInto('meta')…; tx.onCommit(() => wake()); });
 */
export async function transact<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let unit: Tx | undefined;
  const result = await db.transaction().execute(async (trx) => {
    unit = new Tx(trx);
    const value = await fn(unit);
    // Audit head moves once per transaction, at the end: fewer writes on the hot row.
    if (unit.auditHead?.dirty) {
      await trx
        .updateTable('audit_head')
        .set({ last_seq: unit.auditHead.lastSeq, last_hash: unit.auditHead.lastHash })
        .where('id', '=', 1)
        .execute();
    }
    return value;
  });
  for (const hook of unit!.afterCommit) {
    try {
      await hook();
    } catch {
      // A failed side effect must not turn a committed write into a reported failure.
    }
  }
  return result;
}

export const nowIso = (): string => new Date().toISOString();
