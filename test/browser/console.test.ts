import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, requireWebBuild } from '../helpers/browser.js';
import { serve, type ServerProcess } from '../helpers/cli.js';

const PROVIDER = '示例网络科技有限公司';
const ADMIN = { username: 'admin', displayName: '系统管理员', password: 'long-enough-Passw0rd' };
const AUDITOR_PASSWORD = 'auditor-Passw0rd-2024';
const WAIT = 20_000;

const shown = (l: Locator) => l.waitFor({ state: 'visible', timeout: WAIT });
const gone = (l: Locator) => l.waitFor({ state: 'hidden', timeout: WAIT });

describeBrowser('web app in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  const pageErrors: string[] = [];

  async function newPage(opts: { locale?: string; viewport?: { width: number; height: number } } = {}) {
    const context: BrowserContext = await browser.newContext({
      locale: opts.locale ?? 'zh-CN',
      viewport: opts.viewport ?? { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(WAIT);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return page;
  }

  async function signIn(page: Page, username: string, password: string) {
    await page.goto(`${server.url}/console`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
  }

  const mainNav = (page: Page) => page.getByRole('navigation', { name: '主导航' });

  beforeAll(async () => {
    requireWebBuild();
    dataDir = mkdtempSync(path.join(tmpdir(), 'custodian-browser-'));
    server = await serve(['--data-dir', dataDir], { CUSTODIAN_PROVIDER_NAME: PROVIDER });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sets up, creates a user and an API key, shows both in the audit log, switches language, signs out and in', async () => {
    const page = await newPage();

    // A fresh data directory: the console opens on setup, nothing else.
    await page.goto(`${server.url}/console/users`);
    await shown(page.getByRole('heading', { name: '初始化 Custodian' }));
    await page.getByLabel('用户名').fill(ADMIN.username);
    await page.getByLabel('显示名称').fill(ADMIN.displayName);
    await page.getByLabel('密码', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('再次输入密码').fill(ADMIN.password);
    await page.getByRole('button', { name: '创建管理员' }).click();

    await shown(page.getByRole('heading', { name: `欢迎，${ADMIN.displayName}` }));
    expect(new URL(page.url()).pathname).toBe('/console');
    await shown(page.getByText('即将推出').first());

    // A moderator.
    await mainNav(page).getByRole('link', { name: '用户' }).click();
    await shown(page.getByRole('heading', { name: '用户', exact: true }));
    await page.getByRole('button', { name: '新建用户' }).click();
    const form = page.getByRole('region', { name: '创建用户' });
    await form.getByLabel('用户名').fill('mod.li');
    await form.getByLabel('显示名称').fill('李审核');
    await form.getByLabel('初始密码').fill('short');
    await form.getByLabel('角色').selectOption('moderator');
    await form.getByRole('button', { name: '创建用户' }).click();
    // The server's password rule comes back beside the field it names.
    const pw = form.getByLabel('初始密码');
    await shown(form.getByText('密码至少 12 个字符，且不能包含用户名。'));
    expect(await pw.getAttribute('aria-invalid')).toBe('true');
    await pw.fill('moderator-Passw0rd-2024');
    await form.getByRole('button', { name: '创建用户' }).click();
    await shown(page.getByRole('status').filter({ hasText: '已创建用户 mod.li。' }));
    await shown(page.getByRole('cell', { name: '李审核 mod.li' }));
    // And a read-only auditor, for the permission test below.
    await page.getByRole('button', { name: '新建用户' }).click();
    await form.getByLabel('用户名').fill('audit.zhao');
    await form.getByLabel('初始密码').fill(AUDITOR_PASSWORD);
    await form.getByLabel('角色').selectOption('auditor');
    await form.getByRole('button', { name: '创建用户' }).click();
    await shown(page.getByRole('status').filter({ hasText: '已创建用户 audit.zhao。' }));

    // An API key, shown once.
    await mainNav(page).getByRole('link', { name: 'API 密钥' }).click();
    await page.getByRole('button', { name: '新建 API 密钥' }).click();
    await page.getByLabel('名称').fill('forum-backend');
    await page.getByLabel('audit:read').check();
    await page.getByRole('button', { name: '创建密钥' }).click();
    const keyField = page.getByRole('textbox', { name: '新的 API 密钥' });
    await shown(keyField);
    const key = await keyField.inputValue();
    expect(key).toMatch(/^cus_[0-9a-f]{8}_/);
    await shown(page.getByText('它只显示这一次'));
    await shown(page.getByRole('cell', { name: 'forum-backend', exact: true }));
    await page.getByRole('button', { name: '我已保存' }).click();
    await gone(keyField);
    expect(await page.content()).not.toContain(key);
    // The key works for the provider's servers.
    const res = await fetch(`${server.url}/api/v1/audit?limit=1`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);

    // Both creations are in the audit log.
    await mainNav(page).getByRole('link', { name: '审计日志' }).click();
    await shown(page.getByRole('heading', { name: '审计日志' }));
    await shown(page.getByRole('cell', { name: 'user.create', exact: true }).first());
    await shown(page.getByRole('cell', { name: 'apikey.create', exact: true }));
    await page.getByLabel('操作').fill('apikey.');
    await page.getByRole('button', { name: '查询' }).click();
    await gone(page.getByRole('cell', { name: 'user.create', exact: true }).first());
    await shown(page.getByRole('cell', { name: 'apikey.create', exact: true }));
    await page.getByRole('button', { name: '校验哈希链' }).click();
    await shown(page.getByRole('status').filter({ hasText: '哈希链完整' }));
    const csv = await page.getByRole('link', { name: '导出 CSV' }).getAttribute('href');
    expect(csv).toBe('/api/v1/audit/export?format=csv&action=apikey.');

    // English, remembered across a reload; then back to Chinese.
    await page.getByRole('button', { name: 'English' }).click();
    await shown(page.getByRole('heading', { name: 'Audit log' }));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.reload();
    await shown(page.getByRole('heading', { name: 'Audit log' }));
    await shown(
      page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users' }),
    );
    await page.getByRole('button', { name: '中文' }).click();
    await shown(page.getByRole('heading', { name: '审计日志' }));
    await page.reload();
    await shown(page.getByRole('heading', { name: '审计日志' }));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.evaluate(() => localStorage.getItem('custodian.lang'))).toBe('zh-CN');

    // Sign out, a wrong password, then in again.
    await mainNav(page).getByRole('button', { name: '退出登录' }).click();
    await shown(page.getByRole('heading', { name: '登录管理控制台' }));
    await shown(page.getByText('您已退出登录。'));
    await page.getByLabel('用户名').fill(ADMIN.username);
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByRole('button', { name: '登录' }).click();
    await shown(page.getByRole('alert').filter({ hasText: '用户名或密码错误。' }));
    await page.getByLabel('密码').fill(ADMIN.password);
    await page.getByRole('button', { name: '登录' }).click();
    await shown(page.getByRole('heading', { name: `欢迎，${ADMIN.displayName}` }));

    await page.context().close();
  });

  it('portal landing shows the provider name and its three links', async () => {
    const page = await newPage({ locale: 'en-US' });
    await page.goto(`${server.url}/`);
    await shown(page.getByRole('heading', { level: 1, name: PROVIDER }));
    // An English browser gets English by default.
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    const main = page.getByRole('main');
    for (const [name, href] of [
      ['Collection and use rules', '/rules'],
      ['Your requests', '/requests'],
      ['Report illegal information', '/reports'],
    ] as const)
      expect(await main.getByRole('link', { name }).getAttribute('href')).toBe(href);
    await main.getByRole('link', { name: 'Report illegal information' }).click();
    await shown(page.getByRole('heading', { level: 1, name: 'Report illegal information' }));
    await shown(page.getByRole('link', { name: '12377', exact: true }));
    expect(await page.getByRole('link', { name: '12321', exact: true }).getAttribute('href')).toBe(
      'tel:12321',
    );
    await page.getByRole('button', { name: '中文' }).click();
    await shown(page.getByRole('heading', { level: 1, name: '举报违法信息' }));
    await page.context().close();
  });

  it('on a phone the console navigation folds behind a menu button and works', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, 'mod.li', 'moderator-Passw0rd-2024');
    await shown(page.getByRole('heading', { name: '欢迎，李审核' }));
    const menu = page.getByRole('button', { name: '菜单' });
    const nav = mainNav(page);
    await gone(nav);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await menu.click();
    await shown(nav);
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    // A moderator sees only what its permissions allow.
    await shown(nav.getByRole('link', { name: '消息发件箱' }));
    expect(await nav.getByRole('link', { name: '用户' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: '审计日志' }).count()).toBe(0);
    await nav.getByRole('link', { name: '消息发件箱' }).click();
    await shown(page.getByRole('heading', { level: 1, name: '消息发件箱' }));
    await gone(nav);
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.context().close();
  });

  it('enrols two-factor authentication in the profile, then signs in with the code step', async () => {
    const page = await newPage();
    await signIn(page, ADMIN.username, ADMIN.password);
    await shown(page.getByRole('heading', { name: `欢迎，${ADMIN.displayName}` }));
    await mainNav(page).getByRole('link', { name: '我的账户' }).click();
    await page.getByRole('button', { name: '开始设置' }).click();
    const secret = await page.getByRole('textbox', { name: '密钥' }).inputValue();
    expect(await page.getByRole('textbox', { name: 'otpauth URI' }).inputValue()).toMatch(
      /^otpauth:\/\/totp\//,
    );
    await page.getByLabel('应用中的验证码').fill(await generate({ secret }));
    await page.getByRole('button', { name: '启用双因素认证' }).click();
    await shown(page.getByRole('status').filter({ hasText: '双因素认证已启用。' }));
    await shown(page.getByRole('button', { name: '关闭双因素认证' }));

    await mainNav(page).getByRole('button', { name: '退出登录' }).click();
    await page.getByLabel('用户名').fill(ADMIN.username);
    await page.getByLabel('密码').fill(ADMIN.password);
    await page.getByRole('button', { name: '登录' }).click();
    const code = page.getByLabel('身份验证器验证码');
    await shown(code);
    await code.fill('000000');
    await page.getByRole('button', { name: '验证' }).click();
    await shown(page.getByText('验证码错误或已过期。'));
    expect(await code.getAttribute('aria-invalid')).toBe('true');
    // The enrolment used this time step's code; a code is accepted once, so sign in with the next step's.
    await code.fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.getByRole('button', { name: '验证' }).click();
    await shown(page.getByRole('heading', { name: `欢迎，${ADMIN.displayName}` }));
    await page.context().close();
  });

  it('shows the read-only auditor no buttons that change anything', async () => {
    const page = await newPage();
    await signIn(page, 'audit.zhao', AUDITOR_PASSWORD);
    await shown(page.getByRole('heading', { name: '欢迎，audit.zhao' }));
    await mainNav(page).getByRole('link', { name: '用户' }).click();
    await shown(page.getByRole('cell', { name: '李审核 mod.li' }));
    expect(await page.getByRole('button', { name: '新建用户' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^编辑/ }).count()).toBe(0);
    await mainNav(page).getByRole('link', { name: 'API 密钥' }).click();
    await shown(page.getByRole('cell', { name: 'forum-backend', exact: true }));
    expect(await page.getByRole('button', { name: '新建 API 密钥' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /撤销/ }).count()).toBe(0);
    await mainNav(page).getByRole('link', { name: '后台任务' }).click();
    await shown(page.getByRole('heading', { name: '后台任务' }));
    expect(await page.getByRole('columnheader', { name: '操作' }).count()).toBe(0);
    // Reading and exporting the audit log is what an auditor is for.
    await mainNav(page).getByRole('link', { name: '审计日志' }).click();
    await shown(page.getByRole('link', { name: '导出 JSONL' }));
    await page.context().close();
  });

  it('raised no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
