import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../../src/audit/actor.js';
import { AppContext } from '../../src/context.js';
import { cli, requireBuild } from '../helpers/cli.js';
import { testConfig } from '../helpers/dialects.js';

const HEADER = 'subject,purpose,given,rulesVersion,channel,time,separate,evidence';

describe('custodian consents import and retention sweep (SQLite data directory)', () => {
  let dir: string;
  beforeAll(() => {
    requireBuild();
    dir = mkdtempSync(path.join(tmpdir(), 'custodian-cli-rules-'));
    expect(cli(['migrate', '--data-dir', dir]).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the sweep says it does nothing before rules are published', () => {
    const r = cli(['retention', 'sweep', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/noop/);
    expect(r.stdout).toMatch(/No collection-and-use rules are published/);
  });

  it('imports a file, reports bad rows by line with a non-zero exit, and sweeps', async () => {
    const ctx = await AppContext.create(testConfig(dir));
    try {
      await ctx.rules.savePurpose(CLI, {
        key: 'ads',
        nameZh: '广告',
        nameEn: 'Ads',
        descriptionZh: '',
        descriptionEn: '',
        legalBasis: 'consent',
        necessity: '',
        categories: ['device'],
        methods: ['form'],
        retentionDays: 30,
        retentionAction: 'delete',
        recipients: [],
        crossBorder: [],
        publicDisclosure: false,
        minors: false,
      });
      await ctx.rules.publish(CLI);
      await ctx.vault.create(CLI, {
        externalId: 'cli-2',
        fields: [{ name: 'device_id', type: 'OTHER', value: 'dev-2', category: 'device' }],
      });
    } finally {
      await ctx.close();
    }
    const good = path.join(dir, 'good.csv');
    // Saved with a byte-order mark, as spreadsheets save "CSV UTF-8".
    writeFileSync(good, `\uFEFF${HEADER}\ncli-1,ads,true,1,paper,2025-01-01T00:00:00Z,,\n`);
    const dry = cli(['consents', 'import', good, '--dry-run', '--data-dir', dir]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^dry run: 1 rows, 0 imported, 1 valid/);
    // The hash reported (and audited) is the file's own.
    expect(dry.stdout).toContain(`sha256 ${createHash('sha256').update(readFileSync(good)).digest('hex')}`);
    // Bytes that are no UTF-8 are refused, not stored as replacement characters.
    const broken = path.join(dir, 'broken.csv');
    writeFileSync(
      broken,
      Buffer.concat([
        Buffer.from(`${HEADER}\nsubj-`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('1,ads,true,1,paper,2025-01-01T00:00:00Z,,\n'),
      ]),
    );
    const empty = path.join(dir, 'empty.csv');
    writeFileSync(empty, `${HEADER}\n`);
    const none = cli(['consents', 'import', empty, '--data-dir', dir]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`${empty} holds no rows to import`);
    const notUtf8 = cli(['consents', 'import', broken, '--data-dir', dir]);
    expect(notUtf8.code).toBe(2);
    expect(notUtf8.stderr).toContain(`${broken} is not valid UTF-8`);
    const done = cli(['consents', 'import', good, '--data-dir', dir]);
    expect(done.stdout).toMatch(/^imported: 1 rows, 1 imported/);

    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(
      bad,
      JSON.stringify({
        subject: 'cli-9',
        purpose: 'ads',
        given: 'maybe',
        rulesVersion: 1,
        time: '2025-01-01T00:00:00Z',
      }) + '\n',
    );
    const refused = cli(['consents', 'import', bad, '--data-dir', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('line 1: given: given must be true, false, 1 or 0 [invalid_given]');
    expect(refused.stdout).not.toContain('cli-9');

    const swept = cli(['retention', 'sweep', '--apply', '--data-dir', dir]);
    expect(swept.code).toBe(0);
    expect(swept.stdout).toMatch(/1 to delete/);
    expect(swept.stdout).toMatch(/applied: 1 changed in 1 subjects, 0 skipped/);
  });
});
