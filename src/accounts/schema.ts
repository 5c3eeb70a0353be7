import { Type } from '@sinclair/typebox';
import { PERMISSIONS, ROLES } from './permissions.js';

export const RoleSchema = Type.Union(
  ROLES.map((r) => Type.Literal(r)),
  { description: 'Staff role' },
);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: Type.String(),
    disabled: Type.Boolean(),
    totpEnabled: Type.Boolean(),
    lastLoginAt: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    locked: Type.Optional(Type.Boolean()),
  },
  { $id: 'User' },
);

export const SessionSchema = Type.Object({
  user: Type.Ref('User'),
  permissions: Type.Array(Type.String()),
  csrfToken: Type.String(),
  mustEnrollTotp: Type.Boolean(),
});

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    totp: Type.Optional(Type.String({ maxLength: 10 })),
  },
  { additionalProperties: false },
);

export const NewUserBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 64 }),
    displayName: Type.Optional(Type.String({ maxLength: 100 })),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    role: RoleSchema,
  },
  { additionalProperties: false },
);

export const SetupBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 64 }),
    displayName: Type.Optional(Type.String({ maxLength: 100 })),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const UserPatch = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: 100 })),
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ScopeSchema = Type.Union([Type.Literal('all'), ...PERMISSIONS.map((p) => Type.Literal(p))]);

export const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String(),
    scopes: Type.Array(Type.String()),
    createdAt: Type.String(),
    lastUsedAt: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ApiKey' },
);

export const NewApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 64 }),
  },
  { additionalProperties: false },
);
