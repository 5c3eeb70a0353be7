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
const OFFICER = { username: 'privacy.wang', password: 'officer-Passw0rd-2024' };
const WAIT = 20_000;

const shown = (l: Locator) => l.waitFor({ state: 'visible', timeout: WAIT });
const gone = (l: Locator) => l.waitFor({ state: 'hidden', timeout: WAIT });

describeBrowser('collection-and-use rules in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
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

  beforeAll(async () => {
    requireWebBuild();
    dataDir = mkdtempSync(path.join(tmpdir(), 'custodian-rules-'));
    server = await serve(['--data-dir', dataDir], { CUSTODIAN_PROVIDER_NAME: PROVIDER });
    browser = await launchBrowser();
    // An administrator by API, and the privacy officer who keeps the register.
    const setup = await apiCall('POST', '/api/v1/setup', ADMIN);
    expect(setup.status).toBe(201);
    const admin = { cookie: setup.cookie, csrf: String(setup.json.csrfToken) };
    const created = await apiCall(
      'POST',
      '/api/v1/users',
      { ...OFFICER, displayName: '王隐私', role: 'privacy_officer' },
      admin,
    );
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers a purpose, publishes it, shows it in the portal, and shows the changes of the next version', async () => {
    const page = await newPage();

    // Before the first publication the portal says so.
    await page.goto(`${server.url}/rules`);
    await shown(page.getByText('收集使用规则尚未发布'));

    await page.goto(`${server.url}/console`);
    await page.getByLabel('用户名').fill(OFFICER.username);
    await page.getByLabel('密码').fill(OFFICER.password);
    await page.getByRole('button', { name: '登录' }).click();
    await shown(page.getByRole('heading', { name: '欢迎，王隐私' }));

    const nav = page.getByRole('navigation', { name: '主导航' });
    await nav.getByRole('link', { name: '处理活动登记' }).click();
    await shown(page.getByRole('heading', { name: '处理活动登记', level: 1 }));
    expect(await nav.getByRole('link', { name: '同意记录' }).count()).toBe(1);

    // A purpose with a sensitive category and no necessity statement: the error is by the field.
    await page.getByRole('button', { name: '新建目的' }).click();
    const form = page.getByRole('region', { name: '新建目的' });
    await form.getByLabel('标识', { exact: true }).fill('identity');
    await form.getByLabel('名称（中文）').fill('实名认证');
    await form.getByLabel('名称（英文）').fill('Identity verification');
    await form.getByLabel('说明（中文）', { exact: true }).fill('按照法律要求核验用户真实身份。');
    await form
      .getByLabel('说明（英文）', { exact: true })
      .fill('Verify the real identity of users as the law requires.');
    await form.getByLabel('身份证件信息').check();
    await form.getByRole('button', { name: '保存目的' }).click();

    const necessity = form.getByLabel('必要性说明', { exact: true });
    await page.waitForFunction(
      () => document.querySelector('textarea[aria-invalid="true"]') !== null,
      undefined,
      { timeout: WAIT },
    );
    expect(await necessity.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await necessity.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    expect(errorId).toBeTruthy();
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toContain('必要性');

    await necessity.fill('网络实名制要求核验身份证件，未核验不能发布信息。');
    // The English rules get their own statement.
    await form
      .getByLabel('必要性说明（英文）')
      .fill('Real-name rules require an identity document check before anyone may post.');
    await form.getByRole('button', { name: '保存目的' }).click();
    await shown(page.getByRole('status').filter({ hasText: '目的 identity 已保存。' }));
    await shown(page.getByRole('cell', { name: '实名认证' }));

    // A new purpose with a key in use is refused by the key field; the saved one is untouched.
    await page.getByRole('button', { name: '新建目的' }).click();
    const twice = page.getByRole('region', { name: '新建目的' });
    await twice.getByLabel('标识', { exact: true }).fill('identity');
    await twice.getByLabel('名称（中文）').fill('别的目的');
    await twice.getByLabel('名称（英文）').fill('Something else');
    await twice.getByLabel('联系方式').check();
    await twice.getByRole('button', { name: '保存目的' }).click();
    await shown(twice.getByText('该标识已被使用：请换一个，或编辑已有的目的。'));
    // Focus is taken to the field to fix (the disabled Save button had lost it).
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true');
    await twice.getByRole('button', { name: '取消' }).click();
    await shown(page.getByRole('cell', { name: '实名认证' }));
    expect(await page.getByRole('cell', { name: '别的目的' }).count()).toBe(0);

    // Preview, then publish version 1.
    const publish = page.getByRole('region', { name: '发布规则' });
    await publish.getByRole('button', { name: '预览发布内容' }).click();
    await shown(publish.getByRole('heading', { name: '第 1 版将是首个发布的版本。' }));
    await shown(publish.getByText('没有目的扩大范围，此前取得的同意继续有效。'));
    await publish.getByText('第 1 版发布后的全文').click();
    await shown(publish.getByRole('heading', { name: '实名认证' }));
    await publish.getByRole('button', { name: '发布第 1 版' }).click();
    await shown(publish.getByText('第 1 版已发布'));
    expect(await publish.getByRole('link', { name: '查看公开规则' }).getAttribute('href')).toBe(
      '/rules/versions/1',
    );

    // The portal shows the purpose, its checklist with the sensitive item and why, and version 1.
    const portal = await newPage();
    await portal.goto(`${server.url}/rules`);
    await shown(portal.getByRole('heading', { name: '实名认证' }));
    await shown(portal.getByText('第 1 版', { exact: true }));
    const collected = portal.getByRole('list', { name: '收集的信息' });
    await shown(collected.getByText('身份证件信息'));
    await shown(collected.getByText('敏感'));
    await shown(portal.getByText('网络实名制要求核验身份证件'));
    await shown(portal.getByText(PROVIDER).first());
    await shown(portal.getByRole('link', { name: '提出申请' }));

    // Edit: one more category; publish version 2.
    await page.getByRole('button', { name: '编辑 identity' }).click();
    const edit = page.getByRole('region', { name: '编辑目的 identity' });
    await edit.getByLabel('联系方式').check();
    await edit.getByRole('button', { name: '保存目的' }).click();
    await shown(page.getByRole('status').filter({ hasText: '目的 identity 已保存。' }));
    // The preview shows the changes against version 1 and the consents to ask for again.
    await publish.getByRole('button', { name: '预览发布内容' }).click();
    await shown(publish.getByRole('heading', { name: '从第 1 版（现行）到第 2 版的变化' }));
    await shown(publish.getByText('新增收集：联系方式'));
    await shown(publish.getByRole('heading', { name: '需要重新取得的同意' }));
    await shown(publish.getByText('新增信息：联系方式'));
    await publish.getByRole('button', { name: '发布第 2 版' }).click();
    await shown(publish.getByText('第 2 版已发布'));

    // The portal shows version 2, and its HTML export downloads the same rules as a standalone page.
    await portal.goto(`${server.url}/rules`);
    await shown(portal.getByText('第 2 版', { exact: true }));
    const htmlLink = portal.getByRole('link', { name: 'HTML' });
    const href = (await htmlLink.getAttribute('href')) ?? '';
    expect(href).toBe('/api/v1/rules/versions/2/export?format=html&lang=zh-CN');
    const [download] = await Promise.all([portal.waitForEvent('download'), htmlLink.click()]);
    expect(download.suggestedFilename()).toBe('rules-v2-zh-CN.html');
    const exported = await fetch(`${server.url}${href}`);
    expect(exported.status).toBe(200);
    const html = await exported.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('实名认证');
    expect(html).toContain('个人信息保护负责人');
    const english = await (
      await fetch(`${server.url}/api/v1/rules/versions/2/export?format=html&lang=en`)
    ).text();
    expect(english).toContain('Real-name rules require an identity document check before anyone may post.');
    expect(english).not.toContain('网络实名制要求核验身份证件');
    expect(await portal.getByRole('link', { name: 'PDF' }).getAttribute('href')).toBe(
      '/api/v1/rules/versions/2/export?format=pdf&lang=zh-CN',
    );

    // The changes from 1 to 2: the purpose changed, in its information collected.
    await portal.goto(`${server.url}/rules/diff?from=1&to=2`);
    await shown(portal.getByRole('heading', { name: '第 1 版至第 2 版的变化' }));
    await shown(portal.getByRole('heading', { name: '变更的目的' }));
    await shown(portal.getByText('变更：收集的信息'));
    await shown(portal.getByText('新增收集：联系方式'));

    // Addresses with no version in them say so, in the same words, and offer the choice.
    await portal.goto(`${server.url}/rules/diff`);
    await shown(portal.getByRole('heading', { name: '比较版本', level: 1 }));
    await shown(portal.getByLabel('原版本'));
    await portal.goto(`${server.url}/rules/diff?from=1&to=99`);
    await shown(portal.getByText('没有第 99 版。'));
    await portal.goto(`${server.url}/rules/versions/abc`);
    await shown(portal.getByText('没有第 abc 版。'));

    // And the versions list links both.
    await portal.goto(`${server.url}/rules/versions`);
    await shown(portal.getByRole('link', { name: '第 2 版' }));
    await shown(portal.getByRole('link', { name: '第 1 版' }));
    // The version in force is marked; the earlier one is not.
    const current = portal.getByRole('row').filter({ has: portal.getByRole('link', { name: '第 2 版' }) });
    await shown(current.getByText('现行', { exact: true }));
    expect(await portal.getByText('现行', { exact: true }).count()).toBe(1);

    // A consent recorded by the provider's systems shows in the subject's history; the purpose check allows it.
    const login = await apiCall('POST', '/api/v1/auth/login', OFFICER);
    expect(login.status).toBe(200);
    const officer = { cookie: login.cookie, csrf: String(login.json.csrfToken) };
    const consent = await apiCall(
      'POST',
      '/api/v1/consents',
      {
        subject: 'user-1001',
        purpose: 'identity',
        given: true,
        rulesVersion: 2,
        channel: 'web',
        separate: ['sensitive'],
      },
      officer,
    );
    expect(consent.status).toBe(201);
    await nav.getByRole('link', { name: '同意记录' }).click();
    await shown(page.getByRole('heading', { name: '同意记录', level: 1 }));
    await page.getByLabel('主体标识').first().fill('user-1001');
    await page.getByRole('button', { name: '查询' }).click();
    const history = page.getByRole('region', { name: '同意历史' });
    await shown(history.getByRole('cell', { name: 'identity' }));
    await shown(history.getByText('敏感个人信息'));
    const check = page.getByRole('region', { name: '目的检查' });
    await check.getByLabel('主体标识').fill('user-1001');
    await check.getByLabel('目的标识').fill('identity');
    await check.getByLabel('身份证件信息').check();
    await check.getByRole('button', { name: '检查' }).click();
    await shown(check.getByRole('status').getByText('允许。', { exact: true }));
    // A category outside the purpose: refused, with the reason in words.
    await check.getByLabel('精确位置信息').check();
    await check.getByRole('button', { name: '检查' }).click();
    await shown(check.getByRole('status').getByText('不允许。', { exact: true }));
    await shown(check.getByText('本目的不收集精确位置信息。'));

    // Consent rates: a chart per purpose, and its figures as a table.
    await nav.getByRole('link', { name: '同意率' }).click();
    await shown(page.getByRole('heading', { name: '同意率', level: 1 }));
    await page.getByRole('button', { name: '查看' }).click();
    await shown(page.getByRole('img', { name: /identity 的同意率/ }));
    await shown(page.getByText('时段结束时：同意率 100%（1 人中 1 人同意）。'));
    await page.getByText('以表格查看数据').click();
    await shown(page.getByRole('region', { name: 'identity 的同意率' }));

    // With rules published, a read of personal information names one of their purposes or a ground in law:
    // the dialog offers exactly those, and a free-text purpose can no longer be typed.
    const subject = await apiCall(
      'POST',
      '/api/v1/subjects',
      { externalId: 'user-1002', fields: [{ name: 'phone', type: 'PHONE_NUMBER', value: '13700137000' }] },
      officer,
    );
    expect(subject.status).toBe(201);
    await page.goto(`${server.url}/console/subjects/${String(subject.json.id)}`);
    await page.getByRole('button', { name: '显示 phone' }).click();
    const dialog = page.getByRole('dialog', { name: '显示 phone' });
    const choice = dialog.getByLabel('目的');
    await choice.locator('option', { hasText: '实名认证 (identity)' }).waitFor({ state: 'attached' });
    await dialog.getByRole('button', { name: '显示原值' }).click();
    await shown(dialog.getByText('请选择本次读取的目的。'));
    // identity covers identity documents and contact details, but this person never consented to it.
    await choice.selectOption('identity');
    await dialog.getByRole('button', { name: '显示原值' }).click();
    // The denial says what is missing, in words.
    await shown(dialog.getByText('未读取：该主体未给予同意。'));
    await choice.selectOption('subject-request');
    await dialog.getByRole('button', { name: '显示原值' }).click();
    await gone(dialog);
    await shown(page.getByRole('cell', { name: '13700137000', exact: true }));

    // The consents page, with its import panel's CSV header, fits a small phone too.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${server.url}/console/consents`);
    await shown(page.getByRole('heading', { name: '同意记录', level: 1 }));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // On a phone the rules fit the screen: nothing scrolls sideways.
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(`${server.url}/rules`);
    await shown(phone.getByRole('heading', { name: '实名认证' }));
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    expect(pageErrors).toEqual([]);
  });
});
