import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  apiCall as callApi,
  describeBrowser,
  launchBrowser,
  requireWebBuild,
  type ApiCaller,
} from '../helpers/browser.js';
import { serve, type ServerProcess } from '../helpers/cli.js';

const PROVIDER = '示例网络科技有限公司';
const ADMIN = { username: 'admin', password: 'long-enough-Passw0rd' };
const PHONE = '13812345678';
const WAIT = 20_000;

const shown = (l: Locator) => l.waitFor({ state: 'visible', timeout: WAIT });

// The consent-based purpose the person manages, with the categories of one version.
const newsletter = (categories: string[]) => ({
  nameZh: '新闻简报',
  nameEn: 'Newsletter',
  descriptionZh: '每周向您发送产品资讯。',
  descriptionEn: 'A weekly product newsletter.',
  legalBasis: 'consent',
  necessity: '',
  categories,
  methods: ['form'],
  retentionDays: 365,
  retentionAction: 'delete',
  recipients: [],
  crossBorder: [],
  publicDisclosure: false,
  minors: false,
});

describeBrowser('my consents in the portal, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let admin: { cookie: string; csrf: string };
  let key = '';
  const pageErrors: string[] = [];

  const apiCall = (method: string, url: string, body?: unknown, who?: ApiCaller) =>
    callApi(server.url, method, url, body, who);

  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport });
    context.setDefaultTimeout(WAIT);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return page;
  }

  /** The code the development outbox holds for the phone, read by the administrator through the API. */
  async function codeFromOutbox(): Promise<string> {
    const deadline = Date.now() + WAIT;
    while (Date.now() < deadline) {
      const res = await apiCall('GET', '/api/v1/outbox?limit=20', undefined, admin);
      const items = res.json.items as Array<{ recipient: string; body: string }>;
      const m = items.find((x) => x.recipient === PHONE);
      const code = /\b(\d{6})\b/.exec(m?.body ?? '')?.[1];
      if (code) return code;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('no code in the outbox');
  }

  const check = () =>
    apiCall(
      'POST',
      '/api/v1/purpose-check',
      { subject: 'user-3001', purpose: 'newsletter', categories: ['contact'] },
      { key },
    );

  beforeAll(async () => {
    requireWebBuild();
    dataDir = mkdtempSync(path.join(tmpdir(), 'custodian-portal-'));
    server = await serve(['--data-dir', dataDir], { CUSTODIAN_PROVIDER_NAME: PROVIDER });
    browser = await launchBrowser();
    const setup = await apiCall('POST', '/api/v1/setup', ADMIN);
    expect(setup.status).toBe(201);
    admin = { cookie: setup.cookie, csrf: String(setup.json.csrfToken) };
    const k = await apiCall(
      'POST',
      '/api/v1/api-keys',
      { name: 'shop', scopes: ['purpose:check', 'consents:write', 'subjects:write'] },
      admin,
    );
    expect(k.status).toBe(201);
    key = String(k.json.key);

    // A consent-based purpose, published as version 1.
    const purpose = await apiCall('PUT', '/api/v1/purposes/newsletter', newsletter(['contact']), admin);
    expect(purpose.status).toBe(200);
    expect((await apiCall('POST', '/api/v1/rules/publish', {}, admin)).status).toBe(201);

    // The person in the vault, with a phone number, and their consent recorded by the provider's app.
    const subject = await apiCall(
      'POST',
      '/api/v1/subjects',
      { externalId: 'user-3001', fields: [{ name: 'phone', type: 'PHONE_NUMBER', value: PHONE }] },
      { key },
    );
    expect(subject.status).toBe(201);
    const consent = await apiCall(
      'POST',
      '/api/v1/consents',
      { subject: 'user-3001', purpose: 'newsletter', given: true, rulesVersion: 1, channel: 'app' },
      { key },
    );
    expect(consent.status).toBe(201);
    expect((await check()).json).toEqual({ allowed: true, reasons: [] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a person verifies their phone with a code, withdraws a consent with one click, and the purpose check then denies', async () => {
    // On a phone-sized screen.
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${server.url}/`);
    await page.getByRole('navigation', { name: '网站导航' }).getByRole('link', { name: '我的同意' }).click();
    await shown(page.getByRole('heading', { name: '我的同意', level: 1 }));

    await page
      .getByLabel('手机号码或电子邮箱')
      .fill(`+86 ${PHONE.slice(0, 3)} ${PHONE.slice(3, 7)} ${PHONE.slice(7)}`);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await shown(page.getByRole('status').filter({ hasText: '6 位验证码已发送' }));

    const code = await codeFromOutbox();
    await page.getByLabel('验证码', { exact: true }).fill(code);
    await page.getByRole('button', { name: '验证', exact: true }).click();

    const list = page.getByRole('region', { name: '您的同意' });
    await shown(list.getByRole('heading', { name: '新闻简报' }));
    await shown(list.getByText('已同意', { exact: true }));
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // One click withdraws; the status updates at once and is announced.
    await list.getByRole('button', { name: '撤回对“新闻简报”的同意' }).click();
    await shown(page.getByRole('status').filter({ hasText: '已撤回您对“新闻简报”的同意。' }));
    await shown(list.getByText('已撤回', { exact: true }));
    await shown(list.getByRole('button', { name: '同意“新闻简报”' }));

    // The provider's next purpose check is denied, naming the withdrawal.
    expect((await check()).json).toEqual({ allowed: false, reasons: ['consent_withdrawn'] });

    // A reload keeps the person signed in; signing out ends the portal session.
    await page.reload();
    await shown(list.getByText('已撤回', { exact: true }));
    await list.getByRole('button', { name: '退出' }).click();
    await shown(page.getByLabel('手机号码或电子邮箱'));
    await page.reload();
    await shown(page.getByLabel('手机号码或电子邮箱'));

    expect(pageErrors).toEqual([]);
  });
  it('a person whose consent the rules have since widened is asked again, and agrees to the rules in force', async () => {
    // The provider's app had the consent given again under version 1; version 2 widens the purpose.
    const again = await apiCall(
      'POST',
      '/api/v1/consents',
      { subject: 'user-3001', purpose: 'newsletter', given: true, rulesVersion: 1, channel: 'app' },
      { key },
    );
    expect(again.status).toBe(201);
    const wider = await apiCall(
      'PUT',
      '/api/v1/purposes/newsletter',
      newsletter(['contact', 'device']),
      admin,
    );
    expect(wider.status).toBe(200);
    expect((await apiCall('POST', '/api/v1/rules/publish', {}, admin)).status).toBe(201);
    const device = () =>
      apiCall(
        'POST',
        '/api/v1/purpose-check',
        { subject: 'user-3001', purpose: 'newsletter', categories: ['device'] },
        { key },
      );
    expect((await device()).json).toEqual({ allowed: false, reasons: ['reconsent_required:v1'] });

    const page = await newPage();
    await page.goto(`${server.url}/my-consents`);
    await page.getByLabel('手机号码或电子邮箱').fill(PHONE);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await shown(page.getByRole('status').filter({ hasText: '6 位验证码已发送' }));
    await page.getByLabel('验证码', { exact: true }).fill(await codeFromOutbox());
    await page.getByRole('button', { name: '验证', exact: true }).click();

    const list = page.getByRole('region', { name: '您的同意' });
    await shown(list.getByText('需重新同意', { exact: true }));
    await shown(list.getByText(/现行规则扩大了此目的的范围/));
    await shown(list.getByRole('list', { name: '现行规则新增的内容' }).getByText('新增信息：设备信息'));
    // Withdrawing stays one click away; agreeing covers the rules in force.
    await shown(list.getByRole('button', { name: '撤回对“新闻简报”的同意' }));
    await list.getByRole('button', { name: '就“新闻简报”同意现行规则' }).click();
    await shown(list.getByText('已同意', { exact: true }));
    expect((await device()).json).toEqual({ allowed: true, reasons: [] });
    expect(pageErrors).toEqual([]);
  });
});
