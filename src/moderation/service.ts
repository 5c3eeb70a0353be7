import { createHash, randomUUID } from 'node:crypto';
import type { ActorRef } from '../audit/actor.js';
import { canonicalJson, nestedDeeperThan } from '../audit/canonical.js';
import { auditText } from '../audit/free-text.js';
import type { AuditLog } from '../audit/service.js';
import type { KeyRing } from '../crypto/keyring.js';
import type { Db } from '../db/database.js';
import { escapeLike, likeEscaped } from '../db/like.js';
import type { ModerationCaseTable } from '../db/schema.js';
import { nowIso, transact } from '../db/transaction.js';
import { AppError, badRequest, conflict, isUniqueViolation, notFound } from '../http/errors.js';
import type { ScreenDecision, ScreenMatch } from '../screening/index.js';
import type { WebhookService } from '../webhooks/service.js';
import type { RuleSetCache } from './rule-sets.js';

export interface ScreenInput {
  contentType: string;
  text: string;
  contentId: string;
  author: { account: string; ip?: string };
  context?: Record<string, unknown>;
}

export interface GateMatch extends ScreenMatch {
  ruleSet: string;
  version: number;
}

export interface ScreenAnswer {
  decision: ScreenDecision;
  matches: GateMatch[];
  caseId?: string;
}

export interface StatementOfReasons {
  /** What was found. */
  facts: string;
  /** The rule applied. */
  rule: string;
  /** The legal or contractual ground. */
  ground: string;
  /** How the author may object. */
  objection: string;
}

export type CaseAction = 'remove' | 'restore' | 'escalate' | 'reportable';

const ACTION_STATUS: Record<CaseAction, string> = {
  remove: 'removed',
  restore: 'restored',
  escalate: 'escalated',
  reportable: 'reportable',
};

const ORDER: Record<string, number> = { allow: 0, flag: 0, review: 1, block: 2 };
/** Counter slots by ORDER. */
const DECISIONS = ['allow', 'review', 'block'] as const;
const CLAIM_MINUTES = 30;

export interface CaseView {
  id: string;
  contentId: string;
  contentType: string;
  decision: string;
  status: string;
  topCategory: string;
  categories: string[];
  authorAccount: string;
  receivedAt: string;
  transmissionStoppedAt: string | null;
  claimedBy: string | null;
  claimedAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  reasons: StatementOfReasons | null;
  retainUntil: string;
  legalHold: boolean;
  purgedAt: string | null;
  claimedByName?: string | null;
  decidedByName?: string | null;
}

