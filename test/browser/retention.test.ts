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

const ADMIN = { username: 'admin', password: 'long-enough-Passw0rd' };
const OFFICER = { username: 'privacy.li', password: 'officer-Passw0rd-2024' };
const WAIT = 20_000;
const shown = (l: Locator) => l.waitFor({ state: 'visible', timeout: WAIT });

describeBrowser('consent import and retention in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  const pageErrors: string[] = [];

  const apiCall = (method: string, url: string, body?: unknown, who?: ApiCaller) =>
    callApi(server.url, method, url, body, who);

  beforeAll(async () => {
    requireWebBuild();
    dataDir = mkdtempSync(path.join(tmpdir(), 'custodian-retention-'));
    server = await serve(['--data-dir', dataDir]);
    browser = await launchBrowser();
    const setup = await apiCall('POST', '/api/v1/setup', ADMIN);
    const admin = { cookie: setup.cookie, csrf: String(setup.json.csrfToken) };
    await apiCall(
      'POST',
      '/api/v1/users',
      { ...OFFICER, displayName: '李隐私', role: 'privacy_officer' },
      admin,
    );
    const ads = {
      nameZh: '个性化广告',
      nameEn: 'Personalised ads',
      descriptionZh: '按设备推送广告',
      descriptionEn: 'Ads by device',
      legalBasis: 'consent',
      necessity: '',
      categories: ['device'],
      methods: ['device'],
      retentionDays: 30,
      retentionAction: 'delete',
      recipients: [],
      crossBorder: [],
      publicDisclosure: false,
      minors: false,
    };
    expect((await apiCall('PUT', '/api/v1/purposes/ads', ads, admin)).status).toBe(200);
    expect((await apiCall('POST', '/api/v1/rules/publish', {}, admin)).status).toBe(201);
    // A subject whose device identifier no consent holds: due for deletion now.
    const subject = await apiCall(
      'POST',
      '/api/v1/subjects',
      {
        externalId: 'dev-owner',
        fields: [{ name: 'device_id', type: 'OTHER', value: 'IMEI-1', category: 'device' }],
      },
      admin,
    );
    expect(subject.status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports consents with a dry run and per-row errors, then reviews and applies a retention report', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(WAIT);
    const page: Page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${server.url}/console`);
    await page.getByLabel('用户名').fill(OFFICER.username);
    await page.getByLabel('密码').fill(OFFICER.password);
    await page.getByRole('button', { name: '登录' }).click();
    const nav = page.getByRole('navigation', { name: '主导航' });
    await nav.getByRole('link', { name: '同意记录' }).click();

    const section = page.getByRole('region', { name: '导入同意记录' });
    await section.getByLabel('文件').setInputFiles({
      name: 'legacy.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'subject,purpose,given,rulesVersion,channel,time,separate,evidence\n' +
          'legacy-1,ads,true,1,paper,2025-03-01T09:30:00+08:00,,\n' +
          'legacy-2,ads,maybe,1,paper,2025-03-01T09:30:00+08:00,,\n',
      ),
    });
    await shown(section.getByText('已载入 legacy.csv'));
    await section.getByRole('button', { name: '试运行' }).click();
    await shown(section.getByText('试运行：共 2 行，1 行可导入，0 行已在记录中，1 行有误。未写入任何内容。'));
    const errors = section.getByRole('region', { name: '有误的行' });
    await shown(errors.getByRole('cell', { name: 'given 须为 true、false、1 或 0。' }));
    expect(await errors.getByRole('row').nth(1).getByRole('cell').first().textContent()).toBe('3');
    await section.getByLabel('全部成功才写入').uncheck();
    await section.getByRole('button', { name: '导入', exact: true }).click();
    await shown(section.getByText('共 2 行：已导入 1 行，0 行已在记录中，1 行有误。'));

    await nav.getByRole('link', { name: '保存期限' }).click();
    await shown(page.getByRole('heading', { name: '保存期限', level: 1 }));
    await page.getByRole('button', { name: '生成试运行报告' }).click();
    await shown(page.getByRole('heading', { name: '保存期限报告', level: 1 }));
    const items = page.getByRole('region', { name: '项目' });
    await shown(items.getByRole('cell', { name: 'device_id' }));
    await shown(items.getByRole('cell', { name: '待执行' }));
    await page.getByRole('button', { name: '执行此报告…' }).click();
    const confirm = page.getByRole('alertdialog', { name: '确认执行此报告？' });
    await shown(confirm.getByText('将删除 1 个字段、匿名化 0 个字段'));
    await confirm.getByRole('button', { name: '立即删除并匿名化' }).click();
    await shown(page.getByRole('status').filter({ hasText: '已处理 1 个主体的 1 个字段' }));
    await shown(items.getByRole('cell', { name: '已完成' }));
    await page.getByRole('link', { name: '全部保存期限报告' }).click();
    await shown(page.getByRole('cell', { name: '已执行' }));
    expect(pageErrors).toEqual([]);
  });
});
