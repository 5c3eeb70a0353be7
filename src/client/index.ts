import createFetchClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { paths } from './schema.js';

export interface ClientOptions {
  /** e.g. https://privacy.example.cn; empty for the same origin (the console). */
  baseUrl?: string;
  /** API key for server-to-server calls. */
  apiKey?: string;
  /** CSRF token of a browser session (from login or /auth/session). */
  csrfToken?: () => string | null;
  fetch?: typeof fetch;
}

export type CustodianClient = Client<paths>;

/**
 * A typed client for the Custodian API, generated from its OpenAPI document.
 * @example
 * const custodian = createClient({ baseUrl: 'https://privacy.example.cn', apiKey: process.env.CUSTODIAN_KEY });
 * const { data, error } = await custodian.GET('/api/v1/audit', { params: { query: { limit: 20 } } });
 */
export function createClient(opts: ClientOptions = {}): CustodianClient {
  const client = createFetchClient<paths>({
    baseUrl: opts.baseUrl ?? '',
    fetch: opts.fetch,
    headers: opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : undefined,
    credentials: 'same-origin',
  });
  if (opts.csrfToken) {
    client.use({
      onRequest({ request }) {
        const token = opts.csrfToken!();
        if (token && request.method !== 'GET') request.headers.set('x-csrf-token', token);
        return request;
      },
    });
  }
  return client;
}

export {
  createPurposeChecker,
  PurposeCheckError,
  type PurposeChecker,
  type PurposeCheckerOptions,
  type PurposeDecision,
  type PurposeQuery,
} from './purpose-checker.js';
