import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/config/config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'custodian-config-'));
const file = path.join(dir, 'custodian.config.json');

describe('configuration', () => {
  it('takes flags over env over file over defaults', () => {
    writeFileSync(file, JSON.stringify({ port: 9001, providerName: '示例网', session: { idleMinutes: 20 } }));
    expect(loadConfig({ env: {}, configFile: file })).toMatchObject({
      port: 9001,
      providerName: '示例网',
      session: { idleMinutes: 20, absoluteHours: 12 },
    });
    expect(loadConfig({ env: { CUSTODIAN_PORT: '9002' }, configFile: file }).port).toBe(9002);
    expect(
      loadConfig({ env: { CUSTODIAN_PORT: '9002' }, configFile: file, flags: { port: '9003' } }).port,
    ).toBe(9003);
    expect(loadConfig({ env: {}, configFile: path.join(dir, 'missing.json') }).port).toBe(8080);
  });

  it('stops on a bad value with one line naming the setting', () => {
    expect(() => loadConfig({ env: { CUSTODIAN_PORT: 'eighty' }, configFile: '/none' })).toThrow(
      new ConfigError('CUSTODIAN_PORT', 'must be an integer from 0 to 65535, got "eighty"'),
    );
    expect(() => loadConfig({ env: {}, configFile: '/none', flags: { port: '70000' } })).toThrow(
      /^--port: must be an integer/,
    );
    expect(() => loadConfig({ env: { CUSTODIAN_DATABASE_URL: 'mysql://x' }, configFile: '/none' })).toThrow(
      /CUSTODIAN_DATABASE_URL: must start with postgres:/,
    );
    // CSL 21 / 23: six months of logs at least.
    expect(() => loadConfig({ env: { CUSTODIAN_AUDIT_RETENTION_DAYS: '30' }, configFile: '/none' })).toThrow(
      /CUSTODIAN_AUDIT_RETENTION_DAYS: must be an integer from 180/,
    );
    // fetch would refuse every message: the token has its own setting, and the password is not echoed.
    expect(() =>
      loadConfig({
        env: { CUSTODIAN_SMS_GATEWAY_URL: 'https://u:gw-pass@sms.example.com/send' },
        configFile: '/none',
      }),
    ).toThrow(/^CUSTODIAN_SMS_GATEWAY_URL: must not hold a user name or password[^]*$/);
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ env: {}, configFile: file })).toThrow(/prot: is not a known setting/);
    writeFileSync(file, '{ nope');
    expect(() => loadConfig({ env: {}, configFile: file })).toThrow(/is not valid JSON/);
  });

  it('believes X-Forwarded-For from named proxies only, and names the portal’s contact fields', () => {
    const at = (env: Record<string, string>) => loadConfig({ env, configFile: '/none' });
    expect(at({}).http.trustProxy).toBe(false);
    expect(at({ CUSTODIAN_TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(at({ CUSTODIAN_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,::1' }).http.trustProxy).toEqual([
      '10.0.0.5',
      '10.1.0.0/16',
      '::1',
    ]);
    // A hop count would be believed by no one (Fastify fails closed on it): refused rather than ignored.
    expect(() => at({ CUSTODIAN_TRUST_PROXY: '2' })).toThrow(
      /^CUSTODIAN_TRUST_PROXY: must be true, false, or the proxies/,
    );
    expect(() => at({ CUSTODIAN_TRUST_PROXY: 'lb.internal' })).toThrow(/^CUSTODIAN_TRUST_PROXY:/);
    expect(at({}).portal.contactFields).toEqual(['phone', 'mobile', 'email']);
    expect(at({ CUSTODIAN_PORTAL_CONTACT_FIELDS: 'mobile_no, email' }).portal.contactFields).toEqual([
      'mobile_no',
      'email',
    ]);
    expect(() => at({ CUSTODIAN_PORTAL_CONTACT_FIELDS: ' , ' })).toThrow(/^CUSTODIAN_PORTAL_CONTACT_FIELDS:/);
  });

  it('refuses the development outbox in production', () => {
    expect(() => loadConfig({ env: { CUSTODIAN_MODE: 'production' }, configFile: '/none' })).toThrow(
      /CUSTODIAN_NOTIFIER: the development outbox is refused/,
    );
  });

  it('refuses a configuration file the operator named that does not exist', () => {
    expect(() => loadConfig({ env: {}, configFile: '/no/such/custodian.json', requireFile: true })).toThrow(
      /^\/no\/such\/custodian.json: does not exist/,
    );
    expect(() => loadConfig({ env: { CUSTODIAN_CONFIG: '/no/such/c.json' } })).toThrow(/does not exist/);
  });

  it('needs the officer contact and complaint channel the published rules name, in production', () => {
    const env = {
      CUSTODIAN_MODE: 'production',
      CUSTODIAN_NOTIFIER: 'smtp',
      CUSTODIAN_SMTP_URL: 'smtp://mail.example.cn:25',
    };
    expect(() => loadConfig({ env, configFile: '/none' })).toThrow(
      /^CUSTODIAN_RULES_OFFICER_CONTACT: is required/,
    );
    expect(() =>
      loadConfig({ env: { ...env, CUSTODIAN_RULES_OFFICER_CONTACT: 'dpo@example.cn' }, configFile: '/none' }),
    ).toThrow(/^CUSTODIAN_RULES_COMPLAINT_CHANNEL: is required/);
    const ok = loadConfig({
      env: {
        ...env,
        CUSTODIAN_RULES_OFFICER_CONTACT: 'dpo@example.cn',
        CUSTODIAN_RULES_COMPLAINT_CHANNEL: 'complaints@example.cn',
      },
      configFile: '/none',
    });
    expect(ok.rules.officerContact).toBe('dpo@example.cn');
  });

  it('masks secrets when printed', () => {
    const c = loadConfig({
      env: {
        CUSTODIAN_DATABASE_URL: 'postgres://app:s3cret-pw@db:5432/custodian?sslmode=require&password=hunter2',
        CUSTODIAN_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
        CUSTODIAN_SMS_GATEWAY_TOKEN: 'tok-123',
        CUSTODIAN_SMS_GATEWAY_URL: 'https://sms.example.com/send?key=gw-key-9',
      },
      configFile: '/none',
    });
    const shown = JSON.stringify(describeConfig(c));
    expect(shown).not.toContain('s3cret-pw');
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain('sslmode=require');
    expect(shown).not.toContain(Buffer.alloc(32, 7).toString('base64'));
    expect(shown).not.toContain('tok-123');
    expect(shown).not.toContain('gw-key-9');
    expect(shown).toContain('db:5432');
  });
});
