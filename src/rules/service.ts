import { createHash, randomUUID } from 'node:crypto';
import type { ActorRef } from '../audit/actor.js';
import { canonicalJson, nestedDeeperThan } from '../audit/canonical.js';
import type { AuditLog } from '../audit/service.js';
import type { Db, Store } from '../db/database.js';
import type { ConsentTable } from '../db/schema.js';
import { nowIso, transact } from '../db/transaction.js';
import { AppError, badRequest, conflict, isUniqueViolation, notFound } from '../http/errors.js';
import { DenialAudit } from './denial-audit.js';
import { latestConsentReader, type LatestConsent, type LatestConsentReader } from './latest-consent.js';
import { widening, widens, type Widening } from './widening.js';
import {
  CATEGORY_IDS,
  retentionEnd,
  separateRequirements,
  validatePurpose,
  type Purpose,
  type SeparateKind,
} from './register.js';

export interface RulesVersion {
  version: number;
  effectiveAt: string;
  publishedAt: string;
  sha256: string;
  purposes: Purpose[];
  /** Who published it and how to reach them, as at publication (NDSR 21). */
  organisation: Organisation;
}

/** The publisher's name, protection officer's contact and complaint channel (NDSR 21; GB/T 35273 5.5). */
export interface Organisation {
  providerName: string;
  officerContact: string | null;
  complaintChannel: string | null;
}

export interface ConsentInput {
  subject: string;
  purpose: string;
  given: boolean;
  rulesVersion: number;
  channel: 'web' | 'app' | 'sms' | 'paper' | 'import';
  separate?: SeparateKind[];
  evidence?: Record<string, unknown>;
}

export interface ConsentView {
  id: string;
  subject: string;
  purpose: string;
  given: boolean;
  rulesVersion: number;
  channel: string;
  separate: string[];
  createdAt: string;
}

export interface CheckResult {
  allowed: boolean;
  /** What is missing, each a stable code with its detail, e.g. `category_not_in_scope:location`. */
  reasons: string[];
}

const toConsent = (c: ConsentTable): ConsentView => ({
  id: c.id,
  subject: c.subject,
  purpose: c.purpose_key,
  given: c.given === 1,
  rulesVersion: c.rules_version,
  channel: c.channel,
  separate: JSON.parse(c.separate) as string[],
  createdAt: c.created_at,
});

const KEY = /^[a-z][a-z0-9_-]{1,63}$/;

/**
 * The processing register, its published collection-and-use rules, the consent ledger and the purpose check
 * (Decision art. 2; PIPL 14–17, 23, 25, 29, 31, 39; NDSR 21–22).
 */
