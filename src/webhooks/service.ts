import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/service.js';
import type { ActorRef } from '../audit/actor.js';
import type { KeyRing } from '../crypto/keyring.js';
import type { Db } from '../db/database.js';
import { nowIso, transact, type Tx } from '../db/transaction.js';
import type { JobQueue } from '../jobs/queue.js';
import { notFound } from '../http/errors.js';
import { signWebhook } from './signature.js';
import { errorText, maskUrl } from '../audit/free-text.js';

export const WEBHOOK_JOB = 'webhook.deliver';
/** What an endpoint may subscribe to: the events Custodian sends, or `*` for all of them. */
export const WEBHOOK_EVENTS = ['*', 'content.removed', 'content.restored'] as const;

export interface WebhookEndpointView {
  id: string;
  name: string;
  url: string;
  events: string[];
  active: boolean;
  createdAt: string;
}

/**
 * Outbound webhooks to the provider's systems (e.g. "remove this post"): signed, delivered through jobs so
 * they are retried with back-off, each attempt kept in a delivery log.
 */
export class WebhookService {
  constructor(
    private readonly db: Db,
    private readonly keys: KeyRing,
    private readonly audit: AuditLog,
    private readonly jobs: JobQueue,
  ) {
    jobs.register(WEBHOOK_JOB, (p: { deliveryId: string }) => this.deliver(p.deliveryId));
  }

  async createEndpoint(
    actor: ActorRef,
    input: { name: string; url: string; events: string[] },
    requestId?: string,
  ): Promise<WebhookEndpointView & { secret: string }> {
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const id = randomUUID();
    const now = nowIso();
    await transact(this.db, async (tx) => {
      await tx.db
        .insertInto('webhook_endpoints')
        .values({
          id,
          name: input.name,
          url: input.url,
          secret: this.keys.seal(secret, `webhook:${id}`),
          events: JSON.stringify(input.events),
          active: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await this.audit.append(tx, {
        action: 'webhook.create',
        actor,
        requestId,
        target: { type: 'webhook', id },
        details: { events: input.events },
      });
    });
    return {
      id,
      name: input.name,
      url: shownUrl(input.url),
      events: input.events,
      active: true,
      createdAt: now,
      secret,
    };
  }

  async listEndpoints(): Promise<WebhookEndpointView[]> {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toView);
  }

  async setActive(
    actor: ActorRef,
    id: string,
    active: boolean,
    requestId?: string,
  ): Promise<WebhookEndpointView> {
    return transact(this.db, async (tx) => {
      const r = await tx.db
        .updateTable('webhook_endpoints')
        .set({ active: active ? 1 : 0, updated_at: nowIso() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!r) throw notFound('Webhook endpoint');
      await this.audit.append(tx, {
        action: active ? 'webhook.enable' : 'webhook.disable',
        actor,
        requestId,
        target: { type: 'webhook', id },
      });
      return toView(r);
    });
  }

  async deleteEndpoint(actor: ActorRef, id: string, requestId?: string): Promise<void> {
    await transact(this.db, async (tx) => {
      const r = await tx.db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound('Webhook endpoint');
      await this.audit.append(tx, {
        action: 'webhook.delete',
        actor,
        requestId,
        target: { type: 'webhook', id },
      });
    });
  }

  /** Queues `event` for every active endpoint subscribed to it, inside the caller's transaction. */
  async emit(tx: Tx, event: string, payload: Record<string, unknown>): Promise<number> {
    const endpoints = await tx.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('active', '=', 1)
      .execute();
    let n = 0;
    for (const ep of endpoints) {
      const events = JSON.parse(ep.events) as string[];
      if (!events.includes(event) && !events.includes('*')) continue;
      const id = randomUUID();
      await tx.db
        .insertInto('webhook_deliveries')
        .values({
          id,
          endpoint_id: ep.id,
          event,
          payload: JSON.stringify({ id, event, createdAt: nowIso(), data: payload }),
          status: 'pending',
          attempts: 0,
          last_status_code: null,
          last_error: null,
          created_at: nowIso(),
          delivered_at: null,
        })
        .execute();
      await this.jobs.enqueue(tx.db, WEBHOOK_JOB, { deliveryId: id }, { maxAttempts: 10 });
      n++;
    }
    if (n) tx.onCommit(() => this.jobs.poke());
    return n;
  }

  /** One delivery attempt; throwing makes the job retry with back-off. */
  async deliver(deliveryId: string): Promise<void> {
    const d = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', deliveryId)
      .executeTakeFirst();
    if (!d || d.status === 'delivered') return;
    const ep = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', d.endpoint_id)
      .executeTakeFirst();
    if (!ep) return;
    const secret = this.keys.open(ep.secret, `webhook:${ep.id}`).toString();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(ep.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Custodian-Webhook/1',
          'custodian-event': d.event,
          'custodian-delivery': d.id,
          'custodian-signature': signWebhook(secret, d.payload),
        },
        body: d.payload,
        signal: AbortSignal.timeout(10_000),
        redirect: 'manual',
      });
      status = res.status;
      await res.body?.cancel();
      if (status < 200 || status >= 300) error = `endpoint answered ${status}`;
    } catch (err) {
      // Kept and shown to staff: fetch quotes the address, with any secret in it.
      error = errorText(err);
    }
    await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        status: error ? 'failing' : 'delivered',
        last_status_code: status,
        last_error: error,
        delivered_at: error ? null : nowIso(),
      }))
      .where('id', '=', d.id)
      .execute();
    if (error) throw new Error(error);
  }

  async listDeliveries(opts: { endpointId?: string; limit: number; offset: number }) {
    let q = this.db.selectFrom('webhook_deliveries');
    if (opts.endpointId) q = q.where('endpoint_id', '=', opts.endpointId);
    const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute();
    const items = rows.map((r) => ({
      id: r.id,
      endpointId: r.endpoint_id,
      event: r.event,
      status: r.status,
      attempts: r.attempts,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
    }));
    return { items, total };
  }
}

function toView(r: {
  id: string;
  name: string;
  url: string;
  events: string;
  active: number;
  created_at: string;
}): WebhookEndpointView {
  return {
    id: r.id,
    name: r.name,
    url: shownUrl(r.url),
    events: JSON.parse(r.events) as string[],
    active: r.active === 1,
    createdAt: r.created_at,
  };
}

/**
 * An endpoint's address as shown to staff: a password in it, and query values whose names say they are
 * secrets (`?token=…`), are masked. Deliveries use the address as stored.
 */
export const shownUrl = maskUrl;
