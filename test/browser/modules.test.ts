import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, requireWebBuild } from '../helpers/browser.js';
import { serve, type ServerProcess } from '../helpers/cli.js';

const ADMIN = { username: 'admin', displayName: '系统管理员', password: 'long-enough-Passw0rd' };
const OFFICER = { username: 'privacy.wang', displayName: '王保护', password: 'privacy-Passw0rd-2024' };
const MODERATOR = { username: 'mod.zhou', displayName: '周审核', password: 'moderator-Passw0rd-2024' };
const PHONE = '13800138000';
const RESIDENT_ID = '11010519491231002X';
const PURPOSE = '核验 R-12 号请求人身份';
const RULES = [
  { id: 'g1', pattern: '赌博', category: 'gambling', action: 'block' },
  { id: 'f1', pattern: '代开发票', category: 'fraud', action: 'review' },
]
  .map((r) => JSON.stringify(r))
  .join('\n');
const POST = '加微信，一起来賭 博，稳赚不赔';
const WAIT = 20_000;

const shown = (l: Locator) => l.waitFor({ state: 'visible', timeout: WAIT });
const gone = (l: Locator) => l.waitFor({ state: 'hidden', timeout: WAIT });
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

interface ApiSession {
  cookie: string;
  csrf: string;
}

describeBrowser('personal information and moderation in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let receiver: Server;
  let hookUrl = '';
  let admin: ApiSession;
  const received: Array<{ event: string; body: string }> = [];
  const pageErrors: string[] = [];

  async function newPage() {
    const context: BrowserContext = await browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(WAIT);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return page;
  }

  async function signIn(page: Page, who: { username: string; password: string; displayName: string }) {
    await page.goto(`${server.url}/console`);
    await page.getByLabel('用户名').fill(who.username);
    await page.getByLabel('密码').fill(who.password);
    await page.getByRole('button', { name: '登录' }).click();
    await shown(page.getByRole('heading', { name: `欢迎，${who.displayName}` }));
  }

  const mainNav = (page: Page) => page.getByRole('navigation', { name: '主导航' });

  /** A JSON call with a staff session: the cookie, and the CSRF token that login answered with. */
  async function apiCall(s: ApiSession | null, method: string, url: string, body?: unknown) {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as Record<string, any>;
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  async function apiLogin(username: string, password: string): Promise<ApiSession> {
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
  }

  const until = async (check: () => boolean, what: string) => {
    const end = Date.now() + WAIT;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    requireWebBuild();
    dataDir = mkdtempSync(path.join(tmpdir(), 'custodian-browser-modules-'));
    // The provider's system that removes content when told to (the `content.removed` webhook).
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ event: String(req.headers['custodian-event']), body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/remove`;
    // Webhooks are delivered by the job runner, which the helper leaves off unless asked.
    server = await serve(['--data-dir', dataDir], {
      CUSTODIAN_PROVIDER_NAME: '示例网络科技有限公司',
      CUSTODIAN_JOBS: 'true',
      CUSTODIAN_JOBS_POLL_MS: '200',
    });
    browser = await launchBrowser();
    await apiCall(null, 'POST', '/api/v1/setup', ADMIN);
    admin = await apiLogin(ADMIN.username, ADMIN.password);
    for (const [u, role] of [
      [OFFICER, 'privacy_officer'],
      [MODERATOR, 'moderator'],
    ] as const)
      await apiCall(admin, 'POST', '/api/v1/users', {
        username: u.username,
        displayName: u.displayName,
        password: u.password,
        role,
      });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    receiver?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores a subject, finds it by phone, reveals the phone for a purpose, and shows the read in the audit log', async () => {
    const page = await newPage();
    await signIn(page, OFFICER);
    // The start page has the module's card instead of a "coming" one.
    await shown(page.getByRole('main').getByRole('link', { name: '个人信息', exact: true }));

    await mainNav(page).getByRole('link', { name: '个人信息' }).click();
    await shown(page.getByRole('heading', { level: 1, name: '个人信息' }));
    await page.getByRole('link', { name: '新建主体' }).click();
    await shown(page.getByRole('heading', { name: '新建个人信息主体' }));
    const first = page.getByRole('group', { name: '字段 1' });
    expect(await first.getByLabel('类型').inputValue()).toBe('PHONE_NUMBER');
    expect(await first.getByLabel('字段名').inputValue()).toBe('phone');
    await first.getByLabel('值', { exact: true }).fill(PHONE);
    await page.getByRole('button', { name: '添加字段' }).click();
    const second = page.getByRole('group', { name: '字段 2' });
    expect(await second.getByLabel('类型').inputValue()).toBe('CN_RESIDENT_ID');
    expect(await second.getByLabel('字段名').inputValue()).toBe('resident_id');
    // A wrong check digit: the server's check comes back beside that row's value.
    const idValue = second.getByLabel('值', { exact: true });
    await idValue.fill('110105194912310021');
    await page.getByRole('button', { name: '保存主体' }).click();
    await shown(second.getByText('该值未通过格式校验。'));
    expect(await idValue.getAttribute('aria-invalid')).toBe('true');
    await idValue.fill(RESIDENT_ID);
    // A field of no detected type is filed under a category of the register, chosen from a list.
    await page.getByRole('button', { name: '添加字段' }).click();
    const third = page.getByRole('group', { name: '字段 3' });
    await third.getByLabel('类型').selectOption('OTHER');
    await third.getByLabel('字段名').fill('diagnosis');
    await third.getByLabel('值', { exact: true }).fill('asthma');
    await page.getByRole('button', { name: '保存主体' }).click();
    await shown(third.getByText('必填'));
    expect(await third.getByLabel('类别').getAttribute('aria-invalid')).toBe('true');
    await third.getByLabel('类别').selectOption({ label: '医疗健康信息（敏感）' });
    await page.getByRole('button', { name: '保存主体' }).click();
    await shown(page.getByRole('heading', { level: 1, name: /^个人信息主体/ }));
    await shown(page.getByRole('status').filter({ hasText: '已保存主体' }));
    const subjectUrl = new URL(page.url());
    const subjectId = subjectUrl.pathname.split('/').pop()!;
    expect(subjectId).toMatch(/^[0-9a-f-]{36}$/);

    // Find it by the exact phone number; a different number finds nothing.
    await page.getByRole('link', { name: '← 全部主体' }).click();
    await page.getByLabel('查找方式').selectOption('PHONE_NUMBER');
    await page.getByLabel('完整值').fill('13900139000');
    await page.getByRole('button', { name: '搜索' }).click();
    await shown(page.getByRole('cell', { name: '没有主体具有此值。' }));
    await page.getByLabel('完整值').fill(PHONE);
    await page.getByRole('button', { name: '搜索' }).click();
    const results = page.getByRole('region', { name: '查找结果' });
    await shown(results.getByText('138****8000'));
    await results.getByRole('link', { name: `打开主体 ${subjectId}` }).click();

    // Masked until revealed, with sensitivity badges.
    await shown(page.getByRole('cell', { name: '138****8000', exact: true }));
    await shown(page.getByRole('cell', { name: '110105********002X', exact: true }));
    // The health record is sensitive too (PIPL 28), whatever type carried it.
    expect(await page.getByRole('cell', { name: '敏感', exact: true }).count()).toBe(3);
    await shown(page.getByRole('main').getByText('医疗健康信息', { exact: true }));
    expect(await page.content()).not.toContain(PHONE);

    await page.getByRole('button', { name: '显示 phone' }).click();
    const dialog = page.getByRole('dialog', { name: '显示 phone' });
    await shown(dialog);
    // The purpose is required.
    await dialog.getByRole('button', { name: '显示原值' }).click();
    await shown(dialog.getByText('请填写至少 2 个字符的目的。'));
    await dialog.getByLabel('目的').fill(PURPOSE);
    await dialog.getByRole('button', { name: '显示原值' }).click();
    await gone(dialog);
    await shown(page.getByRole('cell', { name: PHONE, exact: true }));
    await shown(page.getByRole('status').filter({ hasText: '已显示 1 个值' }));
    // Only the field asked for.
    await shown(page.getByRole('cell', { name: '110105********002X', exact: true }));

    // The audit log, narrowed to this subject, has the read with its purpose.
    await page.getByRole('link', { name: '在审计日志中查看' }).click();
    await shown(page.getByRole('heading', { name: '审计日志' }));
    expect(await page.getByLabel('对象 ID').inputValue()).toBe(subjectId);
    const read = page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'subject.field.read' }) });
    await shown(read);
    expect(await read.count()).toBe(1);
    await shown(read.getByRole('cell', { name: PURPOSE, exact: true }));
    await shown(page.getByRole('cell', { name: 'subject.create', exact: true }));
    // Searches name no subject, so the narrowed log leaves them out.
    expect(await page.getByRole('cell', { name: 'subject.search', exact: true }).count()).toBe(0);

    // Leaving the page forgot the plaintext.
    await page.goBack();
    await shown(page.getByRole('cell', { name: '138****8000', exact: true }));
    expect(await page.getByRole('cell', { name: PHONE, exact: true }).count()).toBe(0);

    // The copy a person may ask for: a purpose again, then a CSV file with the values.
    await page.getByRole('button', { name: '导出 CSV' }).click();
    const exportDialog = page.getByRole('dialog', { name: '导出 CSV' });
    await exportDialog.getByLabel('目的').fill('个人请求获取副本');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      exportDialog.getByRole('button', { name: '下载' }).click(),
    ]);
    expect(file.suggestedFilename()).toBe(`subject-${subjectId}.csv`);
    const csv = readFileSync(await file.path(), 'utf8');
    expect(csv).toContain(PHONE);
    expect(csv).toContain(RESIDENT_ID);

    // Erasure needs the typed word and a reason; afterwards nothing can be read or revealed.
    await page.getByRole('button', { name: '删除…' }).click();
    await page.getByLabel('原因').fill('R-12 号删除请求');
    const confirm = page.getByLabel('输入“删除”以确认');
    await confirm.fill('删');
    await page.getByRole('button', { name: '永久删除' }).click();
    await shown(page.getByText('请准确输入“删除”。'));
    await confirm.fill('删除');
    await page.getByRole('button', { name: '永久删除' }).click();
    await shown(page.getByText(/该主体已于 .+ 删除/));
    await gone(page.getByRole('cell', { name: '138****8000', exact: true }));
    expect(await page.getByRole('button', { name: /^显示 / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '导出 CSV' }).count()).toBe(0);
    await page.context().close();
  });

  it('publishes rules, blocks an evasive post, removes it through the webhook, and packages it for the authority', async () => {
    await apiCall(admin, 'POST', '/api/v1/webhooks', {
      name: 'forum removal',
      url: hookUrl,
      events: ['content.removed'],
    });
    const key = (await apiCall(admin, 'POST', '/api/v1/api-keys', { name: 'forum', scopes: ['screen'] }))
      .key as string;

    // The moderator writes the rules in the console.
    const page = await newPage();
    await signIn(page, MODERATOR);
    await mainNav(page).getByRole('link', { name: '审核规则' }).click();
    await shown(page.getByRole('heading', { level: 1, name: '审核规则' }));
    await page.getByRole('button', { name: '新建规则集' }).click();
    const create = page.getByRole('region', { name: '新建规则集' });
    await create.getByLabel('名称').fill('论坛帖子');
    await create.getByLabel('说明').fill('论坛帖子发布前审核');
    await create.getByRole('button', { name: '创建规则集' }).click();
    await shown(page.getByRole('heading', { level: 1, name: /规则集“论坛帖子”/ }));
    await shown(page.getByText('尚未发布任何版本'));
    // A file is read into the text box, its format taken from the extension.
    await page.getByLabel(/从文件载入/).setInputFiles({
      name: 'rules.jsonl',
      mimeType: 'text/plain',
      buffer: Buffer.from(RULES),
    });
    const rules = page.getByLabel('规则', { exact: true });
    await page.waitForFunction(
      (n) => (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value.length === n,
      RULES.length,
    );
    expect(await rules.inputValue()).toBe(RULES);
    expect(await page.getByLabel('格式').inputValue()).toBe('jsonl');
    await page.getByLabel('备注').fill('首版');
    await page.getByRole('button', { name: '导入为草稿' }).click();
    await shown(page.getByRole('status').filter({ hasText: '已导入第 1 版草稿（2 条规则）。' }));
    // The draft can be tried before it applies.
    await page.getByLabel('待测试文本').fill('一起来賭 博');
    await page.getByRole('button', { name: '测试', exact: true }).click();
    const tested = page.getByRole('status', { name: '测试结果' });
    await shown(tested);
    await shown(tested.getByText(/结论：\s*拦截/));
    expect(await tested.getByRole('blockquote').locator('mark').textContent()).toBe('賭 博');
    await page.getByRole('button', { name: '发布第 1 版' }).click();
    await shown(page.getByRole('status').filter({ hasText: '第 1 版已发布' }));
    await shown(page.getByText('网关适用第 1 版。'));

    // The provider's server screens a post: blocked at once, evidence kept.
    const res = await fetch(`${server.url}/api/v1/screen`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        contentType: 'post',
        text: POST,
        contentId: 'post-1',
        author: { account: 'user-17', ip: '203.0.113.9' },
      }),
    });
    const screened = (await res.json()) as { decision: string; caseId: string };
    expect(screened.decision).toBe('block');
    // And one held for review, for the queue's claim key below.
    const held = await fetch(`${server.url}/api/v1/screen`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        contentType: 'post',
        text: '专业代开发票',
        contentId: 'post-2',
        author: { account: 'user-18' },
      }),
    });
    const heldCase = (await held.json()) as { decision: string; caseId: string };
    expect(heldCase.decision).toBe('review');

    // The queue, by keyboard: j selects the first case, Enter opens it.
    await mainNav(page).getByRole('link', { name: '审核队列' }).click();
    await shown(page.getByRole('heading', { level: 1, name: '审核队列' }));
    await shown(page.getByText('打开选中的案件'));
    const link = page.getByRole('link', { name: '打开案件 post-1' });
    await shown(link);
    const focused = (name: string) =>
      page.waitForFunction((n) => document.activeElement?.getAttribute('aria-label') === n, name);
    // The first j goes to the marked (oldest) row, the next moves on, k comes back.
    await page.keyboard.press('j');
    await focused('打开案件 post-1');
    await page.keyboard.press('j');
    await focused('打开案件 post-2');
    await page.keyboard.press('k');
    await focused('打开案件 post-1');
    await page.keyboard.press('Enter');
    await shown(page.getByRole('heading', { level: 1, name: '案件 post-1' }));
    expect(new URL(page.url()).pathname).toBe(`/console/cases/${screened.caseId}`);

    // The evasion is marked in the content, where the match offsets say.
    const content = page.getByRole('blockquote');
    expect(await content.textContent()).toBe(POST);
    expect(await content.locator('mark').textContent()).toBe('賭 博');
    await shown(page.getByRole('cell', { name: 'g1', exact: true }));

    await page.getByRole('button', { name: '认领' }).click();
    await shown(page.getByRole('status').filter({ hasText: '您已认领此案件。' }));
    expect(await page.getByLabel('适用规则').inputValue()).toBe('g1（赌博）');
    // Removal without reasons is refused beside the empty fields.
    await page.getByRole('button', { name: '删除', exact: true }).click();
    const facts = page.getByLabel('事实');
    await shown(page.getByText('删除时必填。').first());
    expect(await facts.getAttribute('aria-invalid')).toBe('true');
    await facts.fill('帖子推广网络赌博');
    // Part of a statement is not dropped in silence on another decision either.
    await page.getByRole('button', { name: '恢复', exact: true }).click();
    await shown(page.getByText('已填写部分理由：四项均须填写，或全部留空。').first());
    expect(await page.getByRole('status').filter({ hasText: '已恢复' }).count()).toBe(0);
    await page.getByLabel('法律或协议依据').fill('《互联网信息服务管理办法》第十五条');
    await page.getByLabel('申诉途径').fill('如有异议，请在 15 日内通过申诉页面提交说明');
    await page.getByRole('button', { name: '删除', exact: true }).click();
    await shown(page.getByRole('status').filter({ hasText: '已删除' }));
    await shown(page.getByRole('definition').filter({ hasText: '已删除' }));

    // The provider's system is told to take the post down.
    await until(() => received.some((r) => r.event === 'content.removed'), 'the content.removed webhook');
    const hook = JSON.parse(received.find((r) => r.event === 'content.removed')!.body);
    expect(hook.data).toMatchObject({ caseId: screened.caseId, contentId: 'post-1' });
    expect(hook.data.reasons.facts).toBe('帖子推广网络赌博');
    // Transmission stopped when the gate blocked it, and the case says when.
    const stopped = await page.getByTestId('stopped-at').textContent();
    expect(stopped).not.toBe('未停止');
    expect(stopped).toMatch(/\d/);

    // Back in the queue the removed case is gone; c claims the selected one.
    await page.getByRole('link', { name: '← 审核队列' }).click();
    await shown(page.getByRole('link', { name: '打开案件 post-2' }));
    expect(await page.getByRole('link', { name: '打开案件 post-1' }).count()).toBe(0);
    await page.keyboard.press('j');
    await focused('打开案件 post-2');
    await page.keyboard.press('c');
    await shown(page.getByRole('status').filter({ hasText: '已认领案件 post-2。' }));
    await shown(page.getByRole('cell', { name: '处理中 由您处理' }));
    // A case restored as it came, with only the rule the form fills in itself: no statement is asked for.
    await page.goto(`${server.url}/console/cases/${heldCase.caseId}`);
    await shown(page.getByRole('heading', { level: 1, name: '案件 post-2' }));
    await page.getByRole('button', { name: '恢复', exact: true }).click();
    await shown(page.getByRole('status').filter({ hasText: '已恢复' }));
    expect(await page.getByText('已填写部分理由：四项均须填写，或全部留空。').count()).toBe(0);
    await page.context().close();

    // The package for the authority, built by a role that may write reports.
    const adminPage = await newPage();
    await signIn(adminPage, ADMIN);
    await mainNav(adminPage).getByRole('link', { name: '报告材料' }).click();
    await shown(adminPage.getByRole('heading', { level: 1, name: '报告材料' }));
    await adminPage.getByRole('checkbox', { name: '包含案件 post-1' }).check();
    await adminPage.getByLabel('主管部门').fill('某市公安局网安支队');
    await adminPage.getByRole('button', { name: '生成报告材料' }).click();
    const built = adminPage.getByRole('status').filter({ hasText: '已生成报告材料' });
    await shown(built);
    const number = /CUS-\d{8}-\d{4}/.exec((await built.textContent()) ?? '')![0];
    const [download] = await Promise.all([
      adminPage.waitForEvent('download'),
      adminPage.getByRole('link', { name: `下载 ${number}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${number}.zip`);
    const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
    const manifest = strFromU8(files['manifest.sha256']);
    const lines = manifest.trim().split('\n');
    expect(lines.length).toBe(Object.keys(files).length - 1);
    for (const line of lines) {
      const [hash, name] = line.split(/\s+/);
      expect(files[name], name).toBeDefined();
      expect(sha256(files[name]), name).toBe(hash);
    }
    expect(Object.keys(files)).toContain(`evidence/${screened.caseId}.json`);
    // The hash shown in the list is the manifest's.
    await shown(adminPage.getByRole('cell', { name: sha256(manifest), exact: true }));

    await adminPage.getByRole('button', { name: `登记 ${number} 的报送` }).click();
    await adminPage.getByLabel('回执').fill('回执 2026-118');
    await adminPage.getByRole('button', { name: '登记', exact: true }).click();
    await shown(adminPage.getByRole('status').filter({ hasText: `已登记 ${number} 的报送。` }));
    await shown(adminPage.getByText('回执：回执 2026-118'));
    await adminPage.context().close();
  });

  it('raised no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
