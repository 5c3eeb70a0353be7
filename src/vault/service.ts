import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { ActorRef } from '../audit/actor.js';
import type { AuditLog } from '../audit/service.js';
import type { KeyRing } from '../crypto/keyring.js';
import type { Db } from '../db/database.js';
import type { SubjectFieldTable, SubjectTable } from '../db/schema.js';
import { nowIso, transact, type Tx } from '../db/transaction.js';
import { AppError, badRequest, conflict, isUniqueViolation, notFound } from '../http/errors.js';
import { LEGAL_PURPOSES, NON_PERSONAL_CATEGORIES } from '../rules/register.js';
import {
  checkFieldCategory,
  classify,
  indexValue,
  isIndexed,
  maskValue,
  validateFieldValue,
  type FieldType,
} from './fields.js';

export interface FieldInput {
  name: string;
  type: FieldType;
  value: string;
  /** For OTHER: the data category the provider files it under. */
  category?: string;
}

export interface MaskedField {
  name: string;
  type: string;
  category: string;
  sensitive: boolean;
  masked: string;
  updatedAt: string;
}

export interface SubjectView {
  id: string;
  externalId: string | null;
  createdAt: string;
  updatedAt: string;
  erasedAt: string | null;
  fields: MaskedField[];
}

export interface TransferView {
  id: string;
  subjectId: string;
  recipient: string;
  purpose: string;
  categories: string[];
  legalBasis: string;
  createdAt: string;
}

const FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Purposes that rest on law rather than consent: the person's own request, an authority's, an incident. */

/** The rules module's purpose check, as the vault needs it. */
export interface PurposeGuard {
  published(): Promise<boolean>;
  check(
    actor: ActorRef,
    q: { subject: string; purpose: string; categories: string[] },
    requestId?: string,
  ): Promise<{ allowed: boolean; reasons: string[] }>;
}

/** AES-256-GCM under the subject's data key; the field's identity is bound in as associated data. */
function sealField(key: Buffer, aad: string, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return `f1.${iv.toString('base64url')}.${c.getAuthTag().toString('base64url')}.${ct.toString('base64url')}`;
}

function openField(key: Buffer, aad: string, sealed: string): string {
  const [v, iv, tag, ct] = sealed.split('.');
  if (v !== 'f1') throw new Error('unknown field format');
  // Only full 16-byte tags (Node would accept a shortened one, checked on fewer bits).
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
}

const fieldAad = (subjectId: string, name: string) => `field:${subjectId}:${name}`;
const keyAad = (subjectId: string) => `subject:${subjectId}`;

/**
 * The provider's own copy of its users' personal information (Decision art. 3; PIPL 51): each field encrypted
 * under a per-subject data key that the master key wraps, exact look-ups through keyed blind indexes, every
 * read of plaintext audited with its declared purpose, erasure by destroying the data key.
 */
export class VaultService {
  constructor(
    private readonly db: Db,
    private readonly keys: KeyRing,
    private readonly audit: AuditLog,
    private readonly guard?: PurposeGuard,
  ) {}

  /**
   * Once collection-and-use rules are published, a read names a published purpose and passes the purpose
   * check for this subject and these categories (PIPL 6, 14); the person's own requests and legal duties
   * (PIPL 13 (3)) need no consent and use the reserved purposes.
   */
  private async checkPurpose(
    actor: ActorRef,
    s: SubjectTable,
    purpose: string,
    categories: string[],
    requestId?: string,
  ) {
    if (!this.guard || !(await this.guard.published())) return;
    if (LEGAL_PURPOSES.includes(purpose)) return;
    const personal = categories.filter((c) => !NON_PERSONAL_CATEGORIES.includes(c));
    // Only organisation identifiers read: nothing of a person, so no purpose of the register applies.
    if (categories.length > 0 && personal.length === 0) return;
    categories = personal;
    const r = await this.guard.check(
      actor,
      { subject: s.external_id ?? s.id, purpose, categories },
      requestId,
    );
    if (!r.allowed)
      throw new AppError(
        403,
        'purpose_denied',
        `The purpose check denied this read: ${r.reasons.join(', ')}`,
        {
          field: 'purpose',
          reasons: r.reasons,
        },
      );
  }

