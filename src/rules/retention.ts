import { randomUUID } from 'node:crypto';
import { SYSTEM, type ActorRef } from '../audit/actor.js';
import type { AuditLog } from '../audit/service.js';
import type { Config } from '../config/config.js';
import type { Db } from '../db/database.js';
import type { RetentionSweepItemTable, RetentionSweepTable } from '../db/schema.js';
import { transact, type Tx } from '../db/transaction.js';
import { conflict, notFound } from '../http/errors.js';
import { generalize, replace } from '../pii/operators.js';
import type { FieldType } from '../vault/fields.js';
import type { VaultService } from '../vault/service.js';
import { NON_PERSONAL_CATEGORIES, retentionEnd, type Purpose } from './register.js';
import type { RulesVersion } from './service.js';

/**
 * The retention sweep (PIPL 19: kept no longer than the purpose needs; PIPL 47: deleted, or anonymised, when
 * the purpose ends, its period runs out or consent is withdrawn). A sweep first makes a report — which
 * fields of which subjects are past every purpose that holds them, and what happens to each — that staff
 * review; applying it re-checks every item and deletes or anonymises as the register says.
 */

export type SweepAction = 'delete' | 'anonymise' | 'unregistered';

export interface SweepItem {
  seq: number;
  subjectId: string;
  field: string;
  category: string;
  action: SweepAction;
  /** The published purposes that list the field's category. */
  purposes: string[];
  /** pending → applied or skipped; `reported` for register gaps, which are never touched. */
  status: 'pending' | 'applied' | 'skipped' | 'reported';
  note: string | null;
}

export interface SweepSummary {
  subjects: number;
  fields: number;
  delete: number;
  anonymise: number;
  unregistered: number;
  byPurpose: Record<string, number>;
  byCategory: Record<string, Partial<Record<SweepAction, number>>>;
  /** Why the sweep did nothing, when it did nothing. */
  message?: string;
}

export interface SweepView {
  id: string;
  status: 'report' | 'applying' | 'applied' | 'noop';
  rulesVersion: number | null;
  asOf: string;
  createdAt: string;
  createdBy: ActorRef;
  summary: SweepSummary;
  appliedAt: string | null;
  appliedBy: ActorRef | null;
  applied: { applied: number; skipped: number; subjects: number } | null;
}

/** What the sweep needs of the rules module. */
export interface RulesInForce {
  current(): Promise<RulesVersion | null>;
}

interface LatestConsent {
  given: number;
  created_at: string;
  id: string;
}

/**
 * Does any purpose still hold a field of this category? Consent-based purposes hold it while the subject's
 * latest consent is given and within the retention period (PIPL 47 (2): withdrawal ends it); other bases
 * while the field's last write is within the period. Returns null when held, else the action and purposes.
 */
export function judgeField(
  field: { category: string; updatedAt: string },
  purposes: Purpose[],
  consentFor: (purpose: string) => LatestConsent | undefined,
  now: number,
): { action: SweepAction; purposes: string[] } | null {
  // Organisation identifiers are not personal information: no purpose lists them, none need to.
  if (NON_PERSONAL_CATEGORIES.includes(field.category)) return null;
  const listing = purposes.filter((p) => p.categories.includes(field.category));
  if (!listing.length) return { action: 'unregistered', purposes: [] };
  const holds = listing.some((p) => {
    if (p.legalBasis === 'consent') {
      const c = consentFor(p.key);
      return !!c && c.given === 1 && retentionEnd(p, c.created_at) >= now;
    }
    return retentionEnd(p, field.updatedAt) >= now;
  });
  if (holds) return null;
  return {
    action: listing.some((p) => p.retentionAction === 'anonymise') ? 'anonymise' : 'delete',
    purposes: listing.map((p) => p.key),
  };
}

/**
 * Anonymisation (PIPL 73 (4)): generalised where the engine can (birth date → year, address → city), else
 * the type tag; nothing of the value is kept otherwise.
 */
export function anonymiseValue(type: FieldType, value: string): string {
  if (type === 'BIRTH_DATE' || type === 'ADDRESS') return generalize(value, type);
  return type === 'OTHER' ? '<OTHER>' : replace(type);
}

