import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { ActorRef } from '../audit/actor.js';
import { errorText } from '../audit/free-text.js';
import type { AuditLog } from '../audit/service.js';
import type { KeyRing } from '../crypto/keyring.js';
import type { Db } from '../db/database.js';
import type { PortalChallengeTable } from '../db/schema.js';
import { nowIso, transact } from '../db/transaction.js';
import { AppError, conflict, notFound } from '../http/errors.js';
import { clientKey } from '../http/rate-limit.js';
import type { Notifier } from '../notifier/notifier.js';
import { DATA_CATEGORIES, separateRequirements, type Purpose } from '../rules/register.js';
import type { ConsentView, RulesService, RulesVersion } from '../rules/service.js';
import type { VaultService } from '../vault/service.js';
import { parseContact, type Contact } from './contact.js';

export interface PortalLimits {
  /** Codes a contact may be sent per hour. */
  codesPerContact: number;
  /** Codes one address may ask for per hour (whatever the contacts). */
  codesPerAddress: number;
  /** Wrong codes that burn a challenge. */
  maxAttempts: number;
  codeMinutes: number;
  sessionMinutes: number;
}

export const PORTAL_LIMITS: PortalLimits = {
  codesPerContact: 5,
  codesPerAddress: 20,
  maxAttempts: 5,
  codeMinutes: 10,
  sessionMinutes: 30,
};

/** A person verified by a one-time code: the ledger references their contact belongs to. */
export interface PortalPrincipal {
  sessionId: string;
  refs: string[];
  channel: 'sms' | 'email';
  csrfToken: string;
  expiresAt: string;
}

export interface ClientInfo {
  ip: string;
  userAgent?: string;
  requestId?: string;
}

export interface PortalConsentItem {
  purpose: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  categories: Array<{ id: string; zh: string; en: string; sensitive: boolean }>;
  separate: string[];
  /** `reconsent`: given, but under rules whose scope for this purpose has since widened (PIPL 14). */
  state: 'given' | 'reconsent' | 'withdrawn' | 'none';
  /** For `reconsent`: what the rules in force add to what was agreed (PIPL 14 asks to say so). */
  widened?: {
    categories: Array<{ id: string; zh: string; en: string }>;
    methods: string[];
    recipients: Array<{ name: string; nameEn?: string }>;
    /** Other terms that grew: legal_basis, disclosure, guardian, reintroduced, cross_border:<destination>/<recipient>. */
    terms: string[];
  };
  rulesVersion: number | null;
  at: string | null;
  channel: string | null;
  history: Array<{ given: boolean; rulesVersion: number; channel: string; at: string }>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const HOUR = 3_600_000;

const codeError = (code: string, message: string, details: Record<string, unknown> = {}) =>
  new AppError(401, code, message, { field: 'code', ...details });

/**
 * "My consents" in the portal: a person proves a contact with a one-time code and then sees and withdraws
 * their consents. Withdrawal is as easy as giving (PIPL 15): one call, one click. Nothing here tells an
 * asker whether a contact is known (every request gets the same answer and a challenge row).
 */
export class PortalService {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly keys: KeyRing,
    private readonly audit: AuditLog,
    private readonly notifier: Notifier,
    private readonly vault: VaultService,
    private readonly rules: RulesService,
    private readonly logger: Logger,
    private readonly providerName: string,
    /** The vault fields that hold a person's own phone or e-mail (`portal.contactFields`). */
    private readonly contactFields: readonly string[],
    readonly limits: PortalLimits = PORTAL_LIMITS,
  ) {}

  private contactIndex(c: Contact) {
    return this.keys.blindIndex('portal-contact', c.normalized);
  }
  private codeHash(challengeId: string, code: string) {
    return this.keys.digest(`portal-code:${challengeId}`, code);
  }
  /** The audit names a subject by a keyed digest of its reference, never the reference itself. */
  actorFor(ref: string): ActorRef {
    return { type: 'subject', id: this.keys.digest('portal-subject', ref) };
  }

