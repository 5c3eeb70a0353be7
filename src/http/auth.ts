import { parseCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError, forbidden, unauthorized } from './errors.js';

export const SESSION_COOKIE = 'custodian_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves who is calling (an API key in `Authorization: Bearer`, else the session cookie) and decides,
 * from the route's `config`, whether they may. Runs before body validation, so an anonymous caller learns
 * nothing about a route's input.
 */
export function authHook(ctx: AppContext) {
  return async function authenticate(req: FastifyRequest, _reply: FastifyReply) {
    req.principal = null;
    // One read: `routeOptions` builds a new frozen object on every access.
    const route = req.routeOptions;
    const cfg = route.config;
    // Unmatched paths fall through to the 404 handler.
    if (!req.url.startsWith('/api/v1') || !route.url) return;
    // Portal routes know only the portal cookie (checked by their own plugin): staff credentials mean nothing there.
    if (cfg.portal) return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      req.principal = await ctx.accounts.authenticateApiKey(auth.slice(7).trim());
      if (!req.principal && !cfg.public)
        throw new AppError(401, 'invalid_api_key', 'The API key is unknown or revoked');
    } else {
      // Parsed here, not by a cookie plugin on every route: only the routes that set cookies (sign-in, portal)
      // carry that plugin, so API-key calls pay for no cookie hooks.
      const header = req.headers.cookie;
      const token = header ? parseCookie(header)[SESSION_COOKIE] : undefined;
      if (token) req.principal = await ctx.accounts.authenticateSession(token);
    }
    if (cfg.public) return;
    const p = req.principal;
    if (!p) throw unauthorized();
    if (p.session) {
      // Synchronizer token: a state-changing request must echo the session's CSRF token in a header.
      if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== p.session.csrfToken)
        throw new AppError(403, 'csrf', 'Missing or wrong X-CSRF-Token header');
      if (p.session.mustEnrollTotp && !cfg.allowUnverified)
        throw new AppError(
          403,
          'totp_enrolment_required',
          'Administrators must set up two-factor authentication first',
        );
    }
    if (cfg.session) {
      if (!p.session)
        throw new AppError(
          403,
          'session_required',
          'This action needs a signed-in staff user, not an API key',
        );
      return;
    }
    if (!cfg.permission) throw forbidden('(none declared)');
    if (!p.permissions.has(cfg.permission)) throw forbidden(cfg.permission);
  };
}
