import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../../src/cli/commands/screen-cli-entry.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'custodian-screen-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

function run(
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'screen', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

const RULES_JSONL = file(
  'rules.jsonl',
  [
    { id: 'gamble', pattern: '赌博', category: 'gambling', action: 'block' },
    { id: 'casino', pattern: 'casino', category: 'gambling', action: 'review' },
    { id: 'free', pattern: 'free money', category: 'spam', action: 'flag' },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n'),
);
const INPUT = [
  { id: 'a', text: '周末来玩 賭 博 吧' },
  { id: 'b', text: 'best c4$1n0 bonus' },
  { id: 'c', text: 'f.r.e.e m.o.n.e.y' },
  { id: 'd', text: '今天天气很好' },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

describe('custodian screen', () => {
  it('writes one line per input, in order, with the contract fields', async () => {
    const r = await run(['--rules', RULES_JSONL, '--input', file('in.jsonl', INPUT + '\n')]);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((o) => [o.id, o.decision])).toEqual([
      ['a', 'block'],
      ['b', 'review'],
      ['c', 'allow'],
      ['d', 'allow'],
    ]);
    expect(out[0]).toEqual({
      id: 'a',
      decision: 'block',
      matches: [
        { rule: 'gamble', category: 'gambling', action: 'block', start: 5, end: 8, matched: '賭 博' },
      ],
    });
    expect(Object.keys(out[0].matches[0])).toEqual(['rule', 'category', 'action', 'start', 'end', 'matched']);
    expect(out[2].matches[0].rule).toBe('free');
    expect(out[3].matches).toEqual([]);
  });

  it('reads stdin when --input is - or absent', async () => {
    for (const args of [['--input', '-'], []]) {
      const r = await run(['--rules', RULES_JSONL, ...args], INPUT);
      expect(lines(r.stdout).map((o) => o.id)).toEqual(['a', 'b', 'c', 'd']);
    }
  });

  it('takes a plain list (ids line-N, category other, action block) and CSV', async () => {
    const txt = file('rules.txt', '# 赌博类\n赌博\ncasino\n');
    const r = await run(['--rules', txt], INPUT);
    const out = lines(r.stdout);
    expect(out[0].matches[0]).toMatchObject({ rule: 'line-2', category: 'other', action: 'block' });
    expect(out[1]).toMatchObject({ decision: 'block', matches: [{ rule: 'line-3' }] });
    const csv = file('rules.csv', 'id,pattern,category,action\ng1,赌博,gambling,review\n');
    expect(lines((await run(['--rules', csv], INPUT)).stdout)[0].decision).toBe('review');
  });

  it('answers unreadable lines with decision "error" and exit code 2, keeping one line per input', async () => {
    const r = await run(['--rules', RULES_JSONL], '{"id":"x","text":"赌博"}\nnot json\n{"id":"y"}\n');
    expect(r.code).toBe(2);
    const out = lines(r.stdout);
    expect(out.map((o) => o.decision)).toEqual(['block', 'error', 'error']);
    expect(out[2].id).toBe('y');
  });

  it('quotes no input in its errors, reads past a byte-order mark, and needs an id on every line', async () => {
    const r = await run(
      ['--rules', RULES_JSONL],
      '\ufeff{"id":"x","text":"赌博"}\nname 13812345678 not json\n{"text":"赌博"}\n',
    );
    expect(r.code).toBe(2);
    const out = lines(r.stdout);
    expect(out.map((o) => o.decision)).toEqual(['block', 'error', 'error']);
    expect(r.stdout).not.toContain('13812345678');
    expect(out[1].error).toBe('line 2: not valid JSON');
    expect(out[2].error).toMatch(/^line 3: expected \{"id","text"\}/);
  });

  it('refuses an empty rule set instead of letting every post through', async () => {
    const empty = file('empty.jsonl', '\n');
    const r = await run(['--rules', empty], INPUT);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`rules ${empty}: holds no rule`);
    expect(r.stdout).toBe('');
  });

  it('reports invalid rules with the rule id and field, exit code 1', async () => {
    const bad = file('bad.jsonl', '{"id":"r1","pattern":"赌博","category":"gambling","action":"deny"}\n');
    const r = await run(['--rules', bad], INPUT);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rule "r1".*field "action"/);
    expect(r.stdout).toBe('');
  });

  it('streams a large input', async () => {
    const n = 20000;
    const big = Array.from({ length: n }, (_, i) =>
      JSON.stringify({ id: i, text: i % 2 ? '赌博' : '正常的内容' }),
    ).join('\n');
    const r = await run(['--rules', RULES_JSONL, '--input', file('big.jsonl', big)]);
    const out = r.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(n);
    expect(JSON.parse(out[n - 1])).toMatchObject({ id: n - 1, decision: 'block' });
  });
});
