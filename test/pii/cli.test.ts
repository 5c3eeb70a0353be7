import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = join(ROOT, 'src/cli/commands/pii-cli-entry.ts');
const dir = mkdtempSync(join(tmpdir(), 'custodian-pii-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  opts: { stdin?: string; env?: Record<string, string>; entry?: string[] } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.entry ?? ['--import', 'tsx', ENTRY]), 'pii', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('custodian pii scan', () => {
  it('follows the jsonl contract: one line per record, {id, findings[{type,start,end,text,score}]}', async () => {
    const input = file(
      'contract.jsonl',
      [
        { id: 'r1', text: '手机13800138000' },
        { id: 'r2', text: 'no personal information' },
        { id: 'r3', text: '😀 身份证 11010519491231002X' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const r = await run(['scan', '--input', input]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        id: 'r1',
        findings: [
          { type: 'PHONE_NUMBER', start: 2, end: 13, text: '13800138000', score: expect.any(Number) },
        ],
      },
      { id: 'r2', findings: [] },
      {
        id: 'r3',
        findings: [
          {
            type: 'CN_RESIDENT_ID',
            start: 7,
            end: 25,
            text: '11010519491231002X',
            score: expect.any(Number),
          },
        ],
      },
    ]);
    expect(r.stderr).toBe('');
  });

  it('keeps input order over thousands of records with worker threads', async () => {
    const n = 5000;
    const recs = Array.from({ length: n }, (_, k) => {
      const text =
        k % 3 === 0
          ? `用户${k} 手机 138${String(k).padStart(8, '0')}`
          : k % 3 === 1
            ? `plain line ${k}`
            : `mail u${k}@example.com`;
      return JSON.stringify({ id: `id-${k}`, text });
    });
    const r = await run(['scan', '--input', file('many.jsonl', recs.join('\n') + '\n'), '--workers', '2']);
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(n);
    out.forEach((line, k) => {
      const rec = JSON.parse(line);
      expect(rec.id).toBe(`id-${k}`);
      expect(rec.findings.length).toBe(k % 3 === 1 ? 0 : 1);
    });
  });

  it('reports bad lines on stderr with their line number, goes on, exits 2', async () => {
    const input = file(
      'bad.jsonl',
      '{"id":"a","text":"x"}\nnot json\n{"id":"b"}\n\n{"id":"c","text":"a@b.cn"}\n',
    );
    const r = await run(['scan', '--input', input, '--workers', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 2: invalid JSON/);
    expect(r.stderr).toMatch(/line 3: field "text" is missing/);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['a', 'c']);
  });

  it('never passes records through unmasked when --fields names nothing they hold', async () => {
    const input = file('fields.jsonl', '{"id":1,"text":"call me at 13812345678 please"}\n');
    const typo = await run(['redact', '--input', input, '--fields', 'txt,body', '--workers', '0']);
    expect(typo.code).toBe(2);
    expect(typo.stdout).not.toContain('13812345678');
    expect(typo.stderr).toMatch(/line 1: none of the fields txt, body/);
    const none = await run(['redact', '--input', input, '--fields', '', '--workers', '0']);
    expect(none.code).not.toBe(0);
    expect(none.stdout).toBe('');
    // A line that is no JSON is reported without being quoted.
    const bad = file('quoted.jsonl', 'name 13812345678 x\n');
    const r = await run(['scan', '--input', bad, '--workers', '0']);
    expect(r.stderr).toMatch(/line 1: invalid JSON/);
    expect(r.stderr).not.toContain('13812345678');
    const many = await run(['scan', '--input', input, '--workers', '100000']);
    expect(many.code).not.toBe(0);
    expect(many.stderr).toMatch(/--workers must be a whole number from 0 to \d+/);
  });

  it('reads text from stdin and prints a summary on request', async () => {
    const r = await run(['scan', '--format', 'text', '--summary', '--workers', '0'], {
      stdin: 'a 13800138000\nb\n',
    });
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).line),
    ).toEqual([1, 2]);
    expect(r.stderr).toMatch(/records\s+2/);
    expect(r.stderr).toMatch(/PHONE_NUMBER\s+1/);
  });

  it('scans chosen CSV columns', async () => {
    const input = file(
      't.csv',
      'id,phone,note\n1,13800138000,"mail a@b.cn"\n2,x,"multi\nline 13900139000"\n',
    );
    const r = await run(['scan', '--input', input, '--columns', 'note', '--workers', '0']);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(
      rows.map((x) => x.findings.map((f: { column: string; type: string }) => `${f.column}:${f.type}`)),
    ).toEqual([['note:EMAIL_ADDRESS'], ['note:PHONE_NUMBER']]);
  });
});