  /** Waits for codes still being handed to the notifier (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /**
   * Issues a code for a contact. Unknown contacts get the same answer and a challenge of their own (with a
   * code no one is sent), so neither the answer, its timing nor the throttle reveals who is registered.
   */
  async requestCode(raw: string, req: ClientInfo): Promise<{ expiresInSeconds: number }> {
    const contact = parseContact(raw);
    const contactIndex = this.contactIndex(contact);
    // An IPv6 client counts per /56, as for the rate limit: a /64 alone holds more addresses than anyone needs.
    const ipHash = this.keys.digest('portal-ip', clientKey(req.ip));
    const since = new Date(Date.now() - HOUR).toISOString();
    const count = async (q: Db, col: 'contact_index' | 'ip_hash', value: string) =>
      Number(
        (
          await q
            .selectFrom('portal_challenges')
            .select((eb) => eb.fn.countAll().as('n'))
            .where(col, '=', value)
            .where('created_at', '>', since)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const throttled = async (q: Db) =>
      (await count(q, 'contact_index', contactIndex)) >= this.limits.codesPerContact ||
      (await count(q, 'ip_hash', ipHash)) >= this.limits.codesPerAddress;
    const tooMany = () =>
      new AppError(429, 'too_many_codes', 'Too many codes were asked for; try again in an hour');
    if (await throttled(this.db)) throw tooMany();
    await this.forgetStale();
    const refs = await this.vault.ledgerRefsByValue(contact.type, contact.normalized, this.contactFields);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const now = new Date();
    const row: PortalChallengeTable = {
      id: randomUUID(),
      contact_index: contactIndex,
      channel: contact.channel,
      code_hash: '',
      ip_hash: ipHash,
      subject_ref: null,
      expires_at: new Date(now.getTime() + this.limits.codeMinutes * 60_000).toISOString(),
      attempts: 0,
      used_at: null,
      created_at: now.toISOString(),
    };
    row.code_hash = this.codeHash(row.id, code);
    await transact(this.db, async (tx) => {
      // Counted again under the audit log's lock: requests sent together cannot all pass the count.
      await this.audit.lock(tx);
      if (await throttled(tx.db)) throw tooMany();
      await tx.db.insertInto('portal_challenges').values(row).execute();
      await this.audit.append(tx, {
        action: 'portal.code.request',
        actor: { type: 'public', id: null },
        requestId: req.requestId,
        target: { type: 'portal_challenge', id: row.id },
        details: {
          channel: contact.channel,
          matched: refs.length > 0,
          ip: this.keys.digest('audit-ip', req.ip),
        },
      });
      // Sent after commit and after the answer, not awaited: a gateway's latency, and the work of sending,
      // done only for a known contact, must not show in the answer or its timing.
      if (refs.length)
        tx.onCommit(
          () =>
            void this.track(
              new Promise<void>((r) => setImmediate(r)).then(() => this.deliver(contact, code, row.id)),
            ),
        );
    });
    return { expiresInSeconds: this.limits.codeMinutes * 60 };
  }

  /**
   * Challenges are kept a day (the throttle needs an hour; the audit log keeps the record) and sessions until
   * they expire: nothing linkable to a contact stays longer than it serves (PIPL 19).
   */
  private async forgetStale(): Promise<void> {
    const now = Date.now();
    await this.db
      .deleteFrom('portal_challenges')
      .where('created_at', '<', new Date(now - 24 * HOUR).toISOString())
      .execute();
    await this.db
      .deleteFrom('portal_sessions')
      .where('expires_at', '<', new Date(now).toISOString())
      .execute();
  }

  private track(p: Promise<void>) {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async deliver(contact: Contact, code: string, challengeId: string): Promise<void> {
    const p = this.providerName;
    const m = this.limits.codeMinutes;
    const zh = `【${p}】您的验证码是 ${code}，${m} 分钟内有效，用于查看和管理您的个人信息处理同意。请勿告诉他人。`;
    const en = `Your ${p} code is ${code}. It is valid for ${m} minutes and lets you see and manage your consents. Do not share it.`;
    try {
      await this.notifier.send({
        channel: contact.channel,
        to: contact.normalized,
        subject: contact.channel === 'email' ? `${p} 验证码 / verification code` : undefined,
        body: contact.channel === 'email' ? `${zh}\n\n${en}\n` : `${zh} ${en}`,
      });
    } catch (err) {
      // The reason only: the recipient and the code stay out of the log.
      this.logger.warn({ challenge: challengeId, err: errorText(err) }, 'portal code not sent');
    }
  }

  /** Checks a code; a right one opens a portal session for the subjects the contact belongs to. */
  async verify(
    raw: string,
    code: string,
    req: ClientInfo,
  ): Promise<{ token: string; principal: PortalPrincipal }> {
    const contact = parseContact(raw);
    const ch = await this.db
      .selectFrom('portal_challenges')
      .selectAll()
      .where('contact_index', '=', this.contactIndex(contact))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!ch) throw codeError('invalid_code', 'The code is wrong; ask for a new one');
    if (ch.used_at) throw codeError('code_used', 'This code was already used; ask for a new one');
    if (ch.attempts >= this.limits.maxAttempts)
      throw codeError('code_burned', 'Too many wrong codes; ask for a new one');
    if (ch.expires_at < nowIso()) throw codeError('code_expired', 'The code has expired; ask for a new one');
    // The attempt is counted before the code is compared, in one statement that also checks the count:
    // guesses sent together cannot all pass a count read before any of them landed.
    const counted = await this.db
      .updateTable('portal_challenges')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', ch.id)
      .where('used_at', 'is', null)
      .where('attempts', '<', this.limits.maxAttempts)
      .returning('attempts')
      .executeTakeFirst();
    if (!counted) {
      const now = await this.db
        .selectFrom('portal_challenges')
        .select('used_at')
        .where('id', '=', ch.id)
        .executeTakeFirst();
      if (now?.used_at) throw codeError('code_used', 'This code was already used; ask for a new one');
      throw codeError('code_burned', 'Too many wrong codes; ask for a new one');
    }
    const given = Buffer.from(this.codeHash(ch.id, code));
    const want = Buffer.from(ch.code_hash);
    const right = given.length === want.length && timingSafeEqual(given, want);
    // A subject erased since the code was sent is no longer anyone's to manage.
    const refs = right
      ? await this.vault.ledgerRefsByValue(contact.type, contact.normalized, this.contactFields)
      : [];
    if (!refs.length) return this.wrongCode(ch, Number(counted.attempts), req);
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const principal: PortalPrincipal = {
      sessionId: randomUUID(),
      refs,
      channel: contact.channel,
      csrfToken: randomBytes(24).toString('base64url'),
      expiresAt: new Date(now.getTime() + this.limits.sessionMinutes * 60_000).toISOString(),
    };
    await transact(this.db, async (tx) => {
      // Only one request can use a code, even two arriving together.
      const used = await tx.db
        .updateTable('portal_challenges')
        .set({ used_at: now.toISOString(), subject_ref: JSON.stringify(refs) })
        .where('id', '=', ch.id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1)
        throw codeError('code_used', 'This code was already used; ask for a new one');
      await tx.db
        .insertInto('portal_sessions')
        .values({
          id: principal.sessionId,
          token_hash: sha256(token),
          subject_ref: JSON.stringify(refs),
          channel: contact.channel,
          csrf_token: principal.csrfToken,
          expires_at: principal.expiresAt,
          created_at: now.toISOString(),
        })
        .execute();
      await this.audit.append(tx, {
        action: 'portal.login',
        actor: this.actorFor(refs[0]),
        requestId: req.requestId,
        target: { type: 'portal_session', id: principal.sessionId },
        details: {
          channel: contact.channel,
          subjects: refs.length,
          challenge: ch.id,
          ip: this.keys.digest('audit-ip', req.ip),
        },
      });
    });
    return { token, principal };
  }

  /** Audits a wrong code (its attempt already counted) and says how many are left. */
  private async wrongCode(ch: PortalChallengeTable, attempts: number, req: ClientInfo): Promise<never> {
    await transact(this.db, (tx) =>
      this.audit.append(tx, {
        action: 'portal.code.failed',
        actor: { type: 'public', id: null },
        requestId: req.requestId,
        target: { type: 'portal_challenge', id: ch.id },
        details: { attempts, ip: this.keys.digest('audit-ip', req.ip) },
      }),
    );
    const left = Math.max(0, this.limits.maxAttempts - attempts);
    if (!left) throw codeError('code_burned', 'Too many wrong codes; ask for a new one');
    throw codeError('invalid_code', `The code is wrong; ${left} attempts left`, { attemptsLeft: left });
  }

  /** Resolves a portal cookie; an expired session is deleted. */
  async authenticate(token: string): Promise<PortalPrincipal | null> {
    const s = await this.db
      .selectFrom('portal_sessions')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!s) return null;
    if (s.expires_at < nowIso()) {
      await this.db.deleteFrom('portal_sessions').where('id', '=', s.id).execute();
      return null;
    }
    return {
      sessionId: s.id,
      refs: JSON.parse(s.subject_ref) as string[],
      channel: s.channel as PortalPrincipal['channel'],
      csrfToken: s.csrf_token,
      expiresAt: s.expires_at,
    };
  }

  async logout(p: PortalPrincipal, requestId?: string): Promise<void> {
    await transact(this.db, async (tx) => {
      await tx.db.deleteFrom('portal_sessions').where('id', '=', p.sessionId).execute();
      await this.audit.append(tx, {
        action: 'portal.logout',
        actor: this.actorFor(p.refs[0]),
        requestId,
        target: { type: 'portal_session', id: p.sessionId },
      });
    });
  }

  /** Every consent-based purpose of the rules in force, with this person's latest state and history. */
  async consents(p: PortalPrincipal): Promise<{ rulesVersion: number | null; items: PortalConsentItem[] }> {
    const cur = await this.rules.current();
    if (!cur) return { rulesVersion: null, items: [] };
    const history = await this.history(p);
    const items = [];
    for (const x of cur.purposes.filter((y) => y.legalBasis === 'consent'))
      items.push(await this.withWidening(this.item(x, history, p.refs), x, history, p.refs, cur));
    return { rulesVersion: cur.version, items };
  }

  /**
   * A consent given under an earlier version whose scope for the purpose was narrower no longer covers it
   * all (PIPL 14): the person is asked again, as the purpose check would deny the new scope.
   */
  private async withWidening(
    item: PortalConsentItem,
    x: Purpose,
    history: ConsentView[],
    refs: string[],
    current: RulesVersion,
  ): Promise<PortalConsentItem> {
    if (item.state !== 'given') return item;
    const added = {
      categories: new Set<string>(),
      methods: new Set<string>(),
      recipients: new Set<string>(),
      terms: new Set<string>(),
    };
    for (const h of this.latest(history, refs, x.key)) {
      if (!h.given) continue;
      if (h.rulesVersion === current.version) return item;
      // As the purpose check judges it: every publication since the consent's version, step by step.
      const w = await this.rules.wideningSince(current, x, h.rulesVersion);
      if (!w) return item;
      for (const c of w.categories) added.categories.add(c);
      for (const m of w.methods) added.methods.add(m);
      for (const r of w.recipients) added.recipients.add(r);
      for (const x of w.terms) added.terms.add(x);
    }
    return {
      ...item,
      state: 'reconsent',
      widened: {
        categories: [...added.categories].map((id) => {
          const c = DATA_CATEGORIES.find((d) => d.id === id);
          return { id, zh: c?.zh ?? id, en: c?.en ?? id };
        }),
        methods: [...added.methods],
        recipients: [...added.recipients].map((name) => ({
          name,
          nameEn: x.recipients.find((r) => r.name === name)?.nameEn,
        })),
        terms: [...added.terms],
      },
    };
  }

  private async history(p: PortalPrincipal): Promise<ConsentView[]> {
    const all = (await Promise.all(p.refs.map((r) => this.rules.consentHistory(r)))).flat();
    return all.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  /** The latest entry of each of the person's references for one purpose. */
  private latest(history: ConsentView[], refs: string[], purpose: string) {
    return refs
      .map((r) => history.find((h) => h.subject === r && h.purpose === purpose))
      .filter((h): h is ConsentView => !!h);
  }

  private item(x: Purpose, history: ConsentView[], refs: string[]): PortalConsentItem {
    const mine = history.filter((h) => h.purpose === x.key);
    const latest = this.latest(history, refs, x.key);
    const state = latest.some((h) => h.given) ? 'given' : mine.length ? 'withdrawn' : 'none';
    const head = mine[0];
    return {
      purpose: x.key,
      nameZh: x.nameZh,
      nameEn: x.nameEn,
      descriptionZh: x.descriptionZh,
      descriptionEn: x.descriptionEn,
      categories: x.categories.map((id) => {
        const c = DATA_CATEGORIES.find((d) => d.id === id);
        return { id, zh: c?.zh ?? id, en: c?.en ?? id, sensitive: c?.sensitive ?? false };
      }),
      separate: separateRequirements(x),
      state,
      rulesVersion: head?.rulesVersion ?? null,
      at: head?.createdAt ?? null,
      channel: head?.channel ?? null,
      history: mine.map((h) => ({
        given: h.given,
        rulesVersion: h.rulesVersion,
        channel: h.channel,
        at: h.createdAt,
      })),
    };
  }

  /**
   * Withdraws (or gives) consent to one purpose of the rules in force, for every subject the verified contact
   * belongs to. The ledger entry carries channel `web` and evidence of who clicked, how and from where.
   */
  async decide(
    p: PortalPrincipal,
    purpose: string,
    given: boolean,
    req: ClientInfo,
  ): Promise<PortalConsentItem> {
    const cur = await this.rules.current();
    const x = cur?.purposes.find((y) => y.key === purpose && y.legalBasis === 'consent');
    if (!cur || !x) throw notFound(`Purpose ${purpose}`);
    const latest = this.latest(await this.history(p), p.refs, purpose);
    const isGiven = (r: string) => latest.some((h) => h.subject === r && h.given);
    const targets = given ? p.refs : p.refs.filter(isGiven);
    if (!given && !targets.length)
      throw conflict('not_given', `There is no consent to withdraw for ${purpose}`, 'purpose');
    const evidence = {
      via: 'portal',
      verifiedBy: p.channel,
      portalSession: p.sessionId,
      rulesSha256: cur.sha256,
      ip: this.keys.digest('consent-ip', req.ip),
      userAgent: req.userAgent?.slice(0, 200) ?? null,
    };
    for (const ref of targets)
      await this.rules.recordConsent(
        this.actorFor(ref),
        {
          subject: ref,
          purpose,
          given,
          rulesVersion: cur.version,
          channel: 'web',
          // Given again here, consent covers exactly what the rules in force say, separate consents included.
          separate: given ? separateRequirements(x) : [],
          evidence,
        },
        req.requestId,
      );
    const history = await this.history(p);
    return this.withWidening(this.item(x, history, p.refs), x, history, p.refs, cur);
  }
}
