import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Permission } from '../accounts/permissions.js';
import type { Principal } from '../accounts/service.js';

/** The Fastify instance with TypeBox types, as route files see it. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs; checked in one place (src/http/auth.ts). */
    permission?: Permission;
    /** Open to anyone (portal, health, login, setup). */
    public?: boolean;
    /** Any signed-in staff user (profile, session). */
    session?: boolean;
    /** A person verified in the portal by a one-time code (its own cookie; src/portal/routes.ts checks it). */
    portal?: boolean;
    /** Reachable before a required second factor is enrolled. */
    allowUnverified?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}
