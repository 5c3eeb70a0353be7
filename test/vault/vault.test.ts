import { purposeBody } from '../helpers/purposes.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/crypto/keyring.js';
import { DIALECTS, makeContext, type TestContext } from '../helpers/dialects.js';
import {
  as,
  login,
  makeApp,
  setupAdmin,
  STRONG_PASSWORD,
  type Session,
  type TestApp,
} from '../helpers/http.js';

const ID = '11010519491231002X';
const PHONE = '13800138000';
const CARD = '6222021234567890128'; // UnionPay-style, Luhn-valid

describe.each(DIALECTS)('subject vault on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let officer: Session;
  let auditor: Session;
  let subjectId = '';

  beforeAll(async () => {
    t = await makeContext(dialect);
    app = await makeApp(t.ctx);
    const admin = await setupAdmin(app);
    await as(app, admin).post('/api/v1/users', {
      username: 'dpo',
      password: STRONG_PASSWORD,
      role: 'privacy_officer',
    });
    await as(app, admin).post('/api/v1/users', {
      username: 'aud',
      password: STRONG_PASSWORD,
      role: 'auditor',
    });
    officer = await login(app, 'dpo');
    auditor = await login(app, 'aud');
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('refuses values that fail their check, naming the field, and stores nothing', async () => {
    const res = await as(app, officer).post('/api/v1/subjects', {
      fields: [
        { name: 'phone', type: 'PHONE_NUMBER', value: PHONE },
        { name: 'id_number', type: 'CN_RESIDENT_ID', value: '110105194912310021' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe('fields.id_number');
    // A phone number with words around it is no phone number, though its digits are one.
    for (const value of ['x13812345678x', 'call me 13812345678', '13812345678 李四']) {
      const r = await as(app, officer).post('/api/v1/subjects', {
        fields: [{ name: 'phone', type: 'PHONE_NUMBER', value }],
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.details.field).toBe('fields.phone');
      expect(r.body).not.toContain('13812345678');
    }
    expect((await as(app, officer).get('/api/v1/subjects')).json().total).toBe(0);
  });

  it('stores fields as ciphertext and shows them masked', async () => {
    const res = await as(app, officer).post('/api/v1/subjects', {
      externalId: 'user-1001',
      fields: [
        { name: 'phone', type: 'PHONE_NUMBER', value: '+86 138-0013-8000' },
        { name: 'id_number', type: 'CN_RESIDENT_ID', value: ID },
        { name: 'email', type: 'EMAIL_ADDRESS', value: 'Zhang.Wei@Example.cn' },
        { name: 'card', type: 'BANK_CARD', value: CARD },
        { name: 'name', type: 'PERSON_NAME', value: '张伟' },
      ],
    });
    expect(res.statusCode).toBe(201);
    const s = res.json();
    subjectId = s.id;
    const id = s.fields.find((f: { name: string }) => f.name === 'id_number');
    expect(id).toMatchObject({ type: 'CN_RESIDENT_ID', sensitive: true, masked: '110105********002X' });
    // Read the raw table: no plaintext anywhere in it.
    const raw = JSON.stringify(await t.ctx.db.selectFrom('subject_fields').selectAll().execute());
    for (const plain of [ID, '13800138000', '138-0013-8000', 'Zhang.Wei', CARD, '张伟'])
      expect(raw).not.toContain(plain);
    const subj = await t.ctx.db
      .selectFrom('subjects')
      .selectAll()
      .where('id', '=', subjectId)
      .executeTakeFirstOrThrow();
    expect(subj.wrapped_key).toMatch(/^v1\.mk_/);
  });

  it('finds a subject by exact value through the blind index, in any common writing', async () => {
    for (const [type, value] of [
      ['PHONE_NUMBER', '13800138000'],
      ['PHONE_NUMBER', '138 0013 8000'],
      ['EMAIL_ADDRESS', 'zhang.wei@example.cn'],
      ['CN_RESIDENT_ID', ID.toLowerCase()],
    ]) {
      const r = await as(app, officer).get(
        `/api/v1/subjects?type=${type}&value=${encodeURIComponent(value)}`,
      );
      expect(
        r.json().items.map((x: { id: string }) => x.id),
        `${type} ${value}`,
      ).toEqual([subjectId]);
    }
    const none = await as(app, officer).get('/api/v1/subjects?type=PHONE_NUMBER&value=13900139000');
    expect(none.json().total).toBe(0);
    const unindexed = await as(app, officer).get(
      '/api/v1/subjects?type=PERSON_NAME&value=%E5%BC%A0%E4%BC%9F',
    );
    expect(unindexed.statusCode).toBe(400);
  });

  it('reveals plaintext only with a purpose, auditing each field read with it', async () => {
    const noPurpose = await as(app, officer).post(`/api/v1/subjects/${subjectId}/reveal`, {
      fields: ['phone'],
    });
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json().error.details.field).toBe('purpose');
    const r = await as(app, officer).post(`/api/v1/subjects/${subjectId}/reveal`, {
      purpose: 'order delivery',
      fields: ['phone', 'id_number'],
    });
    expect(r.json().items).toEqual([
      { name: 'id_number', type: 'CN_RESIDENT_ID', value: ID },
      { name: 'phone', type: 'PHONE_NUMBER', value: '+86 138-0013-8000' },
    ]);
    const reads = await t.ctx.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('action', '=', 'subject.field.read')
      .execute();
    expect(reads.map((e) => [JSON.parse(e.details).field, e.purpose]).sort()).toEqual([
      ['id_number', 'order delivery'],
      ['phone', 'order delivery'],
    ]);
    const dump = JSON.stringify(await t.ctx.db.selectFrom('audit_entries').selectAll().execute());
    for (const plain of [ID, '13800138000', '138-0013-8000', CARD]) expect(dump).not.toContain(plain);
  });

  it('refuses an externalId that is another subject’s id: the ledger knows subjects by either', async () => {
    const fields = [{ name: 'name', type: 'PERSON_NAME', value: '李四' }];
    const a = await as(app, officer).post('/api/v1/subjects', { fields });
    expect(a.statusCode).toBe(201);
    const b = await as(app, officer).post('/api/v1/subjects', { externalId: a.json().id, fields });
    expect(b.statusCode).toBe(409);
    expect(b.json().error).toMatchObject({ code: 'external_id_taken', details: { field: 'externalId' } });
  });

  it('the auditor sees masked values but cannot reveal', async () => {
    expect((await as(app, auditor).get(`/api/v1/subjects/${subjectId}`)).statusCode).toBe(200);
    const r = await as(app, auditor).post(`/api/v1/subjects/${subjectId}/reveal`, { purpose: 'curiosity' });
    expect(r.statusCode).toBe(403);
    // Nor guess values through the search: each answer would say whether a guess was right.
    const guess = await as(app, auditor).get('/api/v1/subjects?type=PHONE_NUMBER&value=13800138000');
    expect(guess.statusCode).toBe(403);
    expect(guess.json().error.details).toMatchObject({ field: 'value', permission: 'subjects:reveal' });
    expect((await as(app, auditor).get('/api/v1/subjects?externalId=nobody')).statusCode).toBe(200);
  });

  it('exports the copy a person may ask for, as JSON and CSV', async () => {
    const json = await as(app, officer).get(
      `/api/v1/subjects/${subjectId}/export?purpose=access%20request&format=json`,
    );
    expect(json.statusCode).toBe(200);
    expect(
      json
        .json()
        .fields.map((f: { name: string }) => f.name)
        .sort(),
    ).toEqual(['card', 'email', 'id_number', 'name', 'phone']);
    const csv = await as(app, officer).get(
      `/api/v1/subjects/${subjectId}/export?purpose=access%20request&format=csv`,
    );
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain(`"${ID}"`);
    // A leading + would be a formula in a spreadsheet: neutralised.
    expect(csv.body).toContain(`"'+86 138-0013-8000"`);
  });

  it('provides data to a third party only through a recorded transfer, limited to its categories', async () => {
    const without = await as(app, officer).get(
      `/api/v1/subjects/${subjectId}/export?purpose=delivery&recipient=SF%20Express`,
    );
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('transfer_required');
    const tr = await as(app, officer).post(`/api/v1/subjects/${subjectId}/transfers`, {
      recipient: 'SF Express',
      purpose: 'parcel delivery',
      categories: ['contact', 'basic-personal'],
      legalBasis: 'contract',
    });
    expect(tr.statusCode).toBe(201);
    // A category the register does not know would cover no field: refused, naming it.
    const unknown = await as(app, officer).post(`/api/v1/subjects/${subjectId}/transfers`, {
      recipient: 'SF Express',
      purpose: 'parcel delivery',
      categories: ['contact', 'addresses'],
      legalBasis: 'contract',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.field).toMatch(/^categories/);
    const wrongRecipient = await as(app, officer).get(
      `/api/v1/subjects/${subjectId}/export?purpose=delivery&recipient=Other&transferId=${tr.json().id}`,
    );
    expect(wrongRecipient.statusCode).toBe(403);
    const ok = await as(app, officer).get(
      `/api/v1/subjects/${subjectId}/export?purpose=delivery&recipient=SF%20Express&transferId=${tr.json().id}`,
    );
    expect(
      ok
        .json()
        .fields.map((f: { name: string }) => f.name)
        .sort(),
    ).toEqual(['email', 'name', 'phone']);
  });

  it('updates and removes fields; a re-keyed index follows the new value', async () => {
    const r = await as(app, officer).patch(`/api/v1/subjects/${subjectId}`, {
      set: [{ name: 'phone', type: 'PHONE_NUMBER', value: '13900139000' }],
      remove: ['card'],
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().fields.map((f: { name: string }) => f.name)).not.toContain('card');
    // Removing what is not there changes nothing, and a value typed as a name is not repeated back.
    const before = (await as(app, officer).get(`/api/v1/subjects/${subjectId}`)).json();
    const gone = await as(app, officer).patch(`/api/v1/subjects/${subjectId}`, {
      set: [{ name: 'phone', type: 'PHONE_NUMBER', value: '13700137000' }],
      remove: ['card'],
    });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.details.field).toBe('remove');
    const asName = await as(app, officer).patch(`/api/v1/subjects/${subjectId}`, { remove: ['13812345678'] });
    expect(asName.statusCode).toBe(400);
    expect(asName.body).not.toContain('13812345678');
    expect((await as(app, officer).get(`/api/v1/subjects/${subjectId}`)).json()).toEqual(before);
    expect(
      (await as(app, officer).get('/api/v1/subjects?type=PHONE_NUMBER&value=13900139000')).json().total,
    ).toBe(1);
    expect(
      (await as(app, officer).get('/api/v1/subjects?type=PHONE_NUMBER&value=13800138000')).json().total,
    ).toBe(0);
  });

  it('keeps data readable across key rotation', async () => {
    const next = t.ctx.keys.rotated();
    expect(await t.ctx.vault.rewrapAll(next)).toBeGreaterThan(0);
    const row = await t.ctx.db
      .selectFrom('subjects')
      .select('wrapped_key')
      .where('id', '=', subjectId)
      .executeTakeFirstOrThrow();
    expect(next.sealedWith(row.wrapped_key!)).toBe(next.activeMasterId);
    // The running ring does not know the new key yet; a ring holding both reads the rewrapped key.
    expect(next.open(row.wrapped_key!, `subject:${subjectId}`)).toHaveLength(32);
    expect(() => KeyRing.generate().open(row.wrapped_key!, `subject:${subjectId}`)).toThrow();
  });

  it('erasure destroys the data key: nothing can be read afterwards, and only the fact is audited', async () => {
    const s2 = (
      await as(app, officer).post('/api/v1/subjects', {
        fields: [{ name: 'phone', type: 'PHONE_NUMBER', value: '13700137000' }],
      })
    ).json().id;
    const before = await t.ctx.db
      .selectFrom('subject_fields')
      .select('ciphertext')
      .where('subject_id', '=', s2)
      .execute();
    const before2 = (await as(app, officer).get('/api/v1/subjects/count')).json();
    // Staff may type personal information into the reason; it is replaced before it reaches the audit log.
    const reason = encodeURIComponent('PIPL 47 request by phone 13700137000');
    expect((await as(app, officer).delete(`/api/v1/subjects/${s2}?reason=${reason}`)).statusCode).toBe(200);
    const after2 = (await as(app, officer).get('/api/v1/subjects/count')).json();
    expect(after2).toEqual({ total: before2.total - 1, erased: before2.erased + 1 });
    const row = await t.ctx.db
      .selectFrom('subjects')
      .selectAll()
      .where('id', '=', s2)
      .executeTakeFirstOrThrow();
    expect(row.wrapped_key).toBeNull();
    expect(row.erased_at).not.toBeNull();
    expect(
      await t.ctx.db.selectFrom('subject_fields').selectAll().where('subject_id', '=', s2).execute(),
    ).toEqual([]);
    expect(before).toHaveLength(1);
    const read = await as(app, officer).post(`/api/v1/subjects/${s2}/reveal`, { purpose: 'check' });
    expect(read.statusCode).toBe(410);
    expect(
      (await as(app, officer).get('/api/v1/subjects?type=PHONE_NUMBER&value=13700137000')).json().total,
    ).toBe(0);
    const erased = await t.ctx.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('action', '=', 'subject.erase')
      .execute();
    expect(erased).toHaveLength(1);
    expect(erased[0].details).not.toContain('13700137000');
    expect(JSON.parse(erased[0].details).reason).toContain('<PHONE_NUMBER>');
  });

  it('the scan and redact API finds and masks, storing only counts', async () => {
    const { key } = (
      await as(app, (await login(app, 'admin')) as Session).post('/api/v1/api-keys', {
        name: 'scanner',
        scopes: ['pii:scan'],
      })
    ).json();
    const text = `联系人：李娜，手机 13800138000，身份证 ${ID}，订单号 202311150000000001`;
    const scan = await as(app, { key }).post('/api/v1/pii/scan', { text });
    const types = scan.json().findings.map((f: { type: string }) => f.type);
    expect(types).toContain('PHONE_NUMBER');
    expect(types).toContain('CN_RESIDENT_ID');
    const phone = scan.json().findings.find((f: { type: string }) => f.type === 'PHONE_NUMBER');
    expect(text.slice(phone.start, phone.end)).toBe('13800138000');
    const red = await as(app, { key }).post('/api/v1/pii/redact', { text, operator: 'mask' });
    expect(red.json().text).toContain('138****8000');
    expect(red.json().text).not.toContain(ID);
    const recs = await as(app, { key }).post('/api/v1/pii/redact', {
      records: [{ id: 'r1', fields: { note: `call ${PHONE}`, other: 'nothing here' } }],
      operator: 'pseudonymize',
    });
    const again = await as(app, { key }).post('/api/v1/pii/redact', {
      records: [{ id: 'r2', text: `call ${PHONE}` }],
      operator: 'pseudonymize',
    });
    expect(recs.json().records[0].fields.note).toBe(again.json().records[0].text);
    expect(recs.json().records[0].fields.note).not.toContain(PHONE);
    const both = await as(app, { key }).post('/api/v1/pii/scan', { text: 'a', records: [] });
    expect(both.statusCode).toBe(400);
    const audit = await t.ctx.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('action', 'in', ['pii.scan', 'pii.redact'])
      .execute();
    expect(audit.length).toBe(4);
    expect(JSON.stringify(audit)).not.toContain(PHONE);
    expect(JSON.parse(audit[0].details).findings.PHONE_NUMBER).toBe(1);
  });
  it('files an OTHER field under a category of the register, and a typed field under its own', async () => {
    const post = (fields: unknown[]) => as(app, officer).post('/api/v1/subjects', { fields });
    const before = (await as(app, officer).get('/api/v1/subjects')).json().total;
    const missing = await post([{ name: 'diagnosis', type: 'OTHER', value: 'asthma' }]);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.field).toBe('fields.diagnosis.category');
    const unknown = await post([{ name: 'diagnosis', type: 'OTHER', value: 'asthma', category: 'medical' }]);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toContain('health');
    expect(unknown.json().error.message).not.toContain('asthma');
    const wrongFixed = await post([
      { name: 'phone', type: 'PHONE_NUMBER', value: PHONE, category: 'health' },
    ]);
    expect(wrongFixed.statusCode).toBe(400);
    expect(wrongFixed.json().error.details.field).toBe('fields.phone.category');
    expect((await as(app, officer).get('/api/v1/subjects')).json().total).toBe(before);
    // A health record is sensitive whatever type carries it (PIPL 28).
    const ok = await post([
      { name: 'diagnosis', type: 'OTHER', value: 'asthma', category: 'health' },
      { name: 'phone', type: 'PHONE_NUMBER', value: PHONE, category: 'contact' },
    ]);
    expect(ok.statusCode).toBe(201);
    const byName = Object.fromEntries(
      ok.json().fields.map((f: { name: string; category: string; sensitive: boolean }) => [f.name, f]),
    );
    expect(byName.diagnosis).toMatchObject({ category: 'health', sensitive: true });
    expect(byName.phone.category).toBe('contact');
  });

  // Last: it publishes rules, after which every plaintext read passes the purpose check.
  it('provides to a third party under published rules, giving it nothing beyond its transfer', async () => {
    const s = await as(app, officer).post('/api/v1/subjects', {
      externalId: 'tp-1',
      fields: [
        { name: 'phone', type: 'PHONE_NUMBER', value: PHONE },
        { name: 'name', type: 'PERSON_NAME', value: '王小明' },
      ],
    });
    expect(s.statusCode).toBe(201);
    const id = s.json().id;
    const tr = (
      await as(app, officer).post(`/api/v1/subjects/${id}/transfers`, {
        recipient: 'SF Express',
        purpose: 'parcel delivery',
        categories: ['contact', 'basic-personal'],
        legalBasis: 'contract',
      })
    ).json();
    await as(app, officer).post(`/api/v1/subjects/${id}/transfers`, {
      recipient: 'Other Co',
      purpose: 'surveys',
      categories: ['contact'],
      legalBasis: 'consent',
    });
    expect(
      (
        await as(app, officer).put('/api/v1/purposes/delivery', {
          ...purposeBody({ legalBasis: 'contract', categories: ['contact', 'basic-personal'] }),
          necessity: '配送包裹需要收件人的姓名和电话，缺少则无法送达',
          recipients: [
            {
              name: 'SF Express',
              kind: 'third_party',
              purpose: 'parcel delivery',
              categories: ['contact', 'basic-personal'],
            },
          ],
        })
      ).statusCode,
    ).toBe(200);
    expect((await as(app, officer).post('/api/v1/rules/publish', {})).statusCode).toBe(201);
    const out = await as(app, officer).get(
      `/api/v1/subjects/${id}/export?purpose=delivery&recipient=SF%20Express&transferId=${tr.id}`,
    );
    expect(out.statusCode).toBe(200);
    const body = out.json();
    expect(body.fields.map((f: { name: string }) => f.name).sort()).toEqual(['name', 'phone']);
    expect(body.transfers.map((t: { recipient: string }) => t.recipient)).toEqual(['SF Express']);
    expect(body.subject.externalId).toBeNull();
  });
});
