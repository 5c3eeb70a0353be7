/**
 * Who may do what, in one place. Routes name the permission they need; roles and API-key scopes are sets
 * of permissions. The auditor reads everything and changes nothing.
 */
export const PERMISSIONS = [
  'users:read',
  'users:write',
  'apikeys:read',
  'apikeys:write',
  'audit:read',
  'audit:export',
  'jobs:read',
  'jobs:write',
  'webhooks:read',
  'webhooks:write',
  'outbox:read',
  'settings:read',
  'pii:scan',
  'subjects:read',
  'subjects:reveal',
  'subjects:write',
  'subjects:export',
  'subjects:erase',
  'transfers:read',
  'transfers:write',
  'screen',
  'rulesets:read',
  'rulesets:write',
  'cases:read',
  'cases:decide',
  'reports:read',
  'reports:write',
  'purposes:read',
  'purposes:write',
  'rules:publish',
  'consents:read',
  'consents:write',
  'purpose:check',
  'retention:read',
  'retention:write',
  'retention:apply',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = [
  'admin',
  'privacy_officer',
  'moderator',
  'security_officer',
  'authority_liaison',
  'auditor',
] as const;

export type Role = (typeof ROLES)[number];

const READ_ONLY = PERMISSIONS.filter((p) => p.endsWith(':read') || p === 'audit:export');

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  privacy_officer: new Set<Permission>([
    'audit:read',
    'audit:export',
    'outbox:read',
    'webhooks:read',
    'settings:read',
    'pii:scan',
    'subjects:read',
    'subjects:reveal',
    'subjects:write',
    'subjects:export',
    'subjects:erase',
    'transfers:read',
    'transfers:write',
    'purposes:read',
    'purposes:write',
    'rules:publish',
    'consents:read',
    'consents:write',
    'purpose:check',
    // PIPL 19, 47: the privacy officer reviews and applies the retention sweep.
    'retention:read',
    'retention:write',
    'retention:apply',
  ]),
  moderator: new Set<Permission>([
    'outbox:read',
    'webhooks:read',
    'rulesets:read',
    'rulesets:write',
    'cases:read',
    'cases:decide',
    'reports:read',
  ]),
  security_officer: new Set<Permission>([
    'audit:read',
    'audit:export',
    'jobs:read',
    'jobs:write',
    'webhooks:read',
    'settings:read',
    'users:read',
    'pii:scan',
    'subjects:read',
    'cases:read',
    'reports:read',
  ]),
  // Art. 10: producing data for a competent authority means reading it, with a stated purpose.
  authority_liaison: new Set<Permission>([
    'audit:read',
    'audit:export',
    'settings:read',
    'subjects:read',
    'subjects:reveal',
    'transfers:read',
    'cases:read',
    'reports:read',
    'reports:write',
  ]),
  auditor: new Set<Permission>(READ_ONLY),
};

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '管理员', en: 'Administrator' },
  privacy_officer: { zh: '个人信息保护负责人', en: 'Privacy officer' },
  moderator: { zh: '内容审核员', en: 'Moderator' },
  security_officer: { zh: '安全负责人', en: 'Security officer' },
  authority_liaison: { zh: '主管部门联络人', en: 'Authority liaison' },
  auditor: { zh: '审计员（只读）', en: 'Auditor (read-only)' },
};

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);
export const isPermission = (p: string): p is Permission => (PERMISSIONS as readonly string[]).includes(p);

/** Scopes as written by a person (`all` or a list) → the permission set of an API key. */
export function resolveScopes(scopes: readonly string[]): Permission[] {
  if (scopes.includes('all')) return [...PERMISSIONS];
  const bad = scopes.filter((s) => !isPermission(s));
  if (bad.length)
    throw new Error(`unknown scope ${bad.join(', ')}; known scopes: all, ${PERMISSIONS.join(', ')}`);
  return [...new Set(scopes as Permission[])];
}
