import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, serve, type ServerProcess } from '../helpers/cli.js';

describe('custodian serve (built, embedded default)', () => {
  let dir: string;
  let server: ServerProcess;
  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(path.join(tmpdir(), 'custodian-serve-'));
    server = await serve(['--data-dir', dir]);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database and keys in the data directory, with a notice about production keys', () => {
    expect(server.output()).toMatch(/Created a new key ring in the data directory/);
    expect(server.output()).toMatch(new RegExp(`"keyFile":"${dir}/keys/keyring.json"`));
  });

  it('answers health and readiness', async () => {
    expect(await (await fetch(`${server.url}/api/health`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${server.url}/api/ready`)).json()).toMatchObject({
      status: 'ready',
      migrations: 'current',
    });
  });

  it('sends security headers and a request id', async () => {
    const res = await fetch(`${server.url}/api/v1/meta`);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // API answers may carry personal information: no browser or proxy keeps them.
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(`${server.url}/console`)).headers.get('content-security-policy')).toMatch(
      /script-src 'self'/,
    );
    // A caller's own id is kept for tracing, unless it could carry a phone or ID number.
    const own = await fetch(`${server.url}/api/v1/meta`, { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(own.headers.get('x-request-id')).toBe('trace-abc-123');
    const withNumber = await fetch(`${server.url}/api/v1/meta`, {
      headers: { 'x-request-id': 'login-13987654321' },
    });
    expect(withNumber.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // Probes answer plainly but still carry the request id.
    expect((await fetch(`${server.url}/api/health`)).headers.get('x-request-id')).toBeTruthy();
  });

  it('serves the web app for console and portal paths, JSON 404 for unknown API paths', async () => {
    const page = await fetch(`${server.url}/console/users`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`${server.url}/assets/gone-after-a-deploy.js`)).status).toBe(404);
    const api = await fetch(`${server.url}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('not_found');
  });

  it('refuses an oversized body with a clear 413', async () => {
    // The answer comes from the declared length, before the body is read. Only the headers are sent: a
    // server that closes a connection with unread upload in it resets it, and a reset can destroy the
    // answer before the client reads it (seen as EPIPE). Without a body in flight there is nothing to reset.
    const length = 2 * 1024 * 1024 + 100;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      let answered = false;
      const req = request(
        `${server.url}/api/v1/auth/login`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': length } },
        (res) => {
          answered = true;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, text });
            req.destroy();
          });
        },
      );
      req.on('error', (err) => {
        if (!answered) reject(err);
      });
      req.flushHeaders();
    });
    expect(status).toBe(413);
    expect(JSON.parse(text).error.code).toBe('ctp_body_too_large');
  });

  it('stops gracefully on SIGTERM', async () => {
    const code = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(server.output()).toMatch(/Custodian stopped/);
  });
});