const toView = (r: RetentionSweepTable): SweepView => ({
  id: r.id,
  status: r.status as SweepView['status'],
  rulesVersion: r.rules_version,
  asOf: r.as_of,
  createdAt: r.created_at,
  createdBy: { type: r.actor_type as ActorRef['type'], id: r.actor_id },
  summary: JSON.parse(r.summary) as SweepSummary,
  appliedAt: r.status === 'applied' ? r.applied_at : null,
  appliedBy: r.applied_by_type ? { type: r.applied_by_type as ActorRef['type'], id: r.applied_by_id } : null,
  applied: r.apply_summary ? (JSON.parse(r.apply_summary) as SweepView['applied']) : null,
});

const toItem = (r: RetentionSweepItemTable): SweepItem => ({
  seq: r.seq,
  subjectId: r.subject_id,
  field: r.field_name,
  category: r.category,
  action: r.action as SweepAction,
  purposes: JSON.parse(r.purposes) as string[],
  status: r.status as SweepItem['status'],
  note: r.note,
});

/** An apply that has not finished within this long is taken to have died, and may be run again. */
const APPLY_LEASE_MS = 15 * 60_000;
const PAGE = 500;

export class RetentionService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly rules: RulesInForce,
    private readonly vault: VaultService,
    private readonly settings: Config['retention'] = { sweepIntervalHours: 24, autoApply: false },
  ) {}

  /** The latest consent of each (ledger reference, purpose) among these references. */
  private async latestConsents(db: Db, refs: string[], purposes: string[]) {
    const out = new Map<string, LatestConsent>();
    if (!refs.length || !purposes.length) return out;
    const rows = await db
      .selectFrom('consents')
      .select(['subject', 'purpose_key', 'given', 'created_at', 'id'])
      .where('subject', 'in', refs)
      .where('purpose_key', 'in', purposes)
      .execute();
    for (const r of rows) {
      const k = `${r.subject}\u0000${r.purpose_key}`;
      const prev = out.get(k);
      // The ledger's order: the latest time counts; the id decides a tie, as in the purpose check.
      if (!prev || r.created_at > prev.created_at || (r.created_at === prev.created_at && r.id > prev.id))
        out.set(k, r);
    }
    return out;
  }

  /**
   * Makes a dry-run report: nothing personal is changed; the report (subject ids, field names, actions; no
   * values) is stored for review and `apply`.
   * @example const report = await retention.sweep(actor, { now: new Date() });
   */
  async sweep(actor: ActorRef, opts: { now?: Date } = {}, requestId?: string): Promise<SweepView> {
    const now = (opts.now ?? new Date()).getTime();
    const rules = await this.rules.current();
    const summary: SweepSummary = {
      subjects: 0,
      fields: 0,
      delete: 0,
      anonymise: 0,
      unregistered: 0,
      byPurpose: {},
      byCategory: {},
    };
    const items: RetentionSweepItemTable[] = [];
    const id = randomUUID();
    if (!rules)
      summary.message =
        'No collection-and-use rules are published yet: there is no purpose to judge retention against, so nothing was examined';
    else {
      const consentPurposes = rules.purposes.filter((p) => p.legalBasis === 'consent').map((p) => p.key);
      let after = '';
      for (;;) {
        const subjects = await this.db
          .selectFrom('subjects')
          .select(['id', 'external_id'])
          .where('erased_at', 'is', null)
          .where('id', '>', after)
          .orderBy('id')
          .limit(PAGE)
          .execute();
        if (!subjects.length) break;
        after = subjects[subjects.length - 1].id;
        summary.subjects += subjects.length;
        const ref = new Map(subjects.map((s) => [s.id, s.external_id ?? s.id]));
        const fields = await this.db
          .selectFrom('subject_fields')
          .select(['subject_id', 'name', 'category', 'updated_at'])
          .where(
            'subject_id',
            'in',
            subjects.map((s) => s.id),
          )
          .where('anonymised_at', 'is', null)
          .orderBy('subject_id')
          .orderBy('name')
          .execute();
        summary.fields += fields.length;
        const consents = await this.latestConsents(this.db, [...new Set(ref.values())], consentPurposes);
        for (const f of fields) {
          const r = ref.get(f.subject_id)!;
          const verdict = judgeField(
            { category: f.category, updatedAt: f.updated_at },
            rules.purposes,
            (p) => consents.get(`${r}\u0000${p}`),
            now,
          );
          if (!verdict) continue;
          summary[verdict.action]++;
          const byCat = (summary.byCategory[f.category] ??= {});
          byCat[verdict.action] = (byCat[verdict.action] ?? 0) + 1;
          for (const p of verdict.purposes) summary.byPurpose[p] = (summary.byPurpose[p] ?? 0) + 1;
          items.push({
            sweep_id: id,
            seq: items.length + 1,
            subject_id: f.subject_id,
            field_name: f.name,
            category: f.category,
            action: verdict.action,
            purposes: JSON.stringify(verdict.purposes),
            status: verdict.action === 'unregistered' ? 'reported' : 'pending',
            note: null,
          });
        }
      }
    }
    const row: RetentionSweepTable = {
      id,
      status: rules ? 'report' : 'noop',
      rules_version: rules?.version ?? null,
      as_of: new Date(now).toISOString(),
      summary: JSON.stringify(summary),
      actor_type: actor.type,
      actor_id: actor.id,
      created_at: new Date().toISOString(),
      applied_at: null,
      applied_by_type: null,
      applied_by_id: null,
      apply_summary: null,
    };
    return transact(this.db, async (tx) => {
      await tx.db.insertInto('retention_sweeps').values(row).execute();
      for (let i = 0; i < items.length; i += PAGE)
        await tx.db
          .insertInto('retention_sweep_items')
          .values(items.slice(i, i + PAGE))
          .execute();
      await this.audit.append(tx, {
        action: 'retention.sweep',
        actor,
        requestId,
        target: { type: 'retention_sweep', id },
        details: {
          status: row.status,
          rulesVersion: row.rules_version,
          asOf: row.as_of,
          subjects: summary.subjects,
          fields: summary.fields,
          delete: summary.delete,
          anonymise: summary.anonymise,
          unregistered: summary.unregistered,
        },
      });
      return toView(row);
    });
  }

  async list(q: { limit: number; offset: number }) {
    const total = Number(
      (
        await this.db
          .selectFrom('retention_sweeps')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const rows = await this.db
      .selectFrom('retention_sweeps')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return { items: rows.map(toView), total, limit: q.limit, offset: q.offset };
  }

  async get(id: string): Promise<SweepView> {
    const r = await this.db
      .selectFrom('retention_sweeps')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) throw notFound('Retention sweep');
    return toView(r);
  }

  /** A report's items: subject ids, field names, categories, actions and outcomes; never values. */
  async items(id: string, q: { limit: number; offset: number; action?: SweepAction }) {
    await this.get(id);
    let base = this.db.selectFrom('retention_sweep_items').where('sweep_id', '=', id);
    if (q.action) base = base.where('action', '=', q.action);
    const total = Number((await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await base.selectAll().orderBy('seq').limit(q.limit).offset(q.offset).execute();
    return { items: rows.map(toItem), total, limit: q.limit, offset: q.offset };
  }

  /**
   * Applies a reviewed report exactly: each pending item is judged again now and skipped when it is no
   * longer expired (consent given again, field rewritten, register changed) or gone; the rest are deleted or
   * anonymised. One audit entry per subject touched (field names and actions, no values) and a summary.
   * @example await retention.apply(actor, reportId);
   */
  async apply(
    actor: ActorRef,
    id: string,
    opts: { now?: Date } = {},
    requestId?: string,
  ): Promise<SweepView> {
    const now = (opts.now ?? new Date()).getTime();
    const sweep = await this.get(id);
    if (sweep.status === 'applied') throw conflict('already_applied', 'This report was already applied');
    if (sweep.status === 'noop')
      throw conflict('nothing_to_apply', 'This report examined nothing (no rules were published)');
    // One apply at a time: claim the report; an apply that died is reclaimed after its lease.
    const claimedAt = new Date().toISOString();
    const claim = await this.db
      .updateTable('retention_sweeps')
      .set({
        status: 'applying',
        applied_at: claimedAt,
        applied_by_type: actor.type,
        applied_by_id: actor.id,
      })
      .where('id', '=', id)
      .where((w) =>
        w.or([
          w('status', '=', 'report'),
          w.and([
            w('status', '=', 'applying'),
            w('applied_at', '<', new Date(Date.now() - APPLY_LEASE_MS).toISOString()),
          ]),
        ]),
      )
      .executeTakeFirst();
    if (!Number(claim.numUpdatedRows))
      throw conflict('apply_in_progress', 'This report is being applied; try again later');
    // The claim is this apply's as long as `applied_at` is the time it last wrote there: each chunk renews
    // it, and a chunk or the end that finds another time there stops, leaving the report to the apply that
    // reclaimed it (its record of what was done is then the report's).
    let lease = claimedAt;
    const renew = async (tx: Tx, status: 'applying' | 'applied', set: Record<string, unknown> = {}) => {
      const next = new Date(Math.max(Date.now(), Date.parse(lease) + 1)).toISOString();
      const held = await tx.db
        .updateTable('retention_sweeps')
        .set({ ...set, status, applied_at: next })
        .where('id', '=', id)
        .where('status', '=', 'applying')
        .where('applied_at', '=', lease)
        .executeTakeFirst();
      if (!Number(held.numUpdatedRows))
        throw conflict('apply_taken_over', 'Another apply took this report over after a long pause');
      tx.onCommit(() => {
        lease = next;
      });
    };

    const rules = await this.rules.current();
    const pending = await this.db
      .selectFrom('retention_sweep_items')
      .selectAll()
      .where('sweep_id', '=', id)
      .where('status', '=', 'pending')
      .orderBy('seq')
      .execute();
    const bySubject = new Map<string, RetentionSweepItemTable[]>();
    for (const it of pending) {
      const list = bySubject.get(it.subject_id) ?? [];
      list.push(it);
      bySubject.set(it.subject_id, list);
    }
    const subjectIds = [...bySubject.keys()];
    const totals = { applied: 0, skipped: 0, subjects: 0 };
    // Earlier runs of an apply that died count too.
    const before = await this.db
      .selectFrom('retention_sweep_items')
      .select(['status', 'subject_id'])
      .where('sweep_id', '=', id)
      .where('status', 'in', ['applied', 'skipped'])
      .execute();
    totals.applied = before.filter((b) => b.status === 'applied').length;
    totals.skipped = before.filter((b) => b.status === 'skipped').length;
    totals.subjects = new Set(before.filter((b) => b.status === 'applied').map((b) => b.subject_id)).size;

    for (let i = 0; i < subjectIds.length; i += 100) {
      const chunk = subjectIds.slice(i, i + 100);
      await transact(this.db, async (tx) => {
        await renew(tx, 'applying');
        const subjects = await tx.db
          .selectFrom('subjects')
          .select(['id', 'external_id', 'erased_at'])
          .where('id', 'in', chunk)
          .execute();
        const sub = new Map(subjects.map((s) => [s.id, s]));
        const fields = await tx.db
          .selectFrom('subject_fields')
          .select(['subject_id', 'name', 'category', 'updated_at', 'anonymised_at'])
          .where('subject_id', 'in', chunk)
          .execute();
        const consentKeys = rules?.purposes.filter((p) => p.legalBasis === 'consent').map((p) => p.key) ?? [];
        const consents = await this.latestConsents(
          tx.db,
          subjects.map((s) => s.external_id ?? s.id),
          consentKeys,
        );
        // Items' outcomes, written per kind of outcome at the end of the chunk: one statement, not one per item.
        const outcomes = new Map<string, number[]>();
        for (const sid of chunk) {
          const s = sub.get(sid);
          const remove: string[] = [];
          const anon: string[] = [];
          const outcome = new Map<number, { status: 'applied' | 'skipped'; note: string | null }>();
          for (const it of bySubject.get(sid)!) {
            const f = fields.find((x) => x.subject_id === sid && x.name === it.field_name);
            const skip = (note: string) => outcome.set(it.seq, { status: 'skipped', note });
            if (!s || s.erased_at) skip('subject_erased');
            else if (!f) skip('field_gone');
            else if (f.anonymised_at) skip('already_anonymised');
            else if (!rules) skip('rules_unpublished');
            else {
              const ref = s.external_id ?? s.id;
              const verdict = judgeField(
                { category: f.category, updatedAt: f.updated_at },
                rules.purposes,
                (p) => consents.get(`${ref}\u0000${p}`),
                now,
              );
              if (!verdict) skip('no_longer_expired');
              else if (verdict.action !== it.action) skip(`action_changed:${verdict.action}`);
              else {
                (it.action === 'delete' ? remove : anon).push(it.field_name);
                outcome.set(it.seq, { status: 'applied', note: null });
              }
            }
          }
          const done =
            remove.length || anon.length
              ? await this.vault.retireFields(tx, sid, remove, anon, anonymiseValue)
              : { deleted: [], anonymised: [] };
          for (const it of bySubject.get(sid)!) {
            let o = outcome.get(it.seq)!;
            const changed = it.action === 'delete' ? done.deleted : done.anonymised;
            if (o.status === 'applied' && !changed.includes(it.field_name))
              o = { status: 'skipped', note: 'field_gone' };
            if (o.status === 'applied') totals.applied++;
            else totals.skipped++;
            const k = `${o.status}\u0000${o.note ?? ''}`;
            outcomes.set(k, [...(outcomes.get(k) ?? []), it.seq]);
          }
          if (done.deleted.length || done.anonymised.length) {
            totals.subjects++;
            await this.audit.append(tx, {
              action: 'retention.subject',
              actor,
              requestId,
              target: { type: 'subject', id: sid },
              details: { sweep: id, deleted: done.deleted, anonymised: done.anonymised },
            });
          }
        }
        for (const [k, seqs] of outcomes) {
          const [status, note] = k.split('\u0000');
          for (let j = 0; j < seqs.length; j += PAGE)
            await tx.db
              .updateTable('retention_sweep_items')
              .set({ status, note: note || null })
              .where('sweep_id', '=', id)
              .where('seq', 'in', seqs.slice(j, j + PAGE))
              .execute();
        }
      });
    }

    await transact(this.db, async (tx) => {
      await renew(tx, 'applied', {
        applied_by_type: actor.type,
        applied_by_id: actor.id,
        apply_summary: JSON.stringify(totals),
      });
      await this.audit.append(tx, {
        action: 'retention.apply',
        actor,
        requestId,
        target: { type: 'retention_sweep', id },
        details: { ...totals, rulesVersion: rules?.version ?? null, asOf: new Date(now).toISOString() },
      });
    });
    return this.get(id);
  }

  /**
   * The scheduled run: a dry-run report when the last scheduled one is older than the interval (so several
   * instances make one a day between them), applied at once only when `retention.autoApply` is set.
   */
  async scheduled(opts: { now?: Date } = {}): Promise<SweepView | null> {
    const hours = this.settings.sweepIntervalHours;
    if (!hours) return null;
    const now = opts.now ?? new Date();
    const last = await this.db
      .selectFrom('retention_sweeps')
      .select('created_at')
      .where('actor_type', '=', SYSTEM.type)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last && Date.parse(last.created_at) > now.getTime() - hours * 3_600_000) return null;
    const report = await this.sweep(SYSTEM, { now });
    if (!this.settings.autoApply || report.status !== 'report') return report;
    if (report.summary.delete + report.summary.anonymise === 0) return report;
    return this.apply(SYSTEM, report.id, { now });
  }
}

/** The service as the server, the CLI and routes build it from the context. */
export const retentionService = (ctx: {
  db: Db;
  audit: AuditLog;
  rules: RulesInForce;
  vault: VaultService;
  config: Config;
}) => new RetentionService(ctx.db, ctx.audit, ctx.rules, ctx.vault, ctx.config.retention);
