import { hash, randomBytes, randomUUID } from 'node:crypto';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import type { ActorRef } from '../audit/actor.js';
import type { AuditLog } from '../audit/service.js';
import type { Config } from '../config/config.js';
import type { KeyRing } from '../crypto/keyring.js';
import type { Db } from '../db/database.js';
import type { UserTable } from '../db/schema.js';
import { escapeLike, likeEscaped } from '../db/like.js';
import { nowIso, transact, type Tx } from '../db/transaction.js';
import { AppError, badRequest, conflict, isUniqueViolation, notFound } from '../http/errors.js';
import { burnPasswordCheck, checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import { isRole, resolveScopes, ROLE_PERMISSIONS, type Permission, type Role } from './permissions.js';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  totpEnabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  /** Locked out by repeated failed sign-ins (an administrator can lift it). */
  locked?: boolean;
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The authenticated party of a request. */
export interface Principal {
  actor: ActorRef;
  permissions: ReadonlySet<Permission>;
  user?: UserView;
  session?: { id: string; csrfToken: string; mustEnrollTotp: boolean };
  apiKey?: { id: string; name: string };
}

/** A resolved API key: who it is, and until when that may be trusted without asking the database again. */
export interface KeyGrant {
  readonly hash: string;
  readonly principal: Principal;
  readonly expires: number;
}

export interface RequestInfo {
  ip: string;
  userAgent?: string;
  requestId?: string;
}

/** How long a resolved API key is trusted without asking the database again. */
const API_KEY_CACHE_MS = 5_000;

// One-shot hashing: API keys are hashed on every request that carries one.
const sha256 = (s: string) => hash('sha256', s, 'hex');
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const API_KEY = /^cus_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

export const invalidCredentials = () =>
  new AppError(401, 'invalid_credentials', 'Wrong username or password');

export function toUserView(u: UserTable): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role as Role,
    disabled: u.disabled === 1,
    totpEnabled: u.totp_enabled === 1,
    lastLoginAt: u.last_login_at,
    createdAt: u.created_at,
  };
}

