import type { CustodianClient } from './index.js';
import type { paths } from './schema.js';

// The server names the categories it accepts (the register's); a check with any other is answered 400.
type Categories =
  paths['/api/v1/purpose-check']['post']['requestBody']['content']['application/json']['categories'];

export interface PurposeQuery {
  /** The provider's reference for the person. */
  subject: string;
  purpose: string;
  categories: string[];
}

export interface PurposeDecision {
  allowed: boolean;
  /** What is missing, each a stable code, e.g. `consent_withdrawn`, `category_not_in_scope:location`. */
  reasons: string[];
}

export interface PurposeCheckerOptions {
  /** How long a check may wait for others to share its request; 0 (default) gathers one turn of the loop. */
  windowMs?: number;
  /** Most subjects in one request (the batch route takes up to 1,000). */
  maxBatch?: number;
}

/** A purpose check the server refused to answer (bad input, missing permission, server error). */
export class PurposeCheckError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'PurposeCheckError';
  }
}

interface Waiting {
  subject: string;
  resolve: (d: PurposeDecision) => void;
  reject: (err: unknown) => void;
}

interface Group {
  purpose: string;
  categories: string[];
  waiting: Waiting[];
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * The purpose check for a provider's own code: call `check()` wherever personal information is about to be
 * used, as often as needed. Concurrent checks of the same purpose and categories travel as one batch request,
 * so a page that checks a hundred people costs one round trip. Every decision is the server's: nothing is
 * decided or remembered here, so a withdrawal counts at the next check and every denial is audited (Decision
 * art. 2; PIPL 14, 15).
 * @example
 * const checker = createPurposeChecker(createClient({ baseUrl, apiKey }));
 * const { allowed, reasons } = await checker.check({ subject: 'u-17', purpose: 'marketing', categories: ['contact'] });
 */
export function createPurposeChecker(client: CustodianClient, opts: PurposeCheckerOptions = {}) {
  const windowMs = opts.windowMs ?? 0;
  const maxBatch = Math.min(Math.max(opts.maxBatch ?? 1000, 1), 1000);
  const groups = new Map<string, Group>();

  const fail = (status: number, body: unknown): PurposeCheckError => {
    const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    return new PurposeCheckError(status, e?.code, e?.message ?? `purpose check failed with HTTP ${status}`);
  };

  async function send(purpose: string, categories: string[], waiting: Waiting[]): Promise<void> {
    try {
      if (waiting.length === 1) {
        const { data, error, response } = await client.POST('/api/v1/purpose-check', {
          body: { subject: waiting[0].subject, purpose, categories: categories as Categories },
        });
        if (!data) throw fail(response.status, error);
        waiting[0].resolve({ allowed: data.allowed, reasons: data.reasons });
        return;
      }
      const { data, error, response } = await client.POST('/api/v1/purpose-check/batch', {
        body: { purpose, categories: categories as Categories, subjects: waiting.map((w) => w.subject) },
      });
      if (!data) throw fail(response.status, error);
      // Results come in the order of the subjects sent.
      waiting.forEach((w, i) => {
        const r = data.results[i];
        w.resolve({ allowed: r.allowed, reasons: r.reasons });
      });
    } catch (err) {
      for (const w of waiting) w.reject(err);
    }
  }

  function flush(key: string): void {
    const g = groups.get(key);
    if (!g) return;
    groups.delete(key);
    if (g.timer) clearTimeout(g.timer);
    for (let i = 0; i < g.waiting.length; i += maxBatch)
      void send(g.purpose, g.categories, g.waiting.slice(i, i + maxBatch));
  }

  return {
    /** May `purpose` use these categories of this person's information now? */
    check(q: PurposeQuery): Promise<PurposeDecision> {
      const categories = [...new Set(q.categories)].sort();
      const key = `${q.purpose}\u0000${categories.join('\u0000')}`;
      return new Promise<PurposeDecision>((resolve, reject) => {
        let g = groups.get(key);
        if (!g) {
          g = { purpose: q.purpose, categories, waiting: [], timer: null };
          groups.set(key, g);
          g.timer = setTimeout(() => flush(key), windowMs);
        }
        g.waiting.push({ subject: q.subject, resolve, reject });
        if (g.waiting.length >= maxBatch) flush(key);
      });
    },
  };
}

export type PurposeChecker = ReturnType<typeof createPurposeChecker>;
