import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { describe, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Debian's Chromium (CI installs it with apt), or exactly CUSTODIAN_CHROMIUM when set. Nothing downloads a browser. */
export function findChromium(): string | null {
  const given = process.env.CUSTODIAN_CHROMIUM;
  const candidates = given ? [given] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p) => existsSync(p)) ?? null;
}

export const browserAvailable = findChromium() !== null;
const wanted = () => process.env.CUSTODIAN_CHROMIUM || '/usr/bin/chromium';

/**
 * Launches headless Chromium. Playwright refuses `--user-data-dir` in `launch` args; it gives every launch a
 * fresh temporary profile of its own and deletes it on close, which is what the tests need.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error('Chromium not found (looked for /usr/bin/chromium; set CUSTODIAN_CHROMIUM)');
  return chromium.launch({
    executablePath,
    timeout: 60_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** The browser tests drive the built web app served by the built server. */
export function requireWebBuild(): void {
  for (const f of ['dist/cli/main.js', 'dist/web/index.html'])
    if (!existsSync(path.join(ROOT, f)))
      throw new Error(`${f} is missing: run \`npm run build\` first (\`npm test\` does it)`);
}

/**
 * `describe` for browser suites. Without Chromium they are skipped with a loud notice, except in CI
 * (`CI` set), where a missing browser fails the run: CI must run them.
 */
export function describeBrowser(name: string, fn: () => void): void {
  if (browserAvailable) {
    // A browser on a busy CI machine is slow; each test gets two minutes rather than the default one.
    describe(name, { timeout: 120_000 }, fn);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('has Chromium to run in', () => {
        throw new Error(`CI is set but there is no Chromium at ${wanted()}: the browser tests cannot run`);
      });
    });
    return;
  }
  console.warn(
    `\n*** BROWSER TESTS SKIPPED: "${name}" needs Chromium at ${wanted()} (apt-get install chromium) ***\n`,
  );
  describe.skip(name, fn);
}

/** Who calls the API in a browser test's set-up: a signed-in staff member or an API key. */
export type ApiCaller = { cookie: string; csrf: string } | { key: string };

/**
 * JSON over fetch against a served instance, as a staff session (cookie and CSRF token) or an API key; the
 * session cookie a response sets comes back for logging in.
 */
export async function apiCall(baseUrl: string, method: string, url: string, body?: unknown, who?: ApiCaller) {
  const auth: Record<string, string> = !who
    ? {}
    : 'key' in who
      ? { authorization: `Bearer ${who.key}` }
      : { cookie: who.cookie, 'x-csrf-token': who.csrf };
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...auth },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const cookie = /custodian_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '';
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, cookie };
}