  private dataKey(s: SubjectTable): Buffer {
    if (!s.wrapped_key)
      throw new AppError(410, 'erased', 'This subject was erased; its data can no longer be read');
    return this.keys.open(s.wrapped_key, keyAad(s.id));
  }

  private blind(type: FieldType, value: string): string | null {
    return isIndexed(type) ? this.keys.blindIndex(`vault:${type}`, indexValue(type, value)) : null;
  }

  private async checkFields(fields: FieldInput[]): Promise<void> {
    const seen = new Set<string>();
    for (const f of fields) {
      if (!FIELD_NAME.test(f.name))
        throw badRequest(
          'invalid_field_name',
          `field name ${JSON.stringify(f.name)} must be lower-case letters, digits and _`,
          'fields',
        );
      if (seen.has(f.name))
        throw badRequest('duplicate_field', `field ${f.name} is given twice`, `fields.${f.name}`);
      seen.add(f.name);
      checkFieldCategory(f.name, f.type, f.category);
      await validateFieldValue(f.name, f.type, f.value);
    }
  }

  private async writeFields(tx: Tx, s: SubjectTable, key: Buffer, fields: FieldInput[]) {
    const now = nowIso();
    for (const f of fields) {
      const { category, sensitive } = classify(f.type, f.category);
      const row: SubjectFieldTable = {
        subject_id: s.id,
        name: f.name,
        type: f.type,
        category,
        sensitive: sensitive ? 1 : 0,
        ciphertext: sealField(key, fieldAad(s.id, f.name), f.value.trim()),
        blind_index: this.blind(f.type, f.value),
        created_at: now,
        updated_at: now,
      };
      await tx.db
        .insertInto('subject_fields')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['subject_id', 'name']).doUpdateSet({
            type: row.type,
            category: row.category,
            sensitive: row.sensitive,
            ciphertext: row.ciphertext,
            blind_index: row.blind_index,
            updated_at: now,
            // A value written again is personal information again, whatever a sweep did before.
            anonymised_at: null,
          }),
        )
        .execute();
    }
  }

  async create(
    actor: ActorRef,
    input: { externalId?: string; fields: FieldInput[] },
    requestId?: string,
  ): Promise<SubjectView> {
    await this.checkFields(input.fields);
    const now = nowIso();
    const id = randomUUID();
    const key = randomBytes(32);
    const s: SubjectTable = {
      id,
      external_id: input.externalId ?? null,
      wrapped_key: this.keys.seal(key, keyAad(id)),
      created_at: now,
      updated_at: now,
      erased_at: null,
    };
    return transact(this.db, async (tx) => {
      // The ledger knows a subject by `externalId ?? id`: an externalId that is another subject's id would
      // take over that subject's consents.
      if (
        s.external_id &&
        (await tx.db.selectFrom('subjects').select('id').where('id', '=', s.external_id).executeTakeFirst())
      )
        throw conflict('external_id_taken', 'externalId is already used by another subject', 'externalId');
      try {
        await tx.db.insertInto('subjects').values(s).execute();
      } catch (err) {
        if (isUniqueViolation(err))
          throw conflict('external_id_taken', 'externalId is already used by another subject', 'externalId');
        throw err;
      }
      await this.writeFields(tx, s, key, input.fields);
      await this.audit.append(tx, {
        action: 'subject.create',
        actor,
        requestId,
        target: { type: 'subject', id },
        details: { fields: input.fields.map((f) => ({ name: f.name, type: f.type })) },
      });
      return this.view(tx.db, s, key);
    });
  }

  async update(
    actor: ActorRef,
    id: string,
    input: { set?: FieldInput[]; remove?: string[] },
    requestId?: string,
  ): Promise<SubjectView> {
    await this.checkFields(input.set ?? []);
    return transact(this.db, async (tx) => {
      const s = await this.subject(tx.db, id);
      const key = this.dataKey(s);
      if (input.remove?.length) {
        // Removing a field the subject does not have is a mistake to report, not a change to record.
        const have = await tx.db
          .selectFrom('subject_fields')
          .select('name')
          .where('subject_id', '=', id)
          .where('name', 'in', input.remove)
          .execute();
        const missing = input.remove.find((n) => !have.some((h) => h.name === n));
        if (missing !== undefined)
          throw new AppError(404, 'field_not_found', `field ${missing} does not exist`, {
            field: 'remove',
          });
      }
      await this.writeFields(tx, s, key, input.set ?? []);
      if (input.remove?.length)
        await tx.db
          .deleteFrom('subject_fields')
          .where('subject_id', '=', id)
          .where('name', 'in', input.remove)
          .execute();
      await tx.db.updateTable('subjects').set({ updated_at: nowIso() }).where('id', '=', id).execute();
      await this.audit.append(tx, {
        action: 'subject.update',
        actor,
        requestId,
        target: { type: 'subject', id },
        details: { set: (input.set ?? []).map((f) => f.name), remove: input.remove ?? [] },
      });
      return this.view(tx.db, s, key);
    });
  }

  private async subject(db: Db, id: string): Promise<SubjectTable> {
    const s = await db.selectFrom('subjects').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s) throw notFound('Subject');
    return s;
  }

  private async view(db: Db, s: SubjectTable, key: Buffer | null): Promise<SubjectView> {
    const rows = await db
      .selectFrom('subject_fields')
      .selectAll()
      .where('subject_id', '=', s.id)
      .orderBy('name')
      .execute();
    return {
      id: s.id,
      externalId: s.external_id,
      createdAt: s.created_at,
      updatedAt: s.updated_at,
      erasedAt: s.erased_at,
      fields: rows.map((r) => ({
        name: r.name,
        type: r.type,
        category: r.category,
        sensitive: r.sensitive === 1,
        masked: key
          ? maskValue(r.type as FieldType, openField(key, fieldAad(s.id, r.name), r.ciphertext))
          : '',
        updatedAt: r.updated_at,
      })),
    };
  }

  /** Masked view: masking needs the plaintext in memory, so it is audited as a view (no purpose needed). */
  async get(actor: ActorRef, id: string, requestId?: string): Promise<SubjectView> {
    return transact(this.db, async (tx) => {
      const s = await this.subject(tx.db, id);
      await this.audit.append(tx, {
        action: 'subject.view',
        actor,
        requestId,
        target: { type: 'subject', id },
      });
      return this.view(tx.db, s, s.wrapped_key ? this.dataKey(s) : null);
    });
  }

  /** How many subjects are stored (no personal information is read, so nothing is audited). */
  async count(): Promise<{ total: number; erased: number }> {
    const r = await this.db
      .selectFrom('subjects')
      .select((eb) => [eb.fn.countAll().as('total'), eb.fn.count('erased_at').as('erased')])
      .executeTakeFirstOrThrow();
    return { total: Number(r.total) - Number(r.erased), erased: Number(r.erased) };
  }

  /**
   * The consent-ledger references (`external_id ?? id`) of the live subjects holding this exact value in one
   * of the fields named `fields`, found through the blind index; nothing is decrypted. The portal uses it to
   * know whom a verified contact is: only the person's own contact fields count, not (say) an emergency
   * contact's number stored with someone else.
   * @example await vault.ledgerRefsByValue('PHONE_NUMBER', '+86 138 0013 8000', ['phone']) // ['u-1001']
   */
  async ledgerRefsByValue(
    type: 'PHONE_NUMBER' | 'EMAIL_ADDRESS',
    value: string,
    fields: readonly string[],
  ): Promise<string[]> {
    if (!fields.length) return [];
    const rows = await this.db
      .selectFrom('subject_fields')
      .innerJoin('subjects', 'subjects.id', 'subject_fields.subject_id')
      .select(['subjects.id', 'subjects.external_id'])
      .distinct()
      .where('subject_fields.blind_index', '=', this.blind(type, value))
      .where('subject_fields.type', '=', type)
      .where('subject_fields.name', 'in', [...fields])
      .where('subjects.erased_at', 'is', null)
      .execute();
    return rows.map((r) => r.external_id ?? r.id).sort();
  }

  /** Finds subjects by an exact value (through the blind index) or by the provider's external id. */
  async find(
    actor: ActorRef,
    q: { externalId?: string; type?: FieldType; value?: string; limit: number; offset: number },
    requestId?: string,
  ): Promise<{ items: SubjectView[]; total: number }> {
    let ids: string[];
    let total: number;
    if (q.value !== undefined) {
      if (!q.type || !isIndexed(q.type))
        throw badRequest(
          'not_searchable',
          'type must be an indexed type (PHONE_NUMBER, EMAIL_ADDRESS, CN_RESIDENT_ID, BANK_CARD, PASSPORT, CN_HMT_PERMIT, CN_USCC)',
          'type',
        );
      const rows = await this.db
        .selectFrom('subject_fields')
        .select('subject_id')
        .distinct()
        .where('blind_index', '=', this.blind(q.type, q.value))
        .execute();
      const all = rows.map((r) => r.subject_id).sort();
      total = all.length;
      ids = all.slice(q.offset, q.offset + q.limit);
    } else {
      let sq = this.db.selectFrom('subjects').where('erased_at', 'is', null);
      if (q.externalId) sq = sq.where('external_id', '=', q.externalId);
      total = Number((await sq.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const rows = await sq
        .select('id')
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      ids = rows.map((r) => r.id);
    }
    const pageIds = ids;
    return transact(this.db, async (tx) => {
      const items: SubjectView[] = [];
      for (const id of pageIds) {
        const s = await this.subject(tx.db, id);
        items.push(await this.view(tx.db, s, s.wrapped_key ? this.dataKey(s) : null));
      }
      await this.audit.append(tx, {
        action: 'subject.search',
        actor,
        requestId,
        details: {
          by: q.value !== undefined ? q.type : q.externalId ? 'externalId' : 'list',
          results: total,
        },
      });
      return { items, total };
    });
  }

  /**
   * Plaintext of chosen fields for a declared purpose; one audit entry per field read, with the purpose.
   * @example await vault.reveal(actor, id, 'order-delivery', ['phone']);
   */
  async reveal(
    actor: ActorRef,
    id: string,
    purpose: string,
    names: string[] | null,
    requestId?: string,
    /** The recorded transfer the values go out under (a provision to a third party), for the audit. */
    transferId?: string,
  ): Promise<Array<{ name: string; type: string; value: string }>> {
    if (!purpose.trim())
      throw badRequest('purpose_required', 'purpose must say why the data is read', 'purpose');
    // The purpose check runs before the transaction: it reads the rules and audits denials on its own.
    const subject = await this.subject(this.db, id);
    let cq = this.db.selectFrom('subject_fields').select('category').where('subject_id', '=', id);
    if (names) cq = cq.where('name', 'in', names.length ? names : ['\0']);
    const categories = [...new Set((await cq.execute()).map((r) => r.category))];
    await this.checkPurpose(actor, subject, purpose, categories, requestId);
    return transact(this.db, async (tx) => {
      const s = await this.subject(tx.db, id);
      const key = this.dataKey(s);
      let q = tx.db.selectFrom('subject_fields').selectAll().where('subject_id', '=', id);
      if (names) q = q.where('name', 'in', names.length ? names : ['\0']);
      const rows = await q.orderBy('name').execute();
      if (names) {
        const missing = names.filter((n) => !rows.some((r) => r.name === n));
        if (missing.length)
          throw new AppError(404, 'field_not_found', `field ${missing[0]} does not exist`, {
            field: missing[0],
          });
      }
      // A field added or re-filed since the check, under a category it did not cover, is not read.
      const unchecked = rows.find((r) => !categories.includes(r.category));
      if (unchecked)
        throw conflict('fields_changed', 'The fields changed while they were being read; read them again');
      const out = [];
      for (const r of rows) {
        out.push({ name: r.name, type: r.type, value: openField(key, fieldAad(id, r.name), r.ciphertext) });
        await this.audit.append(tx, {
          action: 'subject.field.read',
          actor,
          requestId,
          purpose,
          target: { type: 'subject', id },
          details: {
            field: r.name,
            type: r.type,
            sensitive: r.sensitive === 1,
            ...(transferId ? { transfer: transferId } : {}),
          },
        });
      }
      return out;
    });
  }

  /**
   * The copy a person may ask for (PIPL 45), or a provision to a third party (PIPL 23), which needs a recorded
   * transfer to that recipient covering every category exported.
   */
  async export(
    actor: ActorRef,
    id: string,
    opts: { purpose: string; recipient?: string; transferId?: string },
    requestId?: string,
  ) {
    if (opts.recipient) {
      if (!opts.transferId)
        throw new AppError(
          403,
          'transfer_required',
          'Providing data to a third party needs a recorded transfer (transferId)',
          { field: 'transferId' },
        );
      const t = await this.db
        .selectFrom('subject_transfers')
        .selectAll()
        .where('id', '=', opts.transferId)
        .where('subject_id', '=', id)
        .executeTakeFirst();
      if (!t || t.recipient !== opts.recipient)
        throw new AppError(
          403,
          'transfer_mismatch',
          'transferId does not record a transfer of this subject to this recipient',
          { field: 'transferId' },
        );
      const allowed = new Set(JSON.parse(t.categories) as string[]);
      const fields = await this.db
        .selectFrom('subject_fields')
        .select(['name', 'category'])
        .where('subject_id', '=', id)
        .execute();
      const names = fields.filter((f) => allowed.has(f.category)).map((f) => f.name);
      // The purpose check judges the register's purpose the caller names; each read's audit entry says
      // which transfer it went out under.
      const values = await this.reveal(actor, id, opts.purpose, names, requestId, t.id);
      return this.exportBody(id, values, toTransfer(t));
    }
    const values = await this.reveal(actor, id, opts.purpose, null, requestId);
    return this.exportBody(id, values);
  }

  /** The export's body; for a third party (PIPL 23), only what its transfer covers: no other transfers, no
   * provider's own reference. */
  private async exportBody(
    id: string,
    values: Array<{ name: string; type: string; value: string }>,
    transfer?: TransferView,
  ) {
    const s = await this.subject(this.db, id);
    const fields = await this.db
      .selectFrom('subject_fields')
      .selectAll()
      .where('subject_id', '=', id)
      .execute();
    const transfers = transfer ? [transfer] : await this.listTransfers(id);
    return {
      subject: {
        id: s.id,
        externalId: transfer ? null : s.external_id,
        createdAt: s.created_at,
        updatedAt: s.updated_at,
      },
      exportedAt: nowIso(),
      fields: values.map((v) => {
        const f = fields.find((x) => x.name === v.name)!;
        return { ...v, category: f.category, sensitive: f.sensitive === 1, updatedAt: f.updated_at };
      }),
      transfers,
    };
  }

  /**
   * Retention's end (PIPL 19, 47), in the caller's transaction: deletes fields (their blind indexes go with the
   * rows), or replaces each value by `anonymise(type, value)`, re-sealed, index removed, marked anonymised.
   * Auditing is the caller's (one entry per subject). Returns the names actually changed.
   */
  async retireFields(
    tx: Tx,
    subjectId: string,
    remove: string[],
    anonymiseNames: string[],
    anonymise: (type: FieldType, value: string) => string,
  ): Promise<{ deleted: string[]; anonymised: string[] }> {
    const s = await this.subject(tx.db, subjectId);
    if (s.erased_at) return { deleted: [], anonymised: [] };
    const deleted = remove.length
      ? (
          await tx.db
            .deleteFrom('subject_fields')
            .where('subject_id', '=', subjectId)
            .where('name', 'in', remove)
            .returning('name')
            .execute()
        )
          .map((r) => r.name)
          .sort()
      : [];
    const anonymised: string[] = [];
    if (anonymiseNames.length) {
      const key = this.dataKey(s);
      const rows = await tx.db
        .selectFrom('subject_fields')
        .selectAll()
        .where('subject_id', '=', subjectId)
        .where('name', 'in', anonymiseNames)
        .where('anonymised_at', 'is', null)
        .execute();
      const now = nowIso();
      for (const r of rows) {
        const value = anonymise(
          r.type as FieldType,
          openField(key, fieldAad(subjectId, r.name), r.ciphertext),
        );
        await tx.db
          .updateTable('subject_fields')
          .set({
            ciphertext: sealField(key, fieldAad(subjectId, r.name), value),
            blind_index: null,
            anonymised_at: now,
          })
          .where('subject_id', '=', subjectId)
          .where('name', '=', r.name)
          .execute();
        anonymised.push(r.name);
      }
    }
    if (deleted.length || anonymised.length)
      await tx.db.updateTable('subjects').set({ updated_at: nowIso() }).where('id', '=', subjectId).execute();
    return { deleted, anonymised };
  }

  /** Erasure by crypto-shredding: the data key is destroyed, fields and indexes removed; only the fact stays. */
  async erase(actor: ActorRef, id: string, reason: string, requestId?: string): Promise<void> {
    // The reason is free text staff type; any personal information in it is replaced before it is audited.
    const { redact } = await import('../pii/index.js');
    const safeReason = redact(reason.slice(0, 200), { default: 'replace' }).text;
    await transact(this.db, async (tx) => {
      const s = await this.subject(tx.db, id);
      if (s.erased_at) throw conflict('already_erased', 'This subject was already erased');
      const n = await tx.db.deleteFrom('subject_fields').where('subject_id', '=', id).executeTakeFirst();
      await tx.db
        .updateTable('subjects')
        .set({ wrapped_key: null, external_id: null, erased_at: nowIso(), updated_at: nowIso() })
        .where('id', '=', id)
        .execute();
      await this.audit.append(tx, {
        action: 'subject.erase',
        actor,
        requestId,
        target: { type: 'subject', id },
        details: { fields: Number(n.numDeletedRows), reason: safeReason },
      });
    });
  }

  async recordTransfer(
    actor: ActorRef,
    id: string,
    input: { recipient: string; purpose: string; categories: string[]; legalBasis: string },
    requestId?: string,
  ): Promise<TransferView> {
    return transact(this.db, async (tx) => {
      const s = await this.subject(tx.db, id);
      if (s.erased_at) throw new AppError(410, 'erased', 'This subject was erased');
      const row = {
        id: randomUUID(),
        subject_id: id,
        recipient: input.recipient.trim(),
        purpose: input.purpose.trim(),
        categories: JSON.stringify([...new Set(input.categories)]),
        legal_basis: input.legalBasis,
        actor_type: actor.type,
        actor_id: actor.id,
        created_at: nowIso(),
      };
      await tx.db.insertInto('subject_transfers').values(row).execute();
      await this.audit.append(tx, {
        action: 'subject.transfer.record',
        actor,
        requestId,
        target: { type: 'subject', id },
        details: { transfer: row.id, categories: JSON.parse(row.categories), legalBasis: row.legal_basis },
      });
      return toTransfer(row);
    });
  }

  async listTransfers(id: string): Promise<TransferView[]> {
    const rows = await this.db
      .selectFrom('subject_transfers')
      .selectAll()
      .where('subject_id', '=', id)
      .orderBy('created_at')
      .execute();
    return rows.map(toTransfer);
  }

  /** Re-wraps every live data key under `next` (key rotation); field ciphertext is untouched. */
  async rewrapAll(next: KeyRing, onProgress?: (done: number, total: number) => void): Promise<number> {
    const rows = await this.db
      .selectFrom('subjects')
      .select(['id', 'wrapped_key'])
      .where('wrapped_key', 'is not', null)
      .execute();
    let done = 0;
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500);
      await transact(this.db, async (tx) => {
        for (const r of batch) {
          const key = this.keys.open(r.wrapped_key!, keyAad(r.id));
          await tx.db
            .updateTable('subjects')
            .set({ wrapped_key: next.seal(key, keyAad(r.id)) })
            .where('id', '=', r.id)
            // Only the key as it was listed: a subject erased meanwhile keeps no key (crypto-shredding).
            .where('wrapped_key', '=', r.wrapped_key)
            .execute();
        }
      });
      done += batch.length;
      onProgress?.(done, rows.length);
    }
    return done;
  }
}

function toTransfer(r: {
  id: string;
  subject_id: string;
  recipient: string;
  purpose: string;
  categories: string;
  legal_basis: string;
  created_at: string;
}): TransferView {
  return {
    id: r.id,
    subjectId: r.subject_id,
    recipient: r.recipient,
    purpose: r.purpose,
    categories: JSON.parse(r.categories) as string[],
    legalBasis: r.legal_basis,
    createdAt: r.created_at,
  };
}
