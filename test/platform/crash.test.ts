import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, requireBuild, serve } from '../helpers/cli.js';
import { PG_URL } from '../helpers/dialects.js';
import { STRONG_PASSWORD } from '../helpers/http.js';

interface Target {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cleanup: () => Promise<void>;
}

async function sqliteTarget(): Promise<Target> {
  const dir = mkdtempSync(path.join(tmpdir(), 'custodian-crash-'));
  return {
    name: 'sqlite',
    args: ['--data-dir', dir],
    env: {},
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A database of its own on the real server, so the child process sees a clean default schema. */
async function postgresTarget(): Promise<Target> {
  const dir = mkdtempSync(path.join(tmpdir(), 'custodian-crash-'));
  const name = `custodian_crash_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG_URL!);
  u.pathname = `/${name}`;
  return {
    name: 'postgres',
    args: ['--data-dir', dir],
    env: { CUSTODIAN_DATABASE_URL: u.toString() },
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const targets = [sqliteTarget, ...(PG_URL ? [postgresTarget] : [])];

/**
 * kill -9 in the middle of a burst of audited writes: every write the server acknowledged is there after
 * a restart, and the audit chain still verifies.
 */
describe.each(targets)('crash during writes (%o)', (makeTarget) => {
  let target: Target;
  afterAll(async () => target?.cleanup());

  it('loses nothing that was acknowledged', async () => {
    requireBuild();
    target = await makeTarget();
    expect(
      cli(['admin', 'create', '--username', 'ops', ...target.args], {
        input: STRONG_PASSWORD,
        env: target.env,
      }).code,
    ).toBe(0);
    const key = cli(
      ['apikey', 'create', '--name', 'burst', '--scopes', 'webhooks:write,webhooks:read', ...target.args],
      {
        env: target.env,
      },
    ).stdout.trim();
    expect(key).toMatch(/^cus_/);

    const server = await serve(target.args, target.env);
    const acked: string[] = [];
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await fetch(`${server.url}/api/v1/webhooks`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              name: `w${w}-${i}`,
              url: 'http://127.0.0.1:9/hook',
              events: ['content.removed'],
            }),
          });
          if (res.status === 201) acked.push(((await res.json()) as { id: string }).id);
        } catch {
          return; // the server died mid-request: that write was never acknowledged
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    while (acked.length < 150) await new Promise((r) => setTimeout(r, 5));
    await server.stop('SIGKILL');
    stop = true;
    await Promise.all(workers);
    expect(acked.length).toBeGreaterThanOrEqual(150);

    const again = await serve(target.args, target.env);
    try {
      const res = await fetch(`${again.url}/api/v1/webhooks`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const ids = new Set(((await res.json()) as { items: Array<{ id: string }> }).items.map((e) => e.id));
      const lost = acked.filter((id) => !ids.has(id));
      expect(lost).toEqual([]);
    } finally {
      await again.stop();
    }
    const verify = cli(['audit', 'verify', ...target.args], { env: target.env });
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    const entries = Number(/(\d+) entries/.exec(verify.stdout)![1]);
    expect(entries).toBeGreaterThanOrEqual(acked.length);
  });
});
