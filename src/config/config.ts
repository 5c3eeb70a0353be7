import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { maskUrlSecrets } from '../url-secrets.js';

/** The effective configuration, read once at start-up (flags > env > custodian.config.json > defaults). */
export interface Config {
  mode: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; unset means SQLite at `<dataDir>/custodian.db`. */
  databaseUrl: string | null;
  /** Public base URL, e.g. https://privacy.example.cn; decides the Secure cookie flag. */
  publicUrl: string | null;
  providerName: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  keys: {
    /** Key ring file; default `<dataDir>/keys/keyring.json`. */
    file: string | null;
    /** base64 32-byte key that encrypts the key ring file at rest (production). */
    masterKey: string | null;
  };
  session: { idleMinutes: number; absoluteHours: number };
  login: { maxFailuresPerAccount: number; maxFailuresPerIp: number; lockoutMinutes: number };
  /** Require a TOTP second factor for administrators. */
  requireAdminTotp: boolean;
  audit: { retentionDays: number; checkpointEvery: number };
  /** Evidence of screened content (ICP Measures 14; CSL 21 / 23): kept at least 180 days. */
  moderation: { evidenceRetentionDays: number; ruleReloadMs: number };
  notifier: {
    kind: 'outbox' | 'smtp' | 'http';
    smtpUrl: string | null;
    emailFrom: string | null;
    smsGatewayUrl: string | null;
    smsGatewayToken: string | null;
  };
  /**
   * Whose `X-Forwarded-For` to believe: false (nobody's), the proxies' addresses (IPs or CIDR ranges), or true
   * (every hop's: a client can then name any address, unless the proxy in front overwrites the header).
   */
  http: { bodyLimitBytes: number; rateLimitPerMinute: number; trustProxy: boolean | string[] };
  /** The vault fields whose phone or e-mail value is the person's own contact, for the portal's one-time codes. */
  portal: { contactFields: string[] };
  jobs: { enabled: boolean; pollMs: number };
  /** The retention sweep (PIPL 19, 47): how often a dry-run report is made (0: never), and whether it is applied. */
  retention: { sweepIntervalHours: number; autoApply: boolean };
  /** Frozen into each published version of the collection-and-use rules (NDSR 21; GB/T 35273 5.5). */
  rules: { officerContact: string | null; complaintChannel: string | null };
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Raw = Record<string, unknown>;

/** One setting: its path in the config object, its environment variable, its CLI flag and how to parse it. */
interface Setting {
  key: string;
  env: string;
  flag?: string;
  parse: (value: unknown, name: string) => unknown;
  secret?: boolean;
}

const str = (v: unknown, name: string) => {
  if (typeof v !== 'string' || v.trim() === '') throw new ConfigError(name, 'must be a non-empty string');
  return v.trim();
};
const nullableStr = (v: unknown, name: string) => (v === null || v === '' ? null : str(v, name));
const int =
  (min: number, max: number) =>
  (v: unknown, name: string): number => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return n;
  };
