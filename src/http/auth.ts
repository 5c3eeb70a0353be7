import type { Socket } from 'node:net';
import { parseCookie } from 'cookie';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { KeyGrant, Principal } from '../accounts/service.js';
import type { AppContext } from '../context.js';
import { AppError, forbidden, unauthorized } from './errors.js';

export const SESSION_COOKIE = 'custodian_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type RouteConfig = FastifyRequest['routeOptions']['config'];

/**
 * Resolves who is calling (an API key in `Authorization: Bearer`, else the session cookie) and decides,
 * from the route's `config`, whether they may. Runs before body validation, so an anonymous caller learns
 * nothing about a route's input.
 *
 * Callback style, so a request on a connection whose API key is already known finishes the hook without a
 * promise: the gate and the purpose check pass through here on every call.
 */
export function authHook(ctx: AppContext) {
  // Per connection: the last `Authorization` header and the grant it resolved to. Keep-alive clients send the
  // same key on every request; while the grant stands (not expired, not revoked) the key is neither hashed
  // nor looked up again. The memo goes with the connection.
  const memos = new WeakMap<Socket, { header: string; grant: KeyGrant }>();

  const finish = (req: FastifyRequest, cfg: RouteConfig, principal: Principal | null) => {
    req.principal = principal;
    return cfg.public ? null : decide(principal, req.method, req.headers['x-csrf-token'], cfg);
  };

  return function authenticate(req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    req.principal = null;
    // One read: `routeOptions` builds a new frozen object on every access.
    const route = req.routeOptions;
    const cfg = route.config;
    // Unmatched paths fall through to the 404 handler.
    if (!req.url.startsWith('/api/v1') || !route.url) return done();
    // Portal routes know only the portal cookie (checked by their own plugin): staff credentials mean nothing there.
    if (cfg.portal) return done();
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const socket = req.raw.socket;
      const memo = memos.get(socket);
      if (memo !== undefined && memo.header === auth && ctx.accounts.grantStands(memo.grant))
        return done(finish(req, cfg, memo.grant.principal) ?? undefined);
      ctx.accounts.resolveApiKey(auth.slice(7).trim()).then((grant) => {
        if (!grant) {
          memos.delete(socket);
          if (!cfg.public)
            return done(new AppError(401, 'invalid_api_key', 'The API key is unknown or revoked'));
          return done();
        }
        memos.set(socket, { header: auth, grant });
        done(finish(req, cfg, grant.principal) ?? undefined);
      }, done);
      return;
    }
    // Parsed here, not by a cookie plugin on every route: only the routes that set cookies (sign-in, portal)
    // carry that plugin, so API-key calls pay for no cookie hooks.
    const header = req.headers.cookie;
    const token = header ? parseCookie(header)[SESSION_COOKIE] : undefined;
    if (!token) return done(finish(req, cfg, null) ?? undefined);
    ctx.accounts
      .authenticateSession(token)
      .then((principal) => done(finish(req, cfg, principal) ?? undefined), done);
  };
}

/** Whether a caller may use a route that is not public: the error to answer with, or null. */
function decide(
  p: Principal | null,
  method: string,
  csrfHeader: string | string[] | undefined,
  cfg: RouteConfig,
): AppError | null {
  if (!p) return unauthorized();
  if (p.session) {
    // Synchronizer token: a state-changing request must echo the session's CSRF token in a header.
    if (!SAFE_METHODS.has(method) && csrfHeader !== p.session.csrfToken)
      return new AppError(403, 'csrf', 'Missing or wrong X-CSRF-Token header');
    if (p.session.mustEnrollTotp && !cfg.allowUnverified)
      return new AppError(
        403,
        'totp_enrolment_required',
        'Administrators must set up two-factor authentication first',
      );
  }
  if (cfg.session) {
    if (!p.session)
      return new AppError(
        403,
        'session_required',
        'This action needs a signed-in staff user, not an API key',
      );
    return null;
  }
  if (!cfg.permission) return forbidden('(none declared)');
  if (!p.permissions.has(cfg.permission)) return forbidden(cfg.permission);
  return null;
}