export const toCaseView = (c: ModerationCaseTable): CaseView => ({
  id: c.id,
  contentId: c.content_id,
  contentType: c.content_type,
  decision: c.decision,
  status: c.status,
  topCategory: c.top_category,
  categories: JSON.parse(c.categories) as string[],
  authorAccount: c.author_account,
  receivedAt: c.received_at,
  transmissionStoppedAt: c.transmission_stopped_at,
  claimedBy: c.claimed_by,
  claimedAt: c.claimed_at,
  decidedBy: c.decided_by,
  decidedAt: c.decided_at,
  reasons: c.reasons ? (JSON.parse(c.reasons) as StatementOfReasons) : null,
  retainUntil: c.retain_until,
  legalHold: c.legal_hold === 1,
  purgedAt: c.purged_at,
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The gate before publication and the moderation workflow (Decision art. 5; CSL 47 / 49; ICP Measures 14–16).
 * `block` tells the caller to stop transmission; blocked and queued content opens a case whose evidence
 * (content, its hash, account, IP, time, content id, rule versions, matches) is sealed and hash-linked
 * into the audit chain.
 */
export class ModerationService {
  private counters = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly keys: KeyRing,
    private readonly audit: AuditLog,
    private readonly webhooks: WebhookService,
    private readonly cache: RuleSetCache,
    private readonly retentionDays: number,
  ) {}

  /** Runs every published rule set; the strongest action decides. Pure: stores nothing. */
  evaluate(text: string, contentType: string): { decision: ScreenDecision; matches: GateMatch[] } {
    let decision: ScreenDecision = 'allow';
    const matches: GateMatch[] = [];
    for (const { id, version, set } of this.cache.current()) {
      const r = set.screen(text, { contentType });
      for (const m of r.matches) matches.push({ ...m, ruleSet: id, version });
      if (ORDER[r.decision] > ORDER[decision]) decision = r.decision;
    }
    return { decision, matches };
  }

  private day = { until: 0, value: '' };
  /** Today's counts per content type: [allow, review, block]; earlier days wait in `counters` for the flush. */
  private today = new Map<string, number[]>();

  private count(contentType: string, decision: ScreenDecision) {
    const now = Date.now();
    // The day string is recomputed once a second, not on every screened item.
    if (now >= this.day.until) {
      const value = new Date(now).toISOString().slice(0, 10);
      if (value !== this.day.value) this.foldToday();
      this.day = { until: now + 1000, value };
    }
    // No string built per item: one map lookup by content type, one array slot by decision.
    let c = this.today.get(contentType);
    if (c === undefined) this.today.set(contentType, (c = [0, 0, 0]));
    c[ORDER[decision]]++;
  }

  /** Moves today's counts into the keyed batch that `flushCounters` writes. */
  private foldToday() {
    for (const [contentType, c] of this.today) {
      DECISIONS.forEach((decision, k) => {
        if (c[k] === 0) return;
        const key = `${this.day.value}|${contentType}|${decision}`;
        this.counters.set(key, (this.counters.get(key) ?? 0) + c[k]);
      });
    }
    this.today = new Map();
  }

  /** Writes the in-memory counters (allowed content is only counted, never stored). */
  async flushCounters(): Promise<void> {
    this.foldToday();
    if (!this.counters.size) return;
    const batch = this.counters;
    this.counters = new Map();
    for (const [key, n] of batch) {
      const [day, content_type, decision] = key.split('|');
      await this.db
        .insertInto('screen_counters')
        .values({ day, content_type, decision, count: n })
        .onConflict((oc) =>
          oc.columns(['day', 'content_type', 'decision']).doUpdateSet((eb) => ({
            count: eb('screen_counters.count', '+', eb.ref('excluded.count')),
          })),
        )
        .execute();
    }
  }

  startCounters(intervalMs = 10_000): void {
    this.flushTimer ??= setInterval(() => void this.flushCounters().catch(() => undefined), intervalMs);
    this.flushTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    await this.flushCounters();
  }

  /**
   * Screens one item before publication. Idempotent on `contentId`: a second call returns the first answer.
   * @example const { decision } = await moderation.screen(actor, { contentType: 'post', text, contentId, author });
   */
  async screen(actor: ActorRef, input: ScreenInput, requestId?: string): Promise<ScreenAnswer> {
    return this.screenNow(actor, input, requestId);
  }

  /**
   * As `screen`, but allowed content is answered at once, without a promise: the HTTP gate's hot path, where
   * a promise per request is a measurable share of the cost. Content that opens a case answers a promise.
   */
  screenNow(actor: ActorRef, input: ScreenInput, requestId?: string): ScreenAnswer | Promise<ScreenAnswer> {
    checkScreenContext(input.context, 'context');
    const { decision, matches } = this.evaluate(input.text, input.contentType);
    // Allowed content touches no storage (the hot path).
    if (decision === 'allow') {
      this.count(input.contentType, decision);
      return { decision, matches };
    }
    return this.openCase(actor, input, decision, matches, requestId);
  }

  /**
   * Blocked or queued content: a case with sealed evidence. Content that opens a case is looked up first, so
   * a retry with the same content id gets the first answer and no second case.
   */
  private async openCase(
    actor: ActorRef,
    input: ScreenInput,
    decision: ScreenDecision,
    matches: GateMatch[],
    requestId?: string,
  ): Promise<ScreenAnswer> {
    const existing = await this.db
      .selectFrom('moderation_cases')
      .selectAll()
      .where('content_id', '=', input.contentId)
      .executeTakeFirst();
    if (existing) return this.answerFor(existing);
    this.count(input.contentType, decision);
    const now = nowIso();
    const id = randomUUID();
    const categories = [...new Set(matches.filter((m) => m.action === decision).map((m) => m.category))];
    const ruleVersions = [...new Map(matches.map((m) => [m.ruleSet, m.version]))].map(
      ([ruleSet, version]) => ({ ruleSet, version }),
    );
    const contentHash = sha256(input.text);
    const evidence = {
      caseId: id,
      contentId: input.contentId,
      contentType: input.contentType,
      contentSha256: contentHash,
      authorAccount: input.author.account,
      authorIpDigest: input.author.ip ? this.keys.digest('evidence-ip', input.author.ip) : null,
      receivedAt: now,
      ruleVersions,
      matches,
    };
    const evidenceHash = sha256(canonicalJson(evidence));
    try {
      await transact(this.db, async (tx) => {
        await tx.db
          .insertInto('moderation_cases')
          .values({
            id,
            content_id: input.contentId,
            content_type: input.contentType,
            decision,
            status: 'open',
            top_category: categories[0] ?? 'other',
            categories: JSON.stringify(categories),
            author_account: input.author.account,
            received_at: now,
            // The synchronous `block` answer is the instruction to stop transmitting (CSL 47 / 49).
            transmission_stopped_at: decision === 'block' ? now : null,
            claimed_by: null,
            claimed_at: null,
            decided_by: null,
            decided_at: null,
            reasons: null,
            retain_until: new Date(Date.now() + this.retentionDays * 86_400_000).toISOString(),
            legal_hold: 0,
            purged_at: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
        await tx.db
          .insertInto('moderation_evidence')
          .values({
            case_id: id,
            content_sealed: this.keys.seal(input.text, `evidence:${id}`),
            content_sha256: contentHash,
            author_ip_sealed: input.author.ip ? this.keys.seal(input.author.ip, `evidence-ip:${id}`) : null,
            // The provider's context may carry personal information (a device id, a phone): sealed like
            // the content, and cleared with it at the end of retention.
            context: this.keys.seal(JSON.stringify(input.context ?? {}), `evidence-context:${id}`),
            rule_versions: JSON.stringify(ruleVersions),
            matches: JSON.stringify(matches),
            evidence_hash: evidenceHash,
          })
          .execute();
        // The evidence hash enters the audit chain: evidence edited later no longer matches it.
        await this.audit.append(tx, {
          action: decision === 'block' ? 'screen.block' : 'screen.review',
          actor,
          requestId,
          target: { type: 'case', id },
          details: {
            // The provider's own id, which may carry a phone or account number: masked like free text.
            contentId: auditText(input.contentId),
            evidenceSha256: evidenceHash,
            contentSha256: contentHash,
            ruleVersions,
          },
        });
      });
    } catch (err) {
      // Two instances screened the same content at once: the first case stands.
      if (isUniqueViolation(err)) {
        const c = await this.db
          .selectFrom('moderation_cases')
          .selectAll()
          .where('content_id', '=', input.contentId)
          .executeTakeFirstOrThrow();
        return this.answerFor(c);
      }
      throw err;
    }
    return { decision, matches, caseId: id };
  }

  private async answerFor(c: ModerationCaseTable): Promise<ScreenAnswer> {
    const e = await this.db
      .selectFrom('moderation_evidence')
      .select('matches')
      .where('case_id', '=', c.id)
      .executeTakeFirst();
    return {
      decision: c.decision as ScreenDecision,
      matches: e ? (JSON.parse(e.matches) as GateMatch[]) : [],
      caseId: c.id,
    };
  }

  async list(q: {
    status?: string;
    category?: string;
    contentType?: string;
    olderThanHours?: number;
    q?: string;
    limit: number;
    offset: number;
  }) {
    let s = this.db.selectFrom('moderation_cases');
    if (q.status === 'queue') s = s.where('status', 'in', ['open', 'claimed', 'escalated']);
    else if (q.status) s = s.where('status', '=', q.status);
    if (q.category)
      s = s.where((eb) => likeEscaped(eb.ref('categories'), `%${escapeLike(JSON.stringify(q.category))}%`));
    if (q.contentType) s = s.where('content_type', '=', q.contentType);
    if (q.olderThanHours)
      s = s.where('received_at', '<=', new Date(Date.now() - q.olderThanHours * 3_600_000).toISOString());
    if (q.q) s = s.where((eb) => eb.or([eb('content_id', '=', q.q!), eb('author_account', '=', q.q!)]));
    const total = Number((await s.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await s
      .selectAll()
      .orderBy('received_at')
      .orderBy('id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return { total, items: await this.withNames(rows.map(toCaseView)) };
  }

  /** Adds the display names of who claimed and decided, so moderators need no access to the user list. */
  private async withNames(cases: CaseView[]): Promise<CaseView[]> {
    const ids = [
      ...new Set(cases.flatMap((c) => [c.claimedBy, c.decidedBy]).filter((x): x is string => !!x)),
    ];
    if (!ids.length) return cases;
    const users = await this.db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('id', 'in', ids)
      .execute();
    const name = new Map(users.map((u) => [u.id, u.display_name]));
    return cases.map((c) => ({
      ...c,
      claimedByName: c.claimedBy ? (name.get(c.claimedBy) ?? null) : null,
      decidedByName: c.decidedBy ? (name.get(c.decidedBy) ?? null) : null,
    }));
  }

  private async caseRow(id: string): Promise<ModerationCaseTable> {
    const c = await this.db
      .selectFrom('moderation_cases')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!c) throw notFound('Case');
    return c;
  }

  /** A case with its evidence; opening the content is a read of user data, so it is audited. */
  async get(actor: ActorRef, id: string, requestId?: string) {
    const c = await this.caseRow(id);
    const e = await this.db
      .selectFrom('moderation_evidence')
      .selectAll()
      .where('case_id', '=', id)
      .executeTakeFirstOrThrow();
    const content = e.content_sealed ? this.keys.open(e.content_sealed, `evidence:${id}`).toString() : null;
    await transact(this.db, (tx) =>
      this.audit.append(tx, {
        action: 'case.view',
        actor,
        requestId,
        target: { type: 'case', id },
        purpose: 'moderation',
      }),
    );
    return {
      ...(await this.withNames([toCaseView(c)]))[0],
      evidence: {
        content,
        contentSha256: e.content_sha256,
        evidenceSha256: e.evidence_hash,
        context: this.contextOf(id, e.context),
        ruleVersions: JSON.parse(e.rule_versions) as Array<{ ruleSet: string; version: number }>,
        matches: JSON.parse(e.matches) as GateMatch[],
        hasAuthorIp: e.author_ip_sealed !== null,
      },
    };
  }

  async claim(actor: ActorRef, id: string, requestId?: string): Promise<CaseView> {
    return transact(this.db, async (tx) => {
      const c = await tx.db
        .selectFrom('moderation_cases')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!c) throw notFound('Case');
      const stale = c.claimed_at && Date.parse(c.claimed_at) < Date.now() - CLAIM_MINUTES * 60_000;
      if (c.status === 'claimed' && c.claimed_by !== actor.id && !stale)
        throw conflict('claimed', 'Another moderator is working on this case');
      if (!['open', 'claimed', 'escalated'].includes(c.status))
        throw conflict('decided', `This case is already ${c.status}`);
      const now = nowIso();
      await tx.db
        .updateTable('moderation_cases')
        .set({ status: 'claimed', claimed_by: actor.id, claimed_at: now, updated_at: now })
        .where('id', '=', id)
        .execute();
      await this.audit.append(tx, { action: 'case.claim', actor, requestId, target: { type: 'case', id } });
      return toCaseView({ ...c, status: 'claimed', claimed_by: actor.id, claimed_at: now });
    });
  }

  /**
   * Decides a case. Removal needs a statement of reasons for the author and calls the provider's webhook
   * (`content.removed`) so the content disappears from its systems; the case records when transmission stopped.
   */
  async decide(
    actor: ActorRef,
    id: string,
    input: { action: CaseAction; reasons?: StatementOfReasons },
    requestId?: string,
  ): Promise<CaseView> {
    if (input.action === 'remove' && !input.reasons)
      throw badRequest(
        'reasons_required',
        'reasons (facts, rule, ground, objection) are required to remove content',
        'reasons',
      );
    return transact(this.db, async (tx) => {
      const c = await tx.db
        .selectFrom('moderation_cases')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!c) throw notFound('Case');
      if (c.status === 'claimed' && c.claimed_by !== actor.id)
        throw conflict('claimed', 'Another moderator is working on this case; claim it first');
      if (['removed', 'restored'].includes(c.status))
        throw conflict('decided', `This case is already ${c.status}`);
      const now = nowIso();
      const status = ACTION_STATUS[input.action];
      const set: Partial<ModerationCaseTable> = {
        status,
        decided_by: actor.id,
        decided_at: now,
        reasons: input.reasons ? JSON.stringify(input.reasons) : c.reasons,
        updated_at: now,
      };
      if (input.action === 'remove' && !c.transmission_stopped_at) set.transmission_stopped_at = now;
      await tx.db.updateTable('moderation_cases').set(set).where('id', '=', id).execute();
      if (input.action === 'remove' || input.action === 'restore')
        await this.webhooks.emit(tx, input.action === 'remove' ? 'content.removed' : 'content.restored', {
          caseId: id,
          contentId: c.content_id,
          contentType: c.content_type,
          category: c.top_category,
          reasons: input.reasons ?? null,
        });
      await this.audit.append(tx, {
        action: `case.${input.action}`,
        actor,
        requestId,
        target: { type: 'case', id },
        details: { status, contentId: auditText(c.content_id) },
      });
      return toCaseView({ ...c, ...set });
    });
  }

  async setLegalHold(actor: ActorRef, id: string, hold: boolean, requestId?: string): Promise<CaseView> {
    return transact(this.db, async (tx) => {
      const c = await tx.db
        .selectFrom('moderation_cases')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!c) throw notFound('Case');
      await tx.db
        .updateTable('moderation_cases')
        .set({ legal_hold: hold ? 1 : 0, updated_at: nowIso() })
        .where('id', '=', id)
        .execute();
      await this.audit.append(tx, {
        action: hold ? 'case.hold' : 'case.release',
        actor,
        requestId,
        target: { type: 'case', id },
      });
      return toCaseView({ ...c, legal_hold: hold ? 1 : 0 });
    });
  }

  /** The provider's context kept with the evidence: sealed (plain JSON in rows written before sealing). */
  private contextOf(id: string, stored: string): Record<string, unknown> {
    const json = stored.startsWith('v1.')
      ? this.keys.open(stored, `evidence-context:${id}`).toString()
      : stored;
    return JSON.parse(json) as Record<string, unknown>;
  }

  /** Purges evidence content past retention (never under legal hold); the hashes and the case stay. */
  async purgeExpired(actor: ActorRef): Promise<number> {
    const now = nowIso();
    const due = await this.db
      .selectFrom('moderation_cases')
      .select('id')
      .where('retain_until', '<', now)
      .where('legal_hold', '=', 0)
      .where('purged_at', 'is', null)
      .execute();
    for (const { id } of due)
      await transact(this.db, async (tx) => {
        // Everything that quotes the content or its author goes: the text, the IP, the provider's context and
        // the matched words (a phone number, for personal-information trading). Hashes, rules and offsets stay.
        const e = await tx.db
          .selectFrom('moderation_evidence')
          .select('matches')
          .where('case_id', '=', id)
          .executeTakeFirst();
        const matches = e ? (JSON.parse(e.matches) as GateMatch[]).map((m) => ({ ...m, matched: '' })) : [];
        await tx.db
          .updateTable('moderation_evidence')
          .set({
            content_sealed: null,
            author_ip_sealed: null,
            context: '{}',
            matches: JSON.stringify(matches),
          })
          .where('case_id', '=', id)
          .execute();
        await tx.db
          .updateTable('moderation_cases')
          .set({ purged_at: now, updated_at: now })
          .where('id', '=', id)
          .execute();
        await this.audit.append(tx, { action: 'case.evidence.purge', actor, target: { type: 'case', id } });
      });
    return due.length;
  }

  /** Recomputes a case's evidence hash and compares it with the hash recorded in the audit chain. */
  async verifyEvidence(id: string): Promise<{ ok: boolean; evidenceSha256: string; audited: string | null }> {
    const c = await this.caseRow(id);
    const e = await this.db
      .selectFrom('moderation_evidence')
      .selectAll()
      .where('case_id', '=', id)
      .executeTakeFirstOrThrow();
    const entry = await this.db
      .selectFrom('audit_entries')
      .select('details')
      .where('target_type', '=', 'case')
      .where('target_id', '=', id)
      .where('action', 'in', ['screen.block', 'screen.review'])
      .executeTakeFirst();
    const audited = entry ? (JSON.parse(entry.details).evidenceSha256 as string) : null;
    // After the retention purge only the hashes remain: the stored hash is checked against the chain.
    if (!e.content_sealed)
      return { ok: audited === e.evidence_hash, evidenceSha256: e.evidence_hash, audited };
    const content = this.keys.open(e.content_sealed, `evidence:${id}`).toString();
    const ip = e.author_ip_sealed ? this.keys.open(e.author_ip_sealed, `evidence-ip:${id}`).toString() : null;
    const recomputed = sha256(
      canonicalJson({
        caseId: id,
        contentId: c.content_id,
        contentType: c.content_type,
        contentSha256: sha256(content),
        authorAccount: c.author_account,
        authorIpDigest: ip ? this.keys.digest('evidence-ip', ip) : null,
        receivedAt: c.received_at,
        ruleVersions: JSON.parse(e.rule_versions),
        matches: JSON.parse(e.matches),
      }),
    );
    return {
      ok: audited === recomputed && recomputed === e.evidence_hash,
      evidenceSha256: recomputed,
      audited,
    };
  }

  /** Plaintext evidence for a report package to an authority (audited by the caller). */
  async evidenceForReport(id: string) {
    const c = await this.caseRow(id);
    const e = await this.db
      .selectFrom('moderation_evidence')
      .selectAll()
      .where('case_id', '=', id)
      .executeTakeFirstOrThrow();
    if (!e.content_sealed)
      throw new AppError(410, 'purged', `The evidence of case ${id} was purged after its retention period`);
    return {
      case: toCaseView(c),
      content: this.keys.open(e.content_sealed, `evidence:${id}`).toString(),
      authorIp: e.author_ip_sealed
        ? this.keys.open(e.author_ip_sealed, `evidence-ip:${id}`).toString()
        : null,
      contentSha256: e.content_sha256,
      evidenceSha256: e.evidence_hash,
      context: this.contextOf(id, e.context),
      ruleVersions: JSON.parse(e.rule_versions) as unknown[],
      matches: JSON.parse(e.matches) as GateMatch[],
    };
  }
}

/** How much of the provider's context is kept with evidence (canonical JSON), and how deep it may nest. */
export const MAX_CONTEXT_CHARS = 8192;
export const MAX_CONTEXT_DEPTH = 16;

/** Refuses a context the evidence cannot keep, before anything is screened or stored. */
export function checkScreenContext(context: Record<string, unknown> | undefined, field: string): void {
  if (context === undefined) return;
  if (nestedDeeperThan(context, MAX_CONTEXT_DEPTH))
    throw badRequest('invalid_context', `${field} nests deeper than ${MAX_CONTEXT_DEPTH} levels`, field);
  // The length of the JSON kept (key order changes nothing of it), without sorting on the gate's hot path.
  if (JSON.stringify(context).length > MAX_CONTEXT_CHARS)
    throw badRequest(
      'context_too_large',
      `${field} must be at most ${MAX_CONTEXT_CHARS} characters of JSON`,
      field,
    );
}