const bool = (v: unknown, name: string): boolean => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(1|true|yes|on)$/i.test(v)) return true;
  if (typeof v === 'string' && /^(0|false|no|off)$/i.test(v)) return false;
  throw new ConfigError(name, `must be true or false, got ${JSON.stringify(v)}`);
};
/** A list from a JSON array or a comma-separated string, each item matching `item`; null if not one. */
const listOf = (v: unknown, item: (x: string) => boolean): string[] | null => {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : null;
  const out = list?.map((x) => (typeof x === 'string' ? x.trim() : '')).filter(Boolean) ?? [];
  return list && out.length && out.every(item) ? out : null;
};
const names = (v: unknown, name: string): string[] => {
  const out = listOf(v, (x) => /^[\w.-]{1,64}$/.test(x));
  if (!out) throw new ConfigError(name, 'must be field names separated by commas, e.g. phone,email');
  return out;
};
// false, true, or the proxies' addresses (IPs or CIDR ranges) separated by commas.
const proxies = (v: unknown, name: string): boolean | string[] => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(1|true|yes|on|0|false|no|off)$/i.test(v.trim()))
    return bool(v.trim(), name);
  const out = listOf(v, (x) => /^[\d.:a-fA-F]+(\/\d{1,3})?$/.test(x) && /[.:]/.test(x));
  if (!out)
    throw new ConfigError(
      name,
      `must be true, false, or the proxies' addresses (IPs or CIDR ranges) separated by commas, got ${JSON.stringify(v)}`,
    );
  return out;
};
const oneOf =
  <T extends string>(...values: T[]) =>
  (v: unknown, name: string): T => {
    if (typeof v === 'string' && (values as string[]).includes(v)) return v as T;
    throw new ConfigError(name, `must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  };
const url = (protocols: string[]) => (v: unknown, name: string) => {
  if (v === null || v === '') return null;
  const s = str(v, name);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new ConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(u.protocol))
    throw new ConfigError(name, `must start with ${protocols.map((p) => p + '//').join(' or ')}`);
  // fetch refuses an http(s) address with credentials in it; SMTP takes them there.
  if ((u.username || u.password) && (u.protocol === 'http:' || u.protocol === 'https:'))
    throw new ConfigError(
      name,
      'must not hold a user name or password (the gateway token has its own setting)',
    );
  return s;
};
const base64Key = (v: unknown, name: string) => {
  if (v === null || v === '') return null;
  const s = str(v, name);
  if (Buffer.from(s, 'base64').length !== 32) throw new ConfigError(name, 'must be 32 bytes in base64');
  return s;
};

const SETTINGS: Setting[] = [
  { key: 'mode', env: 'CUSTODIAN_MODE', parse: oneOf('development', 'production', 'test') },
  { key: 'host', env: 'CUSTODIAN_HOST', flag: 'host', parse: str },
  { key: 'port', env: 'CUSTODIAN_PORT', flag: 'port', parse: int(0, 65535) },
  { key: 'dataDir', env: 'CUSTODIAN_DATA_DIR', flag: 'dataDir', parse: str },
  {
    key: 'databaseUrl',
    env: 'CUSTODIAN_DATABASE_URL',
    flag: 'databaseUrl',
    parse: url(['postgres:', 'postgresql:']),
    secret: true,
  },
  { key: 'publicUrl', env: 'CUSTODIAN_PUBLIC_URL', parse: url(['http:', 'https:']) },
  { key: 'providerName', env: 'CUSTODIAN_PROVIDER_NAME', parse: str },
  {
    key: 'logLevel',
    env: 'CUSTODIAN_LOG_LEVEL',
    flag: 'logLevel',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  { key: 'keys.file', env: 'CUSTODIAN_KEY_FILE', parse: nullableStr },
  { key: 'keys.masterKey', env: 'CUSTODIAN_MASTER_KEY', parse: base64Key, secret: true },
  { key: 'session.idleMinutes', env: 'CUSTODIAN_SESSION_IDLE_MINUTES', parse: int(1, 24 * 60) },
  { key: 'session.absoluteHours', env: 'CUSTODIAN_SESSION_ABSOLUTE_HOURS', parse: int(1, 24 * 30) },
  { key: 'login.maxFailuresPerAccount', env: 'CUSTODIAN_LOGIN_MAX_FAILURES', parse: int(1, 100) },
  { key: 'login.maxFailuresPerIp', env: 'CUSTODIAN_LOGIN_MAX_FAILURES_PER_IP', parse: int(1, 10_000) },
  { key: 'login.lockoutMinutes', env: 'CUSTODIAN_LOGIN_LOCKOUT_MINUTES', parse: int(1, 24 * 60) },
  { key: 'requireAdminTotp', env: 'CUSTODIAN_REQUIRE_ADMIN_TOTP', parse: bool },
  // CSL 21 (2026: 23): network logs kept at least six months, hence the 180-day floor.
  { key: 'audit.retentionDays', env: 'CUSTODIAN_AUDIT_RETENTION_DAYS', parse: int(180, 36_500) },
  { key: 'audit.checkpointEvery', env: 'CUSTODIAN_AUDIT_CHECKPOINT_EVERY', parse: int(1, 1_000_000) },
  {
    key: 'moderation.evidenceRetentionDays',
    env: 'CUSTODIAN_EVIDENCE_RETENTION_DAYS',
    parse: int(180, 36_500),
  },
  { key: 'moderation.ruleReloadMs', env: 'CUSTODIAN_RULE_RELOAD_MS', parse: int(100, 600_000) },
  { key: 'notifier.kind', env: 'CUSTODIAN_NOTIFIER', parse: oneOf('outbox', 'smtp', 'http') },
  { key: 'notifier.smtpUrl', env: 'CUSTODIAN_SMTP_URL', parse: url(['smtp:', 'smtps:']), secret: true },
  { key: 'notifier.emailFrom', env: 'CUSTODIAN_EMAIL_FROM', parse: nullableStr },
  {
    key: 'notifier.smsGatewayUrl',
    env: 'CUSTODIAN_SMS_GATEWAY_URL',
    parse: url(['http:', 'https:']),
    secret: true,
  },
  { key: 'notifier.smsGatewayToken', env: 'CUSTODIAN_SMS_GATEWAY_TOKEN', parse: nullableStr, secret: true },
  { key: 'http.bodyLimitBytes', env: 'CUSTODIAN_BODY_LIMIT_BYTES', parse: int(1024, 100 * 1024 * 1024) },
  { key: 'http.rateLimitPerMinute', env: 'CUSTODIAN_RATE_LIMIT_PER_MINUTE', parse: int(1, 10_000_000) },
  { key: 'http.trustProxy', env: 'CUSTODIAN_TRUST_PROXY', parse: proxies },
  { key: 'portal.contactFields', env: 'CUSTODIAN_PORTAL_CONTACT_FIELDS', parse: names },
  { key: 'jobs.enabled', env: 'CUSTODIAN_JOBS', parse: bool },
  { key: 'jobs.pollMs', env: 'CUSTODIAN_JOBS_POLL_MS', parse: int(50, 600_000) },
  {
    key: 'retention.sweepIntervalHours',
    env: 'CUSTODIAN_RETENTION_SWEEP_INTERVAL_HOURS',
    parse: int(0, 24 * 366),
  },
  { key: 'retention.autoApply', env: 'CUSTODIAN_RETENTION_AUTO_APPLY', parse: bool },
  { key: 'rules.officerContact', env: 'CUSTODIAN_RULES_OFFICER_CONTACT', parse: nullableStr },
  { key: 'rules.complaintChannel', env: 'CUSTODIAN_RULES_COMPLAINT_CHANNEL', parse: nullableStr },
];

export const SECRET_SETTINGS = SETTINGS.filter((s) => s.secret).map((s) => s.key);

function defaults(): Config {
  return {
    mode: 'development',
    host: '127.0.0.1',
    port: 8080,
    dataDir: './data',
    databaseUrl: null,
    publicUrl: null,
    providerName: 'Custodian',
    logLevel: 'info',
    keys: { file: null, masterKey: null },
    session: { idleMinutes: 30, absoluteHours: 12 },
    login: { maxFailuresPerAccount: 5, maxFailuresPerIp: 50, lockoutMinutes: 15 },
    requireAdminTotp: false,
    audit: { retentionDays: 365, checkpointEvery: 1000 },
    moderation: { evidenceRetentionDays: 180, ruleReloadMs: 2000 },
    notifier: { kind: 'outbox', smtpUrl: null, emailFrom: null, smsGatewayUrl: null, smsGatewayToken: null },
    http: { bodyLimitBytes: 1024 * 1024, rateLimitPerMinute: 6000, trustProxy: false },
    portal: { contactFields: ['phone', 'mobile', 'email'] },
    jobs: { enabled: true, pollMs: 1000 },
    retention: { sweepIntervalHours: 24, autoApply: false },
    rules: { officerContact: null, complaintChannel: null },
  };
}

function getPath(obj: Raw, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Raw)[k] : undefined), obj);
}
function setPath(obj: Raw, key: string, value: unknown) {
  const parts = key.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p] as Raw;
  o[parts[parts.length - 1]] = value;
}

export interface LoadOptions {
  /** CLI flags by setting name (`port`, `dataDir`, `host`, `databaseUrl`, `logLevel`). */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Path of the config file; default `./custodian.config.json` (or CUSTODIAN_CONFIG). */
  configFile?: string;
  /** Values that win over everything (tests). */
  overrides?: Partial<Record<string, unknown>>;
  /** The file was named by the operator (`--config`, CUSTODIAN_CONFIG): its absence is an error. */
  requireFile?: boolean;
}

/**
 * Reads the configuration once. Throws {@link ConfigError} naming the first bad setting.
 * @example const config = loadConfig({ flags: { port: 9000 } });
 */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const config = defaults() as unknown as Raw;
  const file = opts.configFile ?? env.CUSTODIAN_CONFIG ?? 'custodian.config.json';
  let fileValues: Raw = {};
  if ((opts.requireFile || env.CUSTODIAN_CONFIG) && !existsSync(file))
    throw new ConfigError(file, 'does not exist (named by --config or CUSTODIAN_CONFIG)');
  if (existsSync(file)) {
    try {
      fileValues = JSON.parse(readFileSync(file, 'utf8')) as Raw;
    } catch (err) {
      throw new ConfigError(file, `is not valid JSON (${(err as Error).message})`);
    }
    const known = new Set(SETTINGS.map((s) => s.key.split('.')[0]));
    for (const k of Object.keys(fileValues))
      if (!known.has(k)) throw new ConfigError(`${file}: ${k}`, 'is not a known setting');
  }
  for (const s of SETTINGS) {
    const sources: Array<[unknown, string]> = [
      [getPath(fileValues, s.key), `${file}: ${s.key}`],
      [env[s.env], s.env],
      [s.flag ? opts.flags?.[s.flag] : undefined, s.flag ? `--${kebab(s.flag)}` : s.env],
      [opts.overrides?.[s.key], s.key],
    ];
    for (const [value, name] of sources)
      if (value !== undefined) setPath(config, s.key, s.parse(value, name));
  }
  const c = config as unknown as Config;
  if (c.databaseUrl === null) c.dataDir = path.resolve(c.dataDir);
  if (c.mode === 'production' && c.notifier.kind === 'outbox')
    throw new ConfigError(
      'CUSTODIAN_NOTIFIER',
      'the development outbox is refused in production; use smtp or http',
    );
  // NDSR 21: the published rules name the protection officer's contact and a complaint channel. Without
  // them the rules point to the portal's request and report pages, which are not a channel of their own yet.
  if (c.mode === 'production' && !c.rules.officerContact)
    throw new ConfigError(
      'CUSTODIAN_RULES_OFFICER_CONTACT',
      'is required in production: the published rules name the protection officer’s contact (NDSR 21)',
    );
  if (c.mode === 'production' && !c.rules.complaintChannel)
    throw new ConfigError(
      'CUSTODIAN_RULES_COMPLAINT_CHANNEL',
      'is required in production: the published rules name where to complain (NDSR 21)',
    );
  if (c.notifier.kind === 'smtp' && !c.notifier.smtpUrl)
    throw new ConfigError('CUSTODIAN_SMTP_URL', 'is required when CUSTODIAN_NOTIFIER=smtp');
  if (c.notifier.kind === 'http' && !c.notifier.smsGatewayUrl)
    throw new ConfigError('CUSTODIAN_SMS_GATEWAY_URL', 'is required when CUSTODIAN_NOTIFIER=http');
  return c;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase());

/** The configuration with secrets masked, for `custodian config`. */
export function describeConfig(config: Config): Raw {
  const copy = JSON.parse(JSON.stringify(config)) as Raw;
  for (const key of SECRET_SETTINGS) {
    const v = getPath(copy, key);
    if (typeof v === 'string') setPath(copy, key, key === 'databaseUrl' ? maskUrl(v) : '********');
  }
  return copy;
}

function maskUrl(u: string): string {
  try {
    // libpq and gateways also take secrets as parameters (`?password=…`, `?token=…`).
    return maskUrlSecrets(new URL(u), '********').toString();
  } catch {
    return '********';
  }
}
