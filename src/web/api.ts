import { createClient } from '../client/index.js';
import type { components, paths } from '../client/schema.js';

export type User = components['schemas']['User'];
export type ApiKey = components['schemas']['ApiKey'];
export type AuditEntry = components['schemas']['AuditEntry'];
export type Subject = components['schemas']['Subject'];
export type Transfer = components['schemas']['Transfer'];
export type Case = components['schemas']['Case'];
export type CaseDetail = NonNullable<
  paths['/api/v1/cases/{id}']['get']['responses'][200]['content']['application/json']
>;
export type RuleSet =
  paths['/api/v1/rule-sets']['get']['responses'][200]['content']['application/json']['items'][number];
export type RuleSetDetail =
  paths['/api/v1/rule-sets/{id}']['get']['responses'][200]['content']['application/json'];
export type RuleVersion = RuleSetDetail['versions'][number];
export type Report =
  paths['/api/v1/reports']['get']['responses'][200]['content']['application/json']['items'][number];
export type Role = NonNullable<
  paths['/api/v1/users']['post']['requestBody']
>['content']['application/json']['role'];
export type Scope = NonNullable<
  paths['/api/v1/api-keys']['post']['requestBody']
>['content']['application/json']['scopes'][number];

export interface SessionBody {
  user: User;
  permissions: string[];
  csrfToken: string;
  mustEnrollTotp: boolean;
}

// The CSRF token lives in memory only: the session cookie is HttpOnly, and a reload asks /auth/session again.
let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

/** The one client the web app uses; every state-changing call carries X-CSRF-Token. */
export const api = createClient({ csrfToken: () => csrfToken });

/** A failed API call: HTTP status, the server's stable code, its message, and the field it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** What the server said besides the field, e.g. the reasons a purpose check denied. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let onSessionLost: (() => void) | null = null;
/** Called when the server says the session is gone (expired, signed out elsewhere). */
export const whenSessionLost = (fn: (() => void) | null) => {
  onSessionLost = fn;
};

interface Result {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * Waits for an openapi-fetch call and returns its data, or throws an ApiError.
 * @example const meta = await call(api.GET('/api/v1/meta'));
 */
export async function call<R extends Result>(request: Promise<R>): Promise<NonNullable<R['data']>> {
  let result: R;
  try {
    result = await request;
  } catch (err) {
    throw new ApiError(0, 'network', (err as Error).message || 'Network error');
  }
  const { data, error, response } = result;
  if (response.ok) return data as NonNullable<R['data']>;
  const body = (error ?? {}) as {
    error?: { code?: string; message?: string; details?: Record<string, unknown> & { field?: unknown } };
  };
  const e = body.error;
  const field = typeof e?.details?.field === 'string' ? e.details.field.replace(/^body\./, '') : undefined;
  const apiError = new ApiError(
    response.status,
    e?.code ?? `http_${response.status}`,
    e?.message ?? response.statusText,
    field,
    e?.details ?? {},
  );
  if (response.status === 401 && apiError.code === 'unauthorized') onSessionLost?.();
  throw apiError;
}