/** Staff users, sessions, login throttling, TOTP and API keys. */
export class AccountService {
  private readonly keyCache = new Map<string, KeyGrant>();

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly keys: KeyRing,
    private readonly audit: AuditLog,
  ) {}

  async setupNeeded(): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
    return !row;
  }

  /** Creates the first administrator; refused once any user exists. */
  async setup(
    input: { username: string; displayName?: string; password: string },
    req: RequestInfo,
  ): Promise<UserView> {
    return transact(this.db, async (tx) => {
      // The audit head lock serialises two concurrent setups; only the first finds no users.
      await this.audit.append(tx, {
        action: 'setup.start',
        actor: { type: 'public', id: null },
        requestId: req.requestId,
      });
      const any = await tx.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
      if (any) throw new AppError(409, 'setup_done', 'Custodian is already set up; sign in instead');
      return this.insertUser(tx, { ...input, role: 'admin' }, { type: 'public', id: null }, req.requestId);
    });
  }

  async createUser(
    actor: ActorRef,
    input: { username: string; displayName?: string; password: string; role: string },
    requestId?: string,
  ): Promise<UserView> {
    return transact(this.db, (tx) => this.insertUser(tx, input, actor, requestId));
  }

  private async insertUser(
    tx: Tx,
    input: { username: string; displayName?: string; password: string; role: string },
    actor: ActorRef,
    requestId?: string,
  ): Promise<UserView> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username))
      throw badRequest(
        'invalid_username',
        'username must be 3-64 characters: lower-case letters, digits, dot, dash, underscore',
        'username',
      );
    if (!isRole(input.role))
      throw badRequest(
        'invalid_role',
        `role must be one of ${Object.keys(ROLE_PERMISSIONS).join(', ')}`,
        'role',
      );
    checkPasswordPolicy(input.password, username);
    const now = nowIso();
    const row: UserTable = {
      id: randomUUID(),
      username,
      display_name: (input.displayName ?? '').trim() || username,
      role: input.role,
      password_hash: await hashPassword(input.password),
      totp_secret: null,
      totp_enabled: 0,
      disabled: 0,
      last_login_at: null,
      password_changed_at: now,
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('users').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw conflict('username_taken', `username ${username} is taken`, 'username');
      throw err;
    }
    await this.audit.append(tx, {
      action: 'user.create',
      actor,
      requestId,
      target: { type: 'user', id: row.id },
      details: { role: row.role },
    });
    return toUserView(row);
  }

  async listUsers(opts: { q?: string; role?: string; limit: number; offset: number }) {
    let q = this.db.selectFrom('users');
    if (opts.q) {
      const like = `%${escapeLike(opts.q.toLowerCase())}%`;
      q = q.where((eb) =>
        eb.or([likeEscaped(eb.ref('username'), like), likeEscaped(eb.fn('lower', ['display_name']), like)]),
      );
    }
    if (opts.role) q = q.where('role', '=', opts.role);
    const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q.selectAll().orderBy('username').limit(opts.limit).offset(opts.offset).execute();
    return { total, items: await this.withLockState(rows) };
  }

  async getUser(id: string): Promise<UserView> {
    const u = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!u) throw notFound('User');
    return (await this.withLockState([u]))[0];
  }

  /** Adds whether each account is locked out by failed sign-ins, for the console's unlock button. */
  private async withLockState(rows: UserTable[]): Promise<UserView[]> {
    if (!rows.length) return [];
    const keys = rows.map((u) => this.accountKey(u.username));
    const locked = await this.db
      .selectFrom('login_throttle')
      .select('key')
      .where('key', 'in', keys)
      .where('locked_until', '>', nowIso())
      .execute();
    const set = new Set(locked.map((l) => l.key));
    return rows.map((u, i) => ({ ...toUserView(u), locked: set.has(keys[i]) }));
  }

  async updateUser(
    actor: ActorRef,
    id: string,
    patch: { displayName?: string; role?: string; disabled?: boolean },
    requestId?: string,
  ): Promise<UserView> {
    if (patch.role !== undefined && !isRole(patch.role))
      throw badRequest(
        'invalid_role',
        `role must be one of ${Object.keys(ROLE_PERMISSIONS).join(', ')}`,
        'role',
      );
    return transact(this.db, async (tx) => {
      const u = await tx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!u) throw notFound('User');
      const demotes = (patch.role && patch.role !== 'admin') || patch.disabled === true;
      if (u.role === 'admin' && demotes) {
        const admins = await tx.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('role', '=', 'admin')
          .where('disabled', '=', 0)
          .executeTakeFirstOrThrow();
        if (Number(admins.n) <= 1)
          throw conflict('last_admin', 'The last active administrator cannot be demoted or disabled', 'role');
      }
      const set: Partial<UserTable> = { updated_at: nowIso() };
      if (patch.displayName !== undefined) set.display_name = patch.displayName.trim() || u.username;
      if (patch.role !== undefined) set.role = patch.role;
      if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
      await tx.db.updateTable('users').set(set).where('id', '=', id).execute();
      // A disabled user or a changed role must not keep sessions made under the old rights.
      if (patch.disabled || (patch.role && patch.role !== u.role))
        await tx.db.deleteFrom('sessions').where('user_id', '=', id).execute();
      await this.audit.append(tx, {
        action: 'user.update',
        actor,
        requestId,
        target: { type: 'user', id },
        details: {
          fields: Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined),
          role: patch.role,
          disabled: patch.disabled,
        },
      });
      return toUserView({ ...u, ...set } as UserTable);
    });
  }

  /** Lifts a login lockout (the account's throttle row). */
  async unlock(actor: ActorRef, id: string, requestId?: string): Promise<void> {
    await transact(this.db, async (tx) => {
      const u = await tx.db
        .selectFrom('users')
        .select(['id', 'username'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!u) throw notFound('User');
      await tx.db.deleteFrom('login_throttle').where('key', '=', this.accountKey(u.username)).execute();
      await this.audit.append(tx, { action: 'user.unlock', actor, requestId, target: { type: 'user', id } });
    });
  }

  async resetPassword(actor: ActorRef, id: string, password: string, requestId?: string): Promise<void> {
    await transact(this.db, async (tx) => {
      const u = await tx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!u) throw notFound('User');
      checkPasswordPolicy(password, u.username);
      const now = nowIso();
      await tx.db
        .updateTable('users')
        .set({ password_hash: await hashPassword(password), password_changed_at: now, updated_at: now })
        .where('id', '=', id)
        .execute();
      await tx.db.deleteFrom('sessions').where('user_id', '=', id).execute();
      await this.audit.append(tx, {
        action: 'user.password.reset',
        actor,
        requestId,
        target: { type: 'user', id },
      });
    });
  }

  private accountKey(username: string) {
    return `acct:${this.keys.digest('login-account', username.trim().toLowerCase())}`;
  }
  private ipKey(ip: string) {
    return `ip:${this.keys.digest('login-ip', ip)}`;
  }

  private async throttled(key: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('login_throttle')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    return !!row?.locked_until && row.locked_until > nowIso();
  }

  private async recordFailure(tx: Tx, key: string, max: number): Promise<void> {
    const now = new Date();
    const windowMs = this.config.login.lockoutMinutes * 60_000;
    const row = await tx.db
      .selectFrom('login_throttle')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    const fresh = !row || Date.parse(row.window_start) + windowMs < now.getTime();
    const failures = fresh ? 1 : row!.failures + 1;
    const locked_until = failures >= max ? new Date(now.getTime() + windowMs).toISOString() : null;
    if (!row)
      await tx.db
        .insertInto('login_throttle')
        .values({ key, failures, window_start: now.toISOString(), locked_until })
        .execute();
    else
      await tx.db
        .updateTable('login_throttle')
        .set({ failures, window_start: fresh ? now.toISOString() : row.window_start, locked_until })
        .where('key', '=', key)
        .execute();
  }

  /**
   * Signs in. The same 401 answers a wrong password and an unknown user; an account or an address with too
   * many failures is locked for `login.lockoutMinutes` (unknown usernames lock the same way, so locking
   * reveals nothing either).
   */
  async login(
    input: { username: string; password: string; totp?: string },
    req: RequestInfo,
  ): Promise<{ token: string; principal: Principal }> {
    const username = input.username.trim().toLowerCase();
    const aKey = this.accountKey(username);
    const iKey = this.ipKey(req.ip);
    if ((await this.throttled(iKey)) || (await this.throttled(aKey)))
      throw new AppError(429, 'too_many_attempts', 'Too many failed sign-in attempts; try again later');
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    const ok = user && user.disabled === 0 ? await verifyPassword(user.password_hash, input.password) : false;
    if (!user || user.disabled === 1) await burnPasswordCheck(input.password);

    const fail = async (reason: string, err: AppError) => {
      await transact(this.db, async (tx) => {
        await this.recordFailure(tx, aKey, this.config.login.maxFailuresPerAccount);
        await this.recordFailure(tx, iKey, this.config.login.maxFailuresPerIp);
        await this.audit.append(tx, {
          action: 'auth.login.failed',
          actor: { type: 'public', id: null },
          requestId: req.requestId,
          target: user ? { type: 'user', id: user.id } : undefined,
          details: { reason, ip: this.keys.digest('audit-ip', req.ip) },
        });
      });
      throw err;
    };
    if (!ok || !user) return fail(user ? 'password' : 'unknown_user', invalidCredentials());
    if (user.totp_enabled === 1) {
      if (!input.totp) throw new AppError(401, 'totp_required', 'Enter the code from your authenticator app');
      const secret = this.keys.open(user.totp_secret!, `totp:${user.id}`).toString();
      const step = await checkTotp(secret, input.totp, user.totp_last_step);
      if (step === null)
        return fail('totp', new AppError(401, 'invalid_totp', 'The authenticator code is wrong or expired'));
      await this.db.updateTable('users').set({ totp_last_step: step }).where('id', '=', user.id).execute();
    }
    const mustEnrollTotp = this.config.requireAdminTotp && user.role === 'admin' && user.totp_enabled === 0;
    return transact(this.db, async (tx) => {
      await tx.db.deleteFrom('login_throttle').where('key', '=', aKey).execute();
      await tx.db.updateTable('users').set({ last_login_at: nowIso() }).where('id', '=', user.id).execute();
      const { token, session } = await this.createSession(tx, user.id, req, !mustEnrollTotp);
      await this.audit.append(tx, {
        action: 'auth.login',
        actor: { type: 'user', id: user.id },
        requestId: req.requestId,
        target: { type: 'user', id: user.id },
        details: { ip: this.keys.digest('audit-ip', req.ip), totp: user.totp_enabled === 1 },
      });
      return {
        token,
        principal: this.userPrincipal(user, {
          id: session.id,
          csrfToken: session.csrf_token,
          mustEnrollTotp,
        }),
      };
    });
  }

  private async createSession(tx: Tx, userId: string, req: RequestInfo, verified: boolean) {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const session = {
      id: sha256(token),
      user_id: userId,
      csrf_token: randomBytes(24).toString('base64url'),
      verified: verified ? 1 : 0,
      ip_hash: this.keys.digest('session-ip', req.ip),
      user_agent: req.userAgent?.slice(0, 200) ?? null,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + this.config.session.absoluteHours * 3_600_000).toISOString(),
    };
    await tx.db.insertInto('sessions').values(session).execute();
    return { token, session };
  }

  userPrincipal(user: UserTable, session?: Principal['session']): Principal {
    return {
      actor: { type: 'user', id: user.id },
      permissions: session?.mustEnrollTotp ? new Set() : ROLE_PERMISSIONS[user.role as Role],
      user: toUserView(user),
      session,
    };
  }

  /** Resolves a session cookie, enforcing idle and absolute expiry. */
  async authenticateSession(token: string): Promise<Principal | null> {
    const id = sha256(token);
    const s = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s) return null;
    const now = Date.now();
    const idleLimit = Date.parse(s.last_seen_at) + this.config.session.idleMinutes * 60_000;
    if (Date.parse(s.expires_at) < now || idleLimit < now) {
      await this.db.deleteFrom('sessions').where('id', '=', id).execute();
      return null;
    }
    const user = await this.db.selectFrom('users').selectAll().where('id', '=', s.user_id).executeTakeFirst();
    if (!user || user.disabled === 1) return null;
    // Touch at most once a minute: idle expiry needs no finer grain, and reads stay reads.
    if (now - Date.parse(s.last_seen_at) > 60_000)
      await this.db
        .updateTable('sessions')
        .set({ last_seen_at: new Date(now).toISOString() })
        .where('id', '=', id)
        .execute();
    return this.userPrincipal(user, { id, csrfToken: s.csrf_token, mustEnrollTotp: s.verified === 0 });
  }

  async logout(p: Principal, everywhere: boolean, requestId?: string): Promise<void> {
    if (!p.session || !p.user) return;
    await transact(this.db, async (tx) => {
      if (everywhere) await tx.db.deleteFrom('sessions').where('user_id', '=', p.user!.id).execute();
      else await tx.db.deleteFrom('sessions').where('id', '=', p.session!.id).execute();
      await this.audit.append(tx, {
        action: everywhere ? 'auth.logout.everywhere' : 'auth.logout',
        actor: p.actor,
        requestId,
        target: { type: 'user', id: p.user!.id },
      });
    });
  }

  async changePassword(p: Principal, current: string, next: string, requestId?: string): Promise<void> {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', p.user!.id)
      .executeTakeFirstOrThrow();
    if (!(await verifyPassword(user.password_hash, current)))
      throw new AppError(400, 'wrong_password', 'currentPassword is wrong', { field: 'currentPassword' });
    checkPasswordPolicy(next, user.username, 'newPassword');
    await transact(this.db, async (tx) => {
      const now = nowIso();
      await tx.db
        .updateTable('users')
        .set({ password_hash: await hashPassword(next), password_changed_at: now, updated_at: now })
        .where('id', '=', user.id)
        .execute();
      // Other sessions end; this one stays.
      await tx.db
        .deleteFrom('sessions')
        .where('user_id', '=', user.id)
        .where('id', '!=', p.session!.id)
        .execute();
      await this.audit.append(tx, {
        action: 'user.password.change',
        actor: p.actor,
        requestId,
        target: { type: 'user', id: user.id },
      });
    });
  }

  /** Starts TOTP enrolment: a new secret (sealed) and the otpauth:// URI for the authenticator app. */
  async beginTotp(p: Principal): Promise<{ secret: string; uri: string }> {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', p.user!.id)
      .executeTakeFirstOrThrow();
    if (user.totp_enabled) throw conflict('totp_enabled', 'Two-factor authentication is already on');
    const secret = generateSecret();
    await this.db
      .updateTable('users')
      .set({ totp_secret: this.keys.seal(secret, `totp:${user.id}`), updated_at: nowIso() })
      .where('id', '=', user.id)
      .execute();
    return {
      secret,
      uri: generateURI({
        issuer:
          this.config.providerName === 'Custodian' ? 'Custodian' : `${this.config.providerName} (Custodian)`,
        label: user.username,
        secret,
      }),
    };
  }

  async enableTotp(p: Principal, code: string, requestId?: string): Promise<void> {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', p.user!.id)
      .executeTakeFirstOrThrow();
    if (!user.totp_secret) throw badRequest('totp_not_started', 'Start enrolment first', 'code');
    const secret = this.keys.open(user.totp_secret, `totp:${user.id}`).toString();
    const step = await checkTotp(secret, code, user.totp_last_step);
    if (step === null) throw badRequest('invalid_totp', 'code is wrong or expired', 'code');
    await transact(this.db, async (tx) => {
      await tx.db
        .updateTable('users')
        .set({ totp_enabled: 1, totp_last_step: step, updated_at: nowIso() })
        .where('id', '=', user.id)
        .execute();
      if (p.session)
        await tx.db.updateTable('sessions').set({ verified: 1 }).where('id', '=', p.session.id).execute();
      await this.audit.append(tx, {
        action: 'user.totp.enable',
        actor: p.actor,
        requestId,
        target: { type: 'user', id: user.id },
      });
    });
  }

  async disableTotp(p: Principal, password: string, requestId?: string): Promise<void> {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', p.user!.id)
      .executeTakeFirstOrThrow();
    if (!(await verifyPassword(user.password_hash, password)))
      throw new AppError(400, 'wrong_password', 'password is wrong', { field: 'password' });
    if (this.config.requireAdminTotp && user.role === 'admin')
      throw conflict('totp_required', 'Administrators must keep two-factor authentication on');
    await transact(this.db, async (tx) => {
      await tx.db
        .updateTable('users')
        .set({ totp_enabled: 0, totp_secret: null, updated_at: nowIso() })
        .where('id', '=', user.id)
        .execute();
      await this.audit.append(tx, {
        action: 'user.totp.disable',
        actor: p.actor,
        requestId,
        target: { type: 'user', id: user.id },
      });
    });
  }

  // ---- API keys ----

  async createApiKey(
    actor: ActorRef,
    input: { name: string; scopes: string[] },
    requestId?: string,
  ): Promise<ApiKeyView & { key: string }> {
    const name = input.name.trim();
    if (!name || name.length > 100) throw badRequest('invalid_name', 'name must be 1-100 characters', 'name');
    if (!input.scopes.length)
      throw badRequest('invalid_scopes', 'scopes must name at least one scope', 'scopes');
    let scopes: string[];
    try {
      scopes = input.scopes.includes('all') ? ['all'] : resolveScopes(input.scopes);
    } catch (err) {
      throw badRequest('invalid_scopes', `scopes: ${(err as Error).message}`, 'scopes');
    }
    const prefix = randomBytes(6).toString('hex').slice(0, 8);
    const key = `cus_${prefix}_${randomBytes(32).toString('base64url')}`;
    const row = {
      id: randomUUID(),
      name,
      prefix,
      key_hash: sha256(key),
      scopes: JSON.stringify(scopes),
      created_by: actor.id,
      created_at: nowIso(),
      last_used_at: null,
      revoked_at: null,
    };
    await transact(this.db, async (tx) => {
      await tx.db.insertInto('api_keys').values(row).execute();
      await this.audit.append(tx, {
        action: 'apikey.create',
        actor,
        requestId,
        target: { type: 'api_key', id: row.id },
        details: { scopes, prefix },
      });
    });
    return { ...toKeyView(row), key };
  }

  async listApiKeys(): Promise<ApiKeyView[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute();
    return rows.map(toKeyView);
  }

  async revokeApiKey(actor: ActorRef, id: string, requestId?: string): Promise<ApiKeyView> {
    return transact(this.db, async (tx) => {
      const row = await tx.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('API key');
      // Revoking again changes nothing, so it records nothing: the first revocation stands with its time.
      if (row.revoked_at) return toKeyView(row);
      const revoked_at = nowIso();
      await tx.db.updateTable('api_keys').set({ revoked_at }).where('id', '=', id).execute();
      tx.onCommit(() => void this.keyCache.delete(row.key_hash));
      await this.audit.append(tx, {
        action: 'apikey.revoke',
        actor,
        requestId,
        target: { type: 'api_key', id },
      });
      return toKeyView({ ...row, revoked_at });
    });
  }

  /**
   * Resolves an API key. Keys are cached for a few seconds by hash, so the provider's hot paths (the gate,
   * purpose checks) do no database read per request; a revocation here takes effect at once, on other
   * instances within the cache lifetime.
   */
  async authenticateApiKey(key: string): Promise<Principal | null> {
    return (await this.resolveApiKey(key))?.principal ?? null;
  }

  /** As `authenticateApiKey`, with the grant itself, which `grantStands` can confirm later without hashing. */
  async resolveApiKey(key: string): Promise<KeyGrant | null> {
    if (!API_KEY.test(key)) return null;
    const hash = sha256(key);
    const now = Date.now();
    const hit = this.keyCache.get(hash);
    if (hit && hit.expires > now) return hit;
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_hash', '=', hash)
      .executeTakeFirst();
    if (!row || row.revoked_at) {
      this.keyCache.delete(hash);
      return null;
    }
    if (!row.last_used_at || now - Date.parse(row.last_used_at) > 60_000)
      await this.db
        .updateTable('api_keys')
        .set({ last_used_at: new Date(now).toISOString() })
        .where('id', '=', row.id)
        .execute();
    const grant: KeyGrant = {
      hash,
      principal: {
        actor: { type: 'api_key', id: row.id },
        permissions: new Set(resolveScopes(JSON.parse(row.scopes) as string[])),
        apiKey: { id: row.id, name: row.name },
      },
      expires: now + API_KEY_CACHE_MS,
    };
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(hash, grant);
    return grant;
  }

  /**
   * Whether a grant handed out earlier still holds: not expired and still the cached one (a revocation, a
   * refresh or a cleared cache replaces it). Synchronous and without hashing, for the per-connection memo.
   */
  grantStands(grant: KeyGrant, now = Date.now()): boolean {
    return grant.expires > now && this.keyCache.get(grant.hash) === grant;
  }
}

/** Checks a code; returns the time step it belongs to, refusing steps at or before `after` (replays). */
async function checkTotp(secret: string, token: string, after?: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(token)) return null;
  try {
    // One step of drift either way: phones' clocks are rarely exact.
    const r = (await verifyTotp({
      secret,
      token,
      epochTolerance: 30,
      afterTimeStep: after ?? undefined,
    } as never)) as { valid: boolean; timeStep?: number };
    return r.valid ? (r.timeStep ?? 0) : null;
  } catch {
    return null;
  }
}

function toKeyView(r: {
  id: string;
  name: string;
  prefix: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}): ApiKeyView {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: JSON.parse(r.scopes) as string[],
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}
