import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/csv.js';
import { IMPORT_LIMITS } from '../../src/rules/consent-import.js';
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
import { purposeBody } from '../helpers/purposes.js';
import type { Purpose } from '../../src/rules/register.js';

const purpose = (key: string, extra: Partial<Purpose> = {}) =>
  purposeBody({
    nameZh: '营销',
    nameEn: key,
    descriptionZh: '推荐商品',
    descriptionEn: 'Recommend products',
    retentionDays: 3650,
    ...extra,
  });

const HEADER = 'subject,purpose,given,rulesVersion,channel,time,separate,evidence';

describe('CSV reading', () => {
  it('keeps quoted commas, quotes and line breaks, and the line each record starts on', () => {
    const rows = parseCsv('a,b\r\n"x,1","say ""hi""\nthere"\n\nlast,');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x,1', 'say "hi"\nthere'] },
      { line: 5, cells: ['last', ''] },
    ]);
  });

  it('counts lone carriage returns inside quoted cells as line breaks, and skips lines of commas', () => {
    const rows = parseCsv('a,b\r"x\ry",1\r,,\rbad,2\r');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x\ry', '1'] },
      { line: 5, cells: ['bad', '2'] },
    ]);
  });
});

describe.each(DIALECTS)('bulk consent import on %s', (dialect) => {
  let t: TestContext;
  let app: TestApp;
  let dpo: Session;
  let key = '';
  const importFile = (body: Record<string, unknown>) =>
    as(app, { key }).post('/api/v1/consents/import', { format: 'csv', ...body });
  const check = (subject: string, p: string) =>
    as(app, { key }).post('/api/v1/purpose-check', { subject, purpose: p, categories: ['contact'] });
  const count = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('consents')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await makeContext(dialect);
    app = await makeApp(t.ctx);
    const admin = await setupAdmin(app);
    await as(app, admin).post('/api/v1/users', {
      username: 'dpo',
      password: STRONG_PASSWORD,
      role: 'privacy_officer',
    });
    dpo = await login(app, 'dpo');
    key = (
      await as(app, admin).post('/api/v1/api-keys', {
        name: 'importer',
        scopes: ['consents:write', 'consents:read', 'purpose:check'],
      })
    ).json().key;
    await as(app, dpo).put('/api/v1/purposes/marketing', purpose('marketing'));
    await as(app, dpo).put(
      '/api/v1/purposes/health-tips',
      purpose('health-tips', {
        categories: ['contact', 'health'],
        necessity: '根据健康状况推送健康提示需要健康信息',
      }),
    );
    expect((await as(app, dpo).post('/api/v1/rules/publish', {})).statusCode).toBe(201);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('needs the permission that recording consents needs', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/consents/import',
      payload: { format: 'csv', data: HEADER },
    });
    expect(res.statusCode).toBe(401);
  });

  it('imports a good CSV file; the purpose check then allows', async () => {
    expect((await check('legacy-1', 'marketing')).json().reasons).toEqual(['no_consent']);
    const data = [
      HEADER,
      'legacy-1,marketing,true,1,paper,2025-03-01T09:30:00+08:00,,"{""form"":""A-17"",""textSha256"":""abc""}"',
      'legacy-2,marketing,1,1,web,2025-03-02T10:00:00Z,,',
      'legacy-2,health-tips,true,1,app,2025-03-02T10:00:00Z,sensitive,',
    ].join('\n');
    const res = await importFile({ data });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: 3, imported: 3, failed: 0, errors: [], dryRun: false });
    expect((await check('legacy-1', 'marketing')).json()).toEqual({ allowed: true, reasons: [] });
    const hist = (await as(app, { key }).get('/api/v1/consents?subject=legacy-1')).json().items;
    // The row's own time is kept.
    expect(hist[0]).toMatchObject({ channel: 'paper', createdAt: '2025-03-01T01:30:00.000Z', given: true });
    const h2 = await as(app, { key }).post('/api/v1/purpose-check', {
      subject: 'legacy-2',
      purpose: 'health-tips',
      categories: ['health'],
    });
    expect(h2.json().allowed).toBe(true);
    // The same file again adds nothing.
    const again = (await importFile({ data })).json();
    expect(again).toMatchObject({ imported: 0, duplicates: 3, failed: 0 });
  });

  it('counts a row repeated in one file as a duplicate, and refuses two answers at one time', async () => {
    const row = 'twice-1,marketing,TRUE,1,web,2025-04-01T00:00:00Z,,';
    const same = (
      await importFile({ data: [HEADER, row, row.replace('00:00Z', '00:00.000+00:00')].join('\n') })
    ).json();
    expect(same).toMatchObject({ received: 2, imported: 1, duplicates: 1, failed: 0, errors: [] });
    const other = (
      await importFile({
        data: [
          HEADER,
          'twice-2,marketing,true,1,web,2025-04-01T00:00:00Z,,',
          'twice-2,marketing,false,1,web,2025-04-01T00:00:00Z,,',
        ].join('\n'),
      })
    ).json();
    expect(other).toMatchObject({ imported: 0, failed: 1 });
    expect(other.errors).toEqual([
      {
        row: 3,
        field: 'time',
        code: 'duplicate_time',
        message: 'line 2 gives another answer at the same time',
      },
    ]);
  });

  it('writes a file sent twice at once only once', async () => {
    const data = [
      HEADER,
      'race-1,marketing,true,1,web,2025-05-01T00:00:00Z,,',
      'race-2,marketing,true,1,web,2025-05-01T00:00:00Z,,',
    ].join('\n');
    const before = await count();
    const both = (await Promise.all([importFile({ data }), importFile({ data })])).map((r) => r.json());
    expect(both.map((b) => b.imported).sort()).toEqual([0, 2]);
    expect(both.map((b) => b.duplicates).sort()).toEqual([0, 2]);
    expect((await count()) - before).toBe(2);
  });

  it('does not repeat an unknown JSONL key or purpose that could be personal information', async () => {
    const line = JSON.stringify({
      subject: 'pi-1',
      purpose: 'marketing',
      given: true,
      rulesVersion: 1,
      time: '2025-01-01T00:00:00Z',
      '13800138000': 1,
    });
    const swapped = JSON.stringify({
      subject: 'pi-2',
      purpose: '13800138000',
      given: true,
      rulesVersion: 1,
      time: '2025-01-01T00:00:00Z',
    });
    const res = (await importFile({ format: 'jsonl', data: `${line}\n${swapped}` })).json();
    expect(res.errors.map((e: { code: string }) => e.code)).toEqual(['unknown_field', 'unknown_purpose']);
    expect(JSON.stringify(res)).not.toContain('13800138000');
    const named = (
      await importFile({
        format: 'jsonl',
        data: JSON.stringify({ ...JSON.parse(line), '13800138000': undefined, note: 'x' }),
      })
    ).json();
    expect(named.errors[0]).toMatchObject({ field: 'note', message: 'note is not a known field' });
  });

  it('imports JSONL; an older imported entry does not override a later one in the ledger', async () => {
    await as(app, { key }).post('/api/v1/consents', {
      subject: 'legacy-3',
      purpose: 'marketing',
      given: false,
      rulesVersion: 1,
      channel: 'web',
    });
    const data = [
      JSON.stringify({
        subject: 'legacy-3',
        purpose: 'marketing',
        given: true,
        rulesVersion: 1,
        channel: 'sms',
        time: '2024-06-01T00:00:00Z',
        separate: [],
        evidence: { reply: 'Y' },
      }),
      '',
      JSON.stringify({
        subject: 'legacy-4',
        purpose: 'marketing',
        given: 'true',
        rulesVersion: '1',
        time: '2024-06-01T00:00:00Z',
      }),
    ].join('\n');
    const res = (await importFile({ format: 'jsonl', data })).json();
    expect(res).toMatchObject({ received: 2, imported: 2, failed: 0 });
    expect((await check('legacy-3', 'marketing')).json().reasons).toEqual(['consent_withdrawn']);
    expect((await check('legacy-4', 'marketing')).json().allowed).toBe(true);
    const h = (await as(app, { key }).get('/api/v1/consents?subject=legacy-4')).json().items;
    expect(h[0].channel).toBe('import');
  });

  it('names each bad row by line and field, never repeating the subject', async () => {
    const secret = '13912345678';
    const data = [
      HEADER,
      `${secret},marketing,yes,1,web,2025-01-01T00:00:00Z,,`, // line 2: given
      `${secret},nothing,true,1,web,2025-01-01T00:00:00Z,,`, // line 3: purpose
      `${secret},marketing,true,7,web,2025-01-01T00:00:00Z,,`, // line 4: rulesVersion
      `${secret},marketing,true,1,fax,2025-01-01T00:00:00Z,,`, // line 5: channel
      `${secret},marketing,true,1,web,2025-01-01 08:00,,`, // line 6: time without zone
      `${secret},marketing,true,1,web,2999-01-01T00:00:00Z,,`, // line 7: future
      `${secret},marketing,true,1,web,1999-01-01T00:00:00Z,,`, // line 8: too early
      `${secret},marketing,true,1,web,2025-01-01T00:00:00Z,sensitive;telepathy,`, // line 9: separate
      `${secret},marketing,true,1,web,2025-01-01T00:00:00Z,,not json`, // line 10: evidence
      `,marketing,true,1,web,2025-01-01T00:00:00Z,,`, // line 11: subject
      `${'x'.repeat(201)},marketing,true,1,web,2025-01-01T00:00:00Z,,`, // line 12: subject too long
      `ok-1,marketing,true,1,web,2025-01-01T00:00:00Z,,`, // line 13: fine
      `ok-1,marketing,false,1,web,2025-01-01T00:00:00Z,,`, // line 14: same moment as line 13
      `${secret},marketing,true,1,web,2025-01-01T00:00:00Z,,{"a":1,"b":2}`, // line 15: unquoted comma
    ].join('\n');
    const before = await count();
    const res = (await importFile({ data })).json();
    expect(res).toMatchObject({ received: 14, imported: 0, failed: 13, valid: 1, atomic: true });
    expect(res.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [2, 'given'],
      [3, 'purpose'],
      [4, 'rulesVersion'],
      [5, 'channel'],
      [6, 'time'],
      [7, 'time'],
      [8, 'time'],
      [9, 'separate'],
      [10, 'evidence'],
      [11, 'subject'],
      [12, 'subject'],
      [14, 'time'],
      [15, 'row'],
      [15, 'evidence'],
    ]);
    expect(JSON.stringify(res)).not.toContain(secret);
    expect(JSON.stringify(res)).not.toContain('xxxxxxxx');
    expect(await count()).toBe(before);
    // Every field is checked, not only the first bad one.
    const two = (
      await importFile({ data: `${HEADER}\nz,nothing,maybe,1,web,2025-01-01T00:00:00Z,,` })
    ).json();
    expect(two.errors.map((e: { field: string }) => e.field).sort()).toEqual(['given', 'purpose']);
  });

  it('refuses a date or a time of day that does not exist (Date.parse would roll it over)', async () => {
    const data = [
      HEADER,
      'x-1,marketing,true,1,web,2025-02-30T00:00:00Z,,',
      'x-2,marketing,true,1,web,2025-01-01T24:00:00Z,,',
      'x-3,marketing,true,1,web,2024-02-29T23:59:00+08:00,,',
    ].join('\n');
    const res = (await importFile({ data, dryRun: true })).json();
    expect(
      res.errors.map((e: { row: number; field: string; code: string }) => [e.row, e.field, e.code]),
    ).toEqual([
      [2, 'time', 'invalid_time'],
      [3, 'time', 'invalid_time'],
    ]);
  });

  it('refuses evidence nested deeper than 16 levels, row by row, without overflowing the stack', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 2000; i++) deep = [deep];
    const row = {
      subject: 'x-4',
      purpose: 'marketing',
      given: true,
      rulesVersion: 1,
      time: '2025-01-01T00:00:00Z',
    };
    const res = await as(app, { key }).post('/api/v1/consents/import', {
      format: 'jsonl',
      dryRun: true,
      data: JSON.stringify({ ...row, evidence: { x: deep } }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().errors).toEqual([
      expect.objectContaining({ row: 1, field: 'evidence', code: 'invalid_evidence' }),
    ]);
  });

  it('atomic (default) writes nothing when a row fails; atomic=false writes the good rows', async () => {
    const data = [
      HEADER,
      'batch-1,marketing,true,1,web,2025-02-01T00:00:00Z,,',
      'batch-2,marketing,perhaps,1,web,2025-02-01T00:00:00Z,,',
      'batch-3,marketing,true,1,web,2025-02-01T00:00:00Z,,',
    ].join('\n');
    const before = await count();
    const atomic = (await importFile({ data })).json();
    expect(atomic).toMatchObject({ received: 3, imported: 0, failed: 1, valid: 2 });
    expect(await count()).toBe(before);
    const partial = (await importFile({ data, atomic: false })).json();
    expect(partial).toMatchObject({ received: 3, imported: 2, failed: 1, atomic: false });
    expect(partial.errors).toEqual([
      expect.objectContaining({ row: 3, field: 'given', code: 'invalid_given' }),
    ]);
    expect(await count()).toBe(before + 2);
  });

  it('a dry run validates and writes nothing, not even an audit entry', async () => {
    const before = await count();
    const audits = (await t.ctx.db.selectFrom('audit_entries').select('seq').execute()).length;
    const res = (
      await importFile({ data: `${HEADER}\ndry-1,marketing,true,1,web,2025-02-01T00:00:00Z,,`, dryRun: true })
    ).json();
    expect(res).toMatchObject({ received: 1, imported: 0, valid: 1, failed: 0, dryRun: true });
    expect(await count()).toBe(before);
    expect((await t.ctx.db.selectFrom('audit_entries').select('seq').execute()).length).toBe(audits);
  });

  it('writes one audit entry with counts and the file hash, without subjects', async () => {
    const data = `${HEADER}\naudit-subject-77,marketing,true,1,web,2025-02-03T00:00:00Z,,\naudit-subject-78,marketing,false,1,web,2025-02-03T00:00:00Z,,`;
    const res = (await importFile({ data })).json();
    expect(res.imported).toBe(2);
    const entries = await t.ctx.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('action', '=', 'consent.import')
      .orderBy('seq', 'desc')
      .execute();
    const last = entries[0];
    expect(JSON.parse(last.details)).toMatchObject({
      sha256: res.sha256,
      received: 2,
      imported: 2,
      given: 1,
      withdrawn: 1,
      purposes: { marketing: 2 },
    });
    const all = await t.ctx.db.selectFrom('audit_entries').selectAll().execute();
    expect(JSON.stringify(all)).not.toContain('audit-subject-7');
  });

  it('refuses a file over the size limit with 413 and a bad header with 400', async () => {
    const big = `${HEADER}\n` + 'x'.repeat(IMPORT_LIMITS.bytes);
    const res = await importFile({ data: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'import_too_large', details: { field: 'data' } });
    const header = await importFile({ data: 'subject,purpose,given,rulesVersion,colour\n' });
    expect(header.statusCode).toBe(400);
    expect(header.json().error).toMatchObject({ code: 'unknown_column', details: { field: 'data' } });
    expect(header.json().error.message).toContain('column 5');
    // A file without its header: the first data row is not repeated in the error.
    const headless = await importFile({ data: '13912345678,marketing,true,1,web,2025-01-01T00:00:00Z,,\n' });
    expect(headless.json().error.code).toBe('unknown_column');
    expect(headless.body).not.toContain('13912345678');
    const missing = await importFile({ data: 'subject,purpose,given\n' });
    expect(missing.json().error.code).toBe('missing_column');
    const format = await importFile({ format: 'xml', data: '' });
    expect(format.statusCode).toBe(400);
    expect(format.json().error.details.field).toBe('format');
  });

  it('refuses more rows than the limit', async () => {
    const row = 'r,marketing,true,1,web,2025-02-01T00:00:00Z,,\n';
    const res = await importFile({ data: HEADER + '\n' + row.repeat(IMPORT_LIMITS.rows + 1) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('import_too_many_rows');
  });
});
