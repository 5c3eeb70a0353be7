import type { AuditLog } from './service.js';
import type { Db } from '../db/database.js';
import { transact } from '../db/transaction.js';
import { SYSTEM } from './actor.js';

/**
 * Purges entries older than the retention period (never under 180 days: CSL 21 / 23). Before deleting,
 * signs a retention checkpoint at the last purged entry so the remaining chain still verifies from it.
 */
export async function purgeAudit(db: Db, audit: AuditLog, retentionDays: number): Promise<number> {
  const days = Math.max(180, retentionDays);
  const cutoff = new Date(Date.now() - days * 86_400_000).toISOString();
  return transact(db, async (tx) => {
    const last = await tx.db
      .selectFrom('audit_entries')
      .select(['seq', 'hash'])
      .where('at', '<', cutoff)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!last) return 0;
    await audit.writeCheckpoint(tx, Number(last.seq), last.hash, 'retention');
    const r = await tx.db.deleteFrom('audit_entries').where('seq', '<=', Number(last.seq)).executeTakeFirst();
    const n = Number(r.numDeletedRows);
    await audit.append(tx, {
      action: 'audit.purge',
      actor: SYSTEM,
      details: { purged: n, throughSeq: Number(last.seq), retentionDays: days },
    });
    return n;
  });
}
