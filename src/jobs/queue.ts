import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db, Store } from '../db/database.js';
import type { JobTable } from '../db/schema.js';
import { nowIso } from '../db/transaction.js';
import { errorText } from '../audit/free-text.js';

export type JobHandler = (payload: any, job: { id: string; attempts: number }) => Promise<void>;

export interface EnqueueOptions {
  runAt?: Date;
  maxAttempts?: number;
}

const LEASE_MS = 5 * 60_000;

/** Exponential back-off with jitter: 10 s, 20 s, 40 s … capped at one hour. */
export function backoffMs(attempts: number): number {
  const base = Math.min(3_600_000, 10_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Background work kept in the database, so that any number of instances share it: each claims due jobs
 * with row locks (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer). Failed jobs are retried
 * with back-off, then dead-lettered for a person to look at and retry.
 */
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Enqueues in the given transaction (or database), so a job exists only if the change that made it commits. */
  async enqueue(db: Db, kind: string, payload: unknown, opts: EnqueueOptions = {}): Promise<string> {
    const id = randomUUID();
    const now = nowIso();
    await db
      .insertInto('jobs')
      .values({
        id,
        kind,
        payload: JSON.stringify(payload ?? null),
        status: 'pending',
        run_at: (opts.runAt ?? new Date()).toISOString(),
        attempts: 0,
        max_attempts: opts.maxAttempts ?? 8,
        locked_until: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return id;
  }

  async claim(limit: number): Promise<JobTable[]> {
    const now = nowIso();
    const { db, dialect } = this.store;
    return db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        locked_until: new Date(Date.now() + LEASE_MS).toISOString(),
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where((w) =>
            w.or([
              w.and([w('status', '=', 'pending'), w('run_at', '<=', now)]),
              // A lease that ran out means its instance died mid-job: the work is claimed again.
              w.and([w('status', '=', 'running'), w('locked_until', '<', now)]),
            ]),
          )
          .orderBy('run_at')
          .limit(limit)
          .$if(dialect.supportsSkipLocked, (q) => q.forUpdate().skipLocked()),
      )
      .returningAll()
      .execute();
  }

  /** Claims and runs due jobs once; returns how many ran. */
  async runDue(limit = 20): Promise<number> {
    const jobs = await this.claim(limit);
    for (const job of jobs) await this.runOne(job);
    return jobs.length;
  }

  private async runOne(job: JobTable): Promise<void> {
    const handler = this.handlers.get(job.kind);
    const db = this.store.db;
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(JSON.parse(job.payload), { id: job.id, attempts: job.attempts });
      await db
        .updateTable('jobs')
        .set({ status: 'done', locked_until: null, last_error: null, updated_at: nowIso() })
        .where('id', '=', job.id)
        .execute();
    } catch (err) {
      const message = errorText(err, 500);
      const dead = !handler || job.attempts >= job.max_attempts;
      await db
        .updateTable('jobs')
        .set({
          status: dead ? 'dead' : 'pending',
          run_at: dead ? job.run_at : new Date(Date.now() + backoffMs(job.attempts)).toISOString(),
          locked_until: null,
          last_error: message,
          updated_at: nowIso(),
        })
        .where('id', '=', job.id)
        .execute();
      this.logger.warn({ jobId: job.id, kind: job.kind, attempts: job.attempts, dead }, 'job failed');
    }
  }

  /** Puts a dead or failing job back in line to run now. */
  async retry(id: string): Promise<boolean> {
    const r = await this.store.db
      .updateTable('jobs')
      .set({ status: 'pending', run_at: nowIso(), attempts: 0, updated_at: nowIso() })
      .where('id', '=', id)
      .where('status', 'in', ['dead', 'pending'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  start(pollMs: number): void {
    if (this.timer) return;
    const tick = () => {
      if (this.running) return;
      this.running = this.runDue()
        .then(() => undefined)
        .catch((err) => this.logger.error({ err }, 'job runner failed'))
        .finally(() => (this.running = null));
    };
    this.timer = setInterval(tick, pollMs);
    this.timer.unref();
  }

  /** Wakes the runner now (after a commit that enqueued work). */
  poke(): void {
    if (this.timer && !this.running) {
      this.running = this.runDue()
        .then(() => undefined)
        .catch((err) => this.logger.error({ err }, 'job runner failed'))
        .finally(() => (this.running = null));
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
