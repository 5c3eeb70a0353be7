import type pg from 'pg';
import type { AuditEvent, AuditLog } from '../audit/service.js';
import type { Db } from '../db/database.js';

interface Pending {
  ev: AuditEvent;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Audit entries for denied purpose checks, with group commit: denials that arrive while a commit is under
 * way wait for the next one and share its transaction, so a burst of denials costs one durable commit, not
 * one each. Each caller still gets its answer only once its own entry is committed (issue 4: denials are
 * always audited; CSL 21 / Decision art. 4).
 */
export class DenialAudit {
  private queue: Pending[] = [];
  private draining = false;

  /**
   * @param gatherMs how long the first denial waits for others before the commit: 0 gathers one turn of the
   * event loop. On SQLite the commit's fsync blocks the event loop (and every other request) for its
   * duration, so fewer, larger commits are worth a few milliseconds on a denial's answer.
   * @param pool PostgreSQL's pool, for the one-statement append (`AuditLog.appendAlone`).
   */
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly gatherMs = 0,
    private readonly pool?: pg.Pool,
  ) {}

  /** Resolves when `ev` is committed to the audit log; rejects if its transaction failed. */
  record(ev: AuditEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ev, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      // Let the denials of this turn of the event loop (or of the next few milliseconds) join the commit.
      await new Promise((r) => (this.gatherMs ? setTimeout(r, this.gatherMs) : setImmediate(r)));
      const batch = this.queue;
      this.queue = [];
      try {
        await this.audit.appendAlone(
          this.db,
          this.pool,
          batch.map((p) => p.ev),
        );
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.draining = false;
  }
}
