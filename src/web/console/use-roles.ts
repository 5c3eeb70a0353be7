import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { useLoad } from '../use-load.js';

export interface RoleInfo {
  role: string;
  labelZh: string;
  labelEn: string;
  permissions: string[];
}

/** Roles with their labels and permissions, and every permission (API-key scopes), from the server. */
export function useRoles() {
  const { i18n } = useTranslation();
  const loaded = useLoad(() => call(api.GET('/api/v1/roles')), []);
  const roles: RoleInfo[] = loaded.data?.roles ?? [];
  const label = (role: string) => {
    const r = roles.find((x) => x.role === role);
    if (!r) return role;
    return i18n.language.startsWith('zh') ? r.labelZh : r.labelEn;
  };
  return { roles, permissions: loaded.data?.permissions ?? [], label, error: loaded.error };
}
