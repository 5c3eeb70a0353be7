import type { Db } from '../db/database.js';

/**
 * How long finished work is kept. A delivered webhook's payload quotes the moderator's statement of reasons,
 * a finished job its arguments, a development message its one-time code: each is kept while staff may
 * need it to trace a problem, then deleted (PIPL 19: no longer than the purpose needs).
 */
export const KEEP_DAYS = {
  /** Jobs done and webhooks delivered. */
  finished: 30,
  /** Dead-lettered jobs and deliveries that never succeeded: staff may still retry or inspect them. */
  failed: 90,
  /** The development outbox: one-time codes expire in minutes. */
  outbox: 7,
} as const;

export interface HousekeepingReport {
  jobs: number;
  deliveries: number;
  outbox: number;
}

/** Deletes finished jobs, webhook deliveries and outbox messages past their keeping time. */
export async function purgeFinished(db: Db, now = new Date()): Promise<HousekeepingReport> {
  const before = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const jobs = await db
    .deleteFrom('jobs')
    .where((w) =>
      w.or([
        w.and([w('status', '=', 'done'), w('updated_at', '<', before(KEEP_DAYS.finished))]),
        w.and([w('status', '=', 'dead'), w('updated_at', '<', before(KEEP_DAYS.failed))]),
      ]),
    )
    .executeTakeFirst();
  const deliveries = await db
    .deleteFrom('webhook_deliveries')
    .where((w) =>
      w.or([
        w.and([w('status', '=', 'delivered'), w('delivered_at', '<', before(KEEP_DAYS.finished))]),
        w.and([w('status', '!=', 'delivered'), w('created_at', '<', before(KEEP_DAYS.failed))]),
      ]),
    )
    .executeTakeFirst();
  const outbox = await db
    .deleteFrom('outbox_messages')
    .where('created_at', '<', before(KEEP_DAYS.outbox))
    .executeTakeFirst();
  return {
    jobs: Number(jobs.numDeletedRows),
    deliveries: Number(deliveries.numDeletedRows),
    outbox: Number(outbox.numDeletedRows),
  };
}