describe('custodian pii redact', () => {
  it('reads a quote inside a CSV field as a character, and keeps every row before an unclosed one', async () => {
    const stray = file('stray.csv', 'name,note\nli,5" tall 13800138000\nwang,ok\nzhao,13900139000\n');
    const r = await run(['redact', '--input', stray, '--operator', 'mask', '--workers', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'name,note',
      'li,"5"" tall 138****8000"',
      'wang,ok',
      'zhao,139****9000',
    ]);
    const open = file('open.csv', 'name,note\nli,13800138000\nwang,"never closed 13900139000\n');
    const o = await run(['redact', '--input', open, '--operator', 'mask', '--workers', '0']);
    expect(o.code).toBe(2);
    expect(o.stdout.trimEnd().split('\n')).toEqual(['name,note', 'li,138****8000']);
    expect(o.stderr).toMatch(/line 3: unterminated quoted field/);
    expect(o.stdout + o.stderr).not.toContain('13900139000');
  });

  it('masks jsonl fields in order', async () => {
    const input = file('r.jsonl', '{"id":1,"text":"手机13800138000","other":"13800138000"}\n');
    const r = await run(['redact', '--input', input, '--operator', 'mask']);
    expect(JSON.parse(r.stdout)).toEqual({ id: 1, text: '手机138****8000', other: '13800138000' });
  });

  it('pseudonymises with the key from CUSTODIAN_PSEUDONYM_KEY and refuses without it', async () => {
    const env = { CUSTODIAN_PSEUDONYM_KEY: '00112233445566778899aabbccddeeff' };
    const r = await run(['redact', '--format', 'text', '--operator', 'pseudonymize', '--workers', '0'], {
      stdin: '13800138000\n138-0013-8000\n',
      env,
    });
    const [a, b] = r.stdout.trimEnd().split('\n');
    expect(a).toMatch(/^<PHONE_NUMBER:[0-9a-f]{16}>$/);
    expect(b).toBe(a);
    const denied = await run(['redact', '--format', 'text', '--operator', 'pseudonymize'], {
      stdin: 'x\n',
      env: { CUSTODIAN_PSEUDONYM_KEY: '' },
    });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/CUSTODIAN_PSEUDONYM_KEY/);
    expect(denied.stdout).toBe('');
  });

  it('encrypts with CUSTODIAN_ENCRYPTION_KEY, and `pii decrypt` restores exactly the input (jsonl and CSV)', async () => {
    const key = 'ab'.repeat(32);
    const jsonl = '{"id":1,"text":"手机13800138000，邮箱 li@example.com"}\n{"id":2,"text":"无"}\n';
    const enc = await run(['redact', '--format', 'jsonl', '--operator', 'encrypt', '--workers', '0'], {
      stdin: jsonl,
      env: { CUSTODIAN_ENCRYPTION_KEY: key },
    });
    expect(enc.code).toBe(0);
    expect(enc.stdout).not.toContain('13800138000');
    expect(enc.stdout).toMatch(/enc:v1:PHONE_NUMBER:/);
    const dec = await run(['decrypt', '--format', 'jsonl', '--workers', '0'], {
      stdin: enc.stdout,
      env: { CUSTODIAN_ENCRYPTION_KEY: key },
    });
    expect(dec.code).toBe(0);
    expect(dec.stdout).toBe(jsonl);
    const csv = 'name,phone\n"Zhang, San",13800138000\n';
    const encCsv = await run(['redact', '--format', 'csv', '--operator', 'encrypt', '--workers', '1'], {
      stdin: csv,
      env: { CUSTODIAN_ENCRYPTION_KEY: key },
    });
    const decCsv = await run(['decrypt', '--format', 'csv', '--workers', '1'], {
      stdin: encCsv.stdout,
      env: { CUSTODIAN_ENCRYPTION_KEY: key },
    });
    expect(decCsv.stdout).toBe(csv);
    // Another key: the record is reported by line, the command exits 2, and nothing is made up.
    const wrong = await run(['decrypt', '--format', 'jsonl', '--workers', '0'], {
      stdin: enc.stdout,
      env: { CUSTODIAN_ENCRYPTION_KEY: 'cd'.repeat(32) },
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/line 1.*does not decrypt/);
    expect(wrong.stdout).toBe('{"id":2,"text":"无"}\n');
    // No key, or a short one: a usage error before any output.
    for (const k of ['', 'abcd']) {
      const denied = await run(['redact', '--format', 'text', '--operator', 'encrypt'], {
        stdin: 'x\n',
        env: { CUSTODIAN_ENCRYPTION_KEY: k },
      });
      expect(denied.code).toBe(1);
      expect(denied.stderr).toMatch(/CUSTODIAN_ENCRYPTION_KEY: 32 bytes/);
      expect(denied.stdout).toBe('');
    }
  });

  it('keeps the CSV header and quoting', async () => {
    const input = file('r.csv', 'name,phone\n"Zhang, San",13800138000\n');
    const r = await run(['redact', '--input', input, '--workers', '0']);
    expect(r.stdout).toBe('name,phone\n"Zhang, San",<PHONE_NUMBER>\n');
  });
});

describe('built worker', () => {
  it('runs from compiled JavaScript (dist layout)', async () => {
    const out = join(ROOT, 'node_modules/.cache/custodian-pii-cli-test');
    const tsc = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        ...['--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck'],
        ...['--types', 'node', '--rootDir', join(ROOT, 'src'), '--outDir', out],
        ENTRY,
        join(ROOT, 'src/cli/commands/pii-worker.ts'),
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    const input = file('dist.jsonl', '{"id":"d","text":"tel 13800138000"}\n');
    const r = await run(['scan', '--input', input, '--workers', '2'], {
      entry: [join(out, 'cli/commands/pii-cli-entry.js')],
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).findings[0].type).toBe('PHONE_NUMBER');
  });
});