export class RulesService {
  private versions = new Map<number, RulesVersion>();
  private versionLoads = new Map<number, Promise<RulesVersion>>();
  private allowedCounts = new Map<string, number>();
  private denials?: DenialAudit;
  private currentCache: { until: number; value: RulesVersion | null } | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly organisation: Organisation = {
      providerName: 'Custodian',
      officerContact: null,
      complaintChannel: null,
    },
  ) {}

  // ---- register ----

  async listPurposes(includeArchived = false) {
    let q = this.db.selectFrom('purposes').selectAll();
    if (!includeArchived) q = q.where('archived', '=', 0);
    const rows = await q.orderBy('key').execute();
    return rows.map((r) => ({
      id: r.id,
      archived: r.archived === 1,
      updatedAt: r.updated_at,
      ...(JSON.parse(r.body) as Purpose),
    }));
  }

  /**
   * Creates or replaces a purpose; with `create`, only creates: a key in use (archived or not) is a 409, so
   * a "new purpose" form never overwrites one by accident.
   */
  async savePurpose(actor: ActorRef, p: Purpose, requestId?: string, opts: { create?: boolean } = {}) {
    if (!KEY.test(p.key))
      throw badRequest('invalid_key', 'key must be 2-64 lower-case letters, digits, - or _', 'key');
    validatePurpose(p);
    const now = nowIso();
    return transact(this.db, async (tx) => {
      const existing = await tx.db
        .selectFrom('purposes')
        .selectAll()
        .where('key', '=', p.key)
        .executeTakeFirst();
      if (existing && opts.create)
        throw conflict(
          'key_taken',
          existing.archived === 1
            ? `purpose ${p.key} was archived and keeps its key; choose another key`
            : `purpose ${p.key} exists; choose another key or edit it`,
          'key',
        );
      const id = existing?.id ?? randomUUID();
      try {
        if (existing)
          await tx.db
            .updateTable('purposes')
            .set({ body: JSON.stringify(p), archived: 0, updated_at: now })
            .where('id', '=', id)
            .execute();
        else
          await tx.db
            .insertInto('purposes')
            .values({
              id,
              key: p.key,
              body: JSON.stringify(p),
              archived: 0,
              created_at: now,
              updated_at: now,
            })
            .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('key_taken', `purpose ${p.key} exists`, 'key');
        throw err;
      }
      await this.audit.append(tx, {
        action: existing ? 'purpose.update' : 'purpose.create',
        actor,
        requestId,
        target: { type: 'purpose', id: p.key },
        details: { categories: p.categories, legalBasis: p.legalBasis },
      });
      return { id, archived: false, updatedAt: now, ...p };
    });
  }

  async archivePurpose(actor: ActorRef, key: string, requestId?: string) {
    await transact(this.db, async (tx) => {
      const r = await tx.db
        .updateTable('purposes')
        .set({ archived: 1, updated_at: nowIso() })
        .where('key', '=', key)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound('Purpose');
      await this.audit.append(tx, {
        action: 'purpose.archive',
        actor,
        requestId,
        target: { type: 'purpose', id: key },
      });
    });
  }

  // ---- published rules ----

  /** Publishes the register as an immutable, numbered version of the collection-and-use rules. */
  async publish(
    actor: ActorRef,
    opts: { effectiveAt?: string } = {},
    requestId?: string,
  ): Promise<RulesVersion> {
    const purposes = await this.registerPurposes();
    if (!purposes.length)
      throw badRequest('empty_register', 'the register has no purpose to publish', 'purposes');
    const snapshot = canonicalJson(purposes);
    const now = nowIso();
    const effectiveAt = opts.effectiveAt ? new Date(opts.effectiveAt).toISOString() : now;
    // Rules bind from when people can read them, never before (PIPL 17): a date in the past is refused, with
    // a few minutes for clocks that disagree.
    if (Date.parse(effectiveAt) < Date.now() - 5 * 60_000)
      throw badRequest('invalid_effective_at', 'the effective date must not be in the past', 'effectiveAt');
    const organisation = { ...this.organisation };
    return transact(this.db, async (tx) => {
      const last = await tx.db
        .selectFrom('rules_versions')
        .select((eb) => [eb.fn.max('version').as('v'), eb.fn.max('effective_at').as('at')])
        .executeTakeFirst();
      // Versions take effect in their order, so a later one never hides an earlier one still to come.
      if (last?.at && effectiveAt < String(last.at))
        throw badRequest(
          'invalid_effective_at',
          `the effective date must not be before ${String(last.at).replace('T', ' ').slice(0, 16)} UTC, when version ${Number(last.v)} takes effect`,
          'effectiveAt',
        );
      const version = Number(last?.v ?? 0) + 1;
      const sha256 = createHash('sha256').update(snapshot).digest('hex');
      await tx.db
        .insertInto('rules_versions')
        .values({
          version,
          snapshot,
          sha256,
          effective_at: effectiveAt,
          published_at: now,
          published_by: actor.id,
          organisation: JSON.stringify(organisation),
        })
        .execute();
      await this.audit.append(tx, {
        action: 'rules.publish',
        actor,
        requestId,
        target: { type: 'rules', id: String(version) },
        details: { version, sha256, purposes: purposes.length, effectiveAt },
      });
      tx.onCommit(() => void (this.currentCache = null));
      return { version, effectiveAt, publishedAt: now, sha256, purposes, organisation };
    });
  }

  /** The register's live purposes, as a publication would freeze them. */
  private async registerPurposes(): Promise<Purpose[]> {
    return (await this.listPurposes()).map(({ id: _id, archived: _a, updatedAt: _u, ...p }) => p as Purpose);
  }

  /**
   * The version a publication now would create, not stored: the console shows it, and its changes against
   * the version in force, before anyone publishes.
   */
  async preview(): Promise<RulesVersion> {
    const purposes = await this.registerPurposes();
    const last = await this.db
      .selectFrom('rules_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .executeTakeFirst();
    const now = nowIso();
    return {
      version: Number(last?.v ?? 0) + 1,
      effectiveAt: now,
      publishedAt: now,
      sha256: createHash('sha256').update(canonicalJson(purposes)).digest('hex'),
      purposes,
      organisation: { ...this.organisation },
    };
  }

  async version(v: number): Promise<RulesVersion> {
    const cached = this.versions.get(v);
    if (cached) return cached;
    // Checks that miss the cache together share one read.
    let loading = this.versionLoads.get(v);
    if (!loading) {
      loading = this.loadVersion(v).finally(() => this.versionLoads.delete(v));
      this.versionLoads.set(v, loading);
    }
    return loading;
  }

  private async loadVersion(v: number): Promise<RulesVersion> {
    const r = await this.db
      .selectFrom('rules_versions')
      .selectAll()
      .where('version', '=', v)
      .executeTakeFirst();
    if (!r) throw notFound(`Rules version ${v}`);
    const out = {
      version: r.version,
      effectiveAt: r.effective_at,
      publishedAt: r.published_at,
      sha256: r.sha256,
      purposes: JSON.parse(r.snapshot) as Purpose[],
      // Versions published before the organisation was frozen show today's settings.
      organisation: r.organisation ? (JSON.parse(r.organisation) as Organisation) : { ...this.organisation },
    };
    this.versions.set(v, out); // versions are immutable
    return out;
  }

  /**
   * The version in force now: the highest whose effective date has come. Remembered for a second, since every
   * purpose check asks; a publication here forgets it at once, other instances within the second.
   */
  async current(): Promise<RulesVersion | null> {
    const now = Date.now();
    const cached = this.cachedCurrent(now);
    if (cached !== undefined) return cached;
    const value = await this.findCurrent();
    this.currentCache = { until: now + 1000, value };
    return value;
  }

  /** The remembered version in force (null: none published), or undefined when it must be read again. */
  private cachedCurrent(now = Date.now()): RulesVersion | null | undefined {
    const c = this.currentCache;
    return c !== null && c.until > now ? c.value : undefined;
  }

  private async findCurrent(): Promise<RulesVersion | null> {
    const r = await this.db
      .selectFrom('rules_versions')
      .select('version')
      .where('effective_at', '<=', nowIso())
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? this.version(r.version) : null;
  }

  /** Whether any version is in force (the vault enforces purposes from then on). */
  async published(): Promise<boolean> {
    return (await this.current()) !== null;
  }

  async listVersions() {
    const rows = await this.db
      .selectFrom('rules_versions')
      .select(['version', 'effective_at', 'published_at', 'sha256'])
      .orderBy('version', 'desc')
      .execute();
    return rows.map((r) => ({
      version: r.version,
      effectiveAt: r.effective_at,
      publishedAt: r.published_at,
      sha256: r.sha256,
    }));
  }

  /** How many people's latest entry for the purpose is a consent given. */
  async consentingCount(purpose: string): Promise<number> {
    const r = await this.db
      .selectFrom('consents as c')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('c.purpose_key', '=', purpose)
      .where('c.given', '=', 1)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('consents as d')
              .select('d.id')
              .whereRef('d.subject', '=', 'c.subject')
              .whereRef('d.purpose_key', '=', 'c.purpose_key')
              .whereRef('d.created_at', '>', 'c.created_at'),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // ---- consent ledger ----

  async recordConsent(actor: ActorRef, input: ConsentInput, requestId?: string): Promise<ConsentView> {
    const v = await this.version(input.rulesVersion).catch(() => {
      throw badRequest(
        'unknown_rules_version',
        `rulesVersion ${input.rulesVersion} was never published`,
        'rulesVersion',
      );
    });
    const p = v.purposes.find((x) => x.key === input.purpose);
    if (!p)
      throw badRequest(
        'unknown_purpose',
        `purpose ${input.purpose} is not in rules version ${v.version}`,
        'purpose',
      );
    const evidence = consentEvidence(input.evidence);
    const row: ConsentTable = {
      id: randomUUID(),
      subject: input.subject,
      purpose_key: input.purpose,
      given: input.given ? 1 : 0,
      rules_version: v.version,
      channel: input.channel,
      separate: JSON.stringify(input.given ? [...new Set(input.separate ?? [])] : []),
      evidence,
      actor_type: actor.type,
      actor_id: actor.id,
      created_at: nowIso(),
    };
    return transact(this.db, async (tx) => {
      // The ledger's order is its meaning (the latest entry counts): times for one subject and purpose
      // strictly increase, even for two entries within the same millisecond.
      const last = await tx.db
        .selectFrom('consents')
        .select('created_at')
        .where('subject', '=', row.subject)
        .where('purpose_key', '=', row.purpose_key)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (last && last.created_at >= row.created_at)
        row.created_at = new Date(Date.parse(last.created_at) + 1).toISOString();
      await tx.db.insertInto('consents').values(row).execute();
      await this.audit.append(tx, {
        action: input.given ? 'consent.give' : 'consent.withdraw',
        actor,
        requestId,
        // The subject reference is the provider's; its digest keeps the audit entry free of identifiers.
        target: { type: 'consent', id: row.id },
        details: {
          purpose: input.purpose,
          rulesVersion: v.version,
          channel: input.channel,
          separate: JSON.parse(row.separate),
          evidenceSha256: createHash('sha256').update(row.evidence).digest('hex'),
        },
      });
      return toConsent(row);
    });
  }

  async consentHistory(subject: string): Promise<ConsentView[]> {
    const rows = await this.db
      .selectFrom('consents')
      .selectAll()
      .where('subject', '=', subject)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toConsent);
  }

  private readLatest?: LatestConsentReader;
  private latestConsent(subject: string, purpose: string) {
    return (this.readLatest ??= latestConsentReader({ db: this.db }))(subject, purpose);
  }

  /** Reads the ledger on the purpose check's path through the store's fast path (see latest-consent.ts). */
  useStore(store: Pick<Store, 'db' | 'sqlite' | 'pg' | 'dialect'>): void {
    this.readLatest = latestConsentReader(store);
    // SQLite's commit blocks the event loop for its fsync: denials gather for 10 ms to share one.
    this.denials = new DenialAudit(store.db, this.audit, store.sqlite ? 10 : 0, store.pg);
  }

  // ---- the purpose check ----

  /**
   * May `purpose` use these `categories` of `subject`'s information now? The reasons name exactly what is
   * missing. Denials are always audited; allowed checks are counted and audited in aggregate.
   * @example await rules.check(actor, { subject: 'u-17', purpose: 'marketing', categories: ['contact'] })
   */
  async check(
    actor: ActorRef,
    q: { subject: string; purpose: string; categories: string[] },
    requestId?: string,
  ): Promise<CheckResult> {
    return this.checkNow(actor, q, requestId);
  }

  /**
   * As `check`, but with as few promises as the answer needs: none when neither the ledger nor the audit log
   * is touched (a purpose on contract or a legal duty) and the published rules are cached, otherwise one for
   * each thing awaited (the ledger read; a denial's audit write; rules not cached). The HTTP route's hot
   * path, where each promise is a measurable share of a check's cost.
   */
  checkNow(
    actor: ActorRef,
    q: { subject: string; purpose: string; categories: string[] },
    requestId?: string,
  ): CheckResult | Promise<CheckResult> {
    const cur = this.cachedCurrent();
    if (cur !== undefined) return this.checkAgainst(cur, actor, q, requestId);
    return this.current().then((v) => this.checkAgainst(v, actor, q, requestId));
  }

  private checkAgainst(
    cur: RulesVersion | null,
    actor: ActorRef,
    q: { subject: string; purpose: string; categories: string[] },
    requestId?: string,
  ): CheckResult | Promise<CheckResult> {
    const p = cur && purposeIn(cur, q.purpose);
    if (!cur || !p) return this.conclude(actor, q, ['purpose_unpublished'], requestId);
    const reasons: string[] = [];
    for (const c of q.categories)
      if (!p.categories.includes(c)) {
        const r = `category_not_in_scope:${c}`;
        // A category asked for twice is named once.
        if (!reasons.includes(r)) reasons.push(r);
      }
    if (p.legalBasis !== 'consent') return this.conclude(actor, q, reasons, requestId);
    return this.latestConsent(q.subject, q.purpose).then((consent) => {
      if (!consent) return this.conclude(actor, q, [...reasons, 'no_consent'], requestId);
      if (consent.given === 0) return this.conclude(actor, q, [...reasons, 'consent_withdrawn'], requestId);
      // What the purpose gained since the consent's version: usually nothing and known without a read.
      const w = this.wideningSince(cur, p, consent.rules_version);
      if (!(w instanceof Promise))
        return this.conclude(actor, q, consentReasons(p, w, q.categories, consent, reasons), requestId);
      return w.then((known) =>
        this.conclude(actor, q, consentReasons(p, known, q.categories, consent, reasons), requestId),
      );
    });
  }

  /**
   * What purpose `p` of the version in force gained since rules version `since`: every publication after it
   * compared with the one before (PIPL 14), so a scope narrowed and widened again needs consent again, as
   * does a purpose dropped and published anew (everything of it counts as new); null when nothing grew.
   * Versions are immutable, so the answer is kept per version in force.
   */
  wideningSince(cur: RulesVersion, p: Purpose, since: number): Widening | null | Promise<Widening | null> {
    if (since === cur.version) return null;
    let memo = wideningMemo.get(cur);
    if (!memo) wideningMemo.set(cur, (memo = new Map()));
    const key = `${p.key}\u0000${since}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const numbers =
      since > cur.version ? [since] : Array.from({ length: cur.version - since }, (_, i) => since + i);
    const missing = numbers.filter((n) => !this.versions.has(n));
    const compute = () => {
      const steps = numbers.map((n) => this.versions.get(n)!).concat(since > cur.version ? [] : [cur]);
      const out = since > cur.version ? grownOver(steps[0], p) : grownAlong(steps, p);
      memo.set(key, out);
      return out;
    };
    if (!missing.length) return compute();
    // A version that cannot be read now (the database busy) fails this check alone, as any read would; only
    // one never published counts as a gap, and nothing is remembered until every version was read.
    return Promise.all(
      missing.map((n) =>
        this.version(n).catch((err: unknown) => {
          if (err instanceof AppError && err.statusCode === 404) return null;
          throw err;
        }),
      ),
    ).then(compute);
  }

  /** Counts an allowed check; audits a denial before answering it. */
  private conclude(
    actor: ActorRef,
    q: { subject: string; purpose: string; categories: string[] },
    reasons: string[],
    requestId?: string,
  ): CheckResult | Promise<CheckResult> {
    if (reasons.length === 0) {
      this.allowedCounts.set(q.purpose, (this.allowedCounts.get(q.purpose) ?? 0) + 1);
      return { allowed: true, reasons };
    }
    // Committed before the answer, sharing a commit with concurrent denials.
    return (this.denials ??= new DenialAudit(this.db, this.audit))
      .record({
        action: 'purpose.check.denied',
        actor,
        requestId,
        target: { type: 'purpose', id: q.purpose },
        details: { reasons: reasons.map(unnamedCategory), categories: q.categories.map(knownCategory) },
      })
      .then(() => ({ allowed: false, reasons }));
  }

  async checkBatch(
    actor: ActorRef,
    purpose: string,
    categories: string[],
    subjects: string[],
    requestId?: string,
  ) {
    // Concurrently, so the batch's denials share commits.
    return Promise.all(
      subjects.map(async (subject) => ({
        subject,
        ...(await this.check(actor, { subject, purpose, categories }, requestId)),
      })),
    );
  }

  /** Writes the aggregated count of allowed checks into the audit log. */
  async flushAllowed(actor: ActorRef): Promise<void> {
    if (!this.allowedCounts.size) return;
    const counts = Object.fromEntries(this.allowedCounts);
    this.allowedCounts = new Map();
    await transact(this.db, (tx) =>
      this.audit.append(tx, { action: 'purpose.check.allowed', actor, details: { counts } }),
    );
  }
}

/** Longest evidence kept with a consent (canonical JSON) and how deep it may nest; the import keeps the same. */
export const MAX_EVIDENCE_CHARS = 8192;
export const MAX_EVIDENCE_DEPTH = 16;

function consentEvidence(evidence: Record<string, unknown> | undefined): string {
  if (nestedDeeperThan(evidence ?? {}, MAX_EVIDENCE_DEPTH))
    throw badRequest(
      'invalid_evidence',
      `evidence nests deeper than ${MAX_EVIDENCE_DEPTH} levels`,
      'evidence',
    );
  const json = canonicalJson(evidence ?? {});
  if (json.length > MAX_EVIDENCE_CHARS)
    throw badRequest(
      'evidence_too_large',
      `evidence must be at most ${MAX_EVIDENCE_CHARS} characters of JSON`,
      'evidence',
    );
  return json;
}

// An in-process caller may name a category the register does not know; the audit log keeps no such text
// (a mistyped field may hold personal information), only that it was unknown.
const knownCategory = (c: string) => (CATEGORY_IDS.includes(c) ? c : '(unknown)');
const unnamedCategory = (reason: string) =>
  reason.startsWith('category_not_in_scope:')
    ? `category_not_in_scope:${knownCategory(reason.slice('category_not_in_scope:'.length))}`
    : reason;

const purposeIndex = new WeakMap<RulesVersion, Map<string, Purpose>>();
/** A purpose of a published version by key (versions are immutable, so each is indexed once). */
function purposeIn(v: RulesVersion, key: string): Purpose | undefined {
  let m = purposeIndex.get(v);
  if (!m) {
    purposeIndex.set(v, (m = new Map()));
    // The first purpose with a key, as a search of the list would find.
    for (const p of v.purposes) if (!m.has(p.key)) m.set(p.key, p);
  }
  return m.get(key);
}

/**
 * What a given consent lacks for this check: reconsent after a widening (PIPL 14), separate consents (PIPL 29,
 * 23, 25, 39, 31) and retention (PIPL 19). `w` is what the purpose gained since the consent's version.
 */
function consentReasons(
  p: Purpose,
  w: Widening | null,
  categories: string[],
  consent: LatestConsent,
  reasons: string[],
): string[] {
  // PIPL 14: a change of purpose, method, recipients or terms needs consent again; for categories, those
  // asked for (a new category does not stop the use of those consented to).
  if (
    w &&
    (w.methods.length ||
      w.recipients.length ||
      w.terms.length ||
      categories.some((c) => w.categories.includes(c)))
  )
    reasons.push(`reconsent_required:v${consent.rules_version}`);
  const needs = separateRequirements(
    p,
    categories.filter((c) => p.categories.includes(c)),
  );
  // Most purposes need no separate consent: the ledger's list is read only when one does.
  if (needs.length) {
    const given = JSON.parse(consent.separate) as string[];
    for (const need of needs) if (!given.includes(need)) reasons.push(`separate_consent_missing:${need}`);
  }
  // PIPL 19: kept no longer than the purpose needs.
  if (retentionEnd(p, consent.created_at) < Date.now()) reasons.push('retention_expired');
  return reasons;
}

const wideningMemo = new WeakMap<RulesVersion, Map<string, Widening | null>>();

/** Everything of `p` is new: a purpose the person never agreed to under this key, or one dropped since. */
const allOf = (p: Purpose): Widening => ({
  purpose: p.key,
  categories: [...p.categories],
  methods: [...p.methods],
  recipients: p.recipients.map((r) => r.name),
  terms: ['reintroduced'],
});

/** The union of what `p` gained at each step of `versions` (oldest first, the version in force last). */
function grownAlong(versions: Array<RulesVersion | null | undefined>, p: Purpose): Widening | null {
  const out: Widening = { purpose: p.key, categories: [], methods: [], recipients: [], terms: [] };
  for (let i = 1; i < versions.length; i++) {
    const before = versions[i - 1] && purposeIn(versions[i - 1]!, p.key);
    const after = versions[i] && purposeIn(versions[i]!, p.key);
    if (!after) continue; // dropped here: the step that publishes it again counts it whole
    const w = before ? widening(before, after) : allOf(after);
    for (const k of ['categories', 'methods', 'recipients', 'terms'] as const)
      for (const x of w[k]) if (!out[k].includes(x)) out[k].push(x);
  }
  return widens(out) ? out : null;
}

/** What `p` in force has beyond the same purpose in a later version not yet in force. */
function grownOver(later: RulesVersion | null | undefined, p: Purpose): Widening | null {
  const was = later && purposeIn(later, p.key);
  const w = was ? widening(was, p) : allOf(p);
  return widens(w) ? w : null;
}
