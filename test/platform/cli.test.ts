import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, requireBuild } from '../helpers/cli.js';
import { STRONG_PASSWORD } from '../helpers/http.js';

describe('custodian CLI (SQLite data directory)', () => {
  let dir: string;
  beforeAll(() => {
    requireBuild();
    dir = mkdtempSync(path.join(tmpdir(), 'custodian-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists its commands, each with --help', () => {
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    for (const c of [
      'serve',
      'migrate',
      'config',
      'admin',
      'apikey',
      'audit',
      'keys',
      'version',
      'pii',
      'screen',
    ])
      expect(help.stdout).toContain(c);
    const sub = cli(['apikey', 'create', '--help']);
    expect(sub.stdout).toContain('--scopes');
    // A mistyped command names the likely one and lists them all, engine commands included.
    const typo = cli(['scren']);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain('Did you mean screen?');
    for (const c of ['pii', 'screen', 'consents', 'retention']) expect(typo.stderr).toContain(c);
  });

  it('migrates a fresh directory and says what it applied; then says it is current', () => {
    const first = cli(['migrate', '--data-dir', dir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied: 20261129-0001-platform/);
    expect(cli(['migrate', '--data-dir', dir]).stdout).toMatch(/up to date/);
  });

  it('creates an administrator with the password from stdin, refusing a weak one', () => {
    const weak = cli(['admin', 'create', '--username', 'ops', '--data-dir', dir], { input: 'short\n' });
    expect(weak.code).not.toBe(0);
    expect(weak.stderr).toMatch(/password must be at least 12 characters/);
    const ok = cli(['admin', 'create', '--username', 'ops', '--role', 'admin', '--data-dir', dir], {
      input: STRONG_PASSWORD + '\n',
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain(STRONG_PASSWORD);
    // Keys are created on first use, with owner-only permissions.
    expect(statSync(path.join(dir, 'keys', 'keyring.json')).mode & 0o777).toBe(0o600);
  });

  it('prints a new API key alone on stdout, lists and revokes it', () => {
    const made = cli([
      'apikey',
      'create',
      '--name',
      'shop',
      '--scopes',
      'audit:read,users:read',
      '--data-dir',
      dir,
    ]);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^cus_[a-z0-9]{8}_[A-Za-z0-9_-]{43}\n$/);
    const bad = cli(['apikey', 'create', '--name', 'x', '--scopes', 'root', '--data-dir', dir]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown scope root/);
    const list = cli(['apikey', 'list', '--data-dir', dir]);
    expect(list.stdout).toContain('shop');
    expect(list.stdout).not.toContain(made.stdout.trim());
    const id = /([0-9a-f-]{36})/.exec(list.stdout)![1];
    expect(cli(['apikey', 'revoke', id, '--data-dir', dir]).code).toBe(0);
    // For scripts: JSON, still without the key or its hash.
    const json = cli(['apikey', 'list', '--json', '--data-dir', dir]);
    const keys = JSON.parse(json.stdout) as Array<{ id: string; revokedAt: string | null }>;
    expect(keys.find((k) => k.id === id)?.revokedAt).not.toBeNull();
    expect(json.stdout).not.toContain(made.stdout.trim());
    expect(json.stdout).not.toMatch(/hash/i);
  });

  it('prints the configuration with secrets masked', () => {
    const r = cli(['config', '--data-dir', dir], {
      env: { CUSTODIAN_SMS_GATEWAY_TOKEN: 'tok-secret-1', CUSTODIAN_PROVIDER_NAME: '示例' },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ providerName: '示例', dataDir: dir });
    expect(r.stdout).not.toContain('tok-secret-1');
  });

  it('stops with one line naming a bad setting', () => {
    const r = cli(['config'], { env: { CUSTODIAN_PORT: 'eighty' } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/CUSTODIAN_PORT: must be an integer/);
  });

  it('verifies the audit log, and names the first tampered entry', () => {
    const ok = cli(['audit', 'verify', '--data-dir', dir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Audit log intact: \d+ entries/);
    const db = new Database(path.join(dir, 'custodian.db'));
    db.prepare("update audit_entries set action = 'user.harmless' where seq = 2").run();
    db.close();
    const bad = cli(['audit', 'verify', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/entry 2 was edited/);
  });

  it('does not make a store where a command only reads one: a mistyped directory is an error', () => {
    const typo = path.join(dir, 'no-such', 'dir');
    for (const args of [
      ['audit', 'verify'],
      ['apikey', 'list'],
    ]) {
      const r = cli([...args, '--data-dir', typo]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`no database at ${path.join(typo, 'custodian.db')}`);
    }
    expect(existsSync(typo)).toBe(false);
    const config = cli(['config', '--config', path.join(dir, 'no-such.json')]);
    expect(config.code).not.toBe(0);
    expect(config.stderr).toMatch(/no-such.json: does not exist/);
  });

  it('rotates keys, keeping old signatures verifiable', () => {
    const d2 = mkdtempSync(path.join(tmpdir(), 'custodian-cli-'));
    try {
      cli(['admin', 'create', '--username', 'ops', '--data-dir', d2], { input: STRONG_PASSWORD });
      const r = cli(['keys', 'rotate', '--data-dir', d2]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Active master key mk_/);
      expect(cli(['audit', 'verify', '--data-dir', d2]).code).toBe(0);
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });
});
