import type { Purpose } from './register.js';

/** What a purpose gains from one version to the next: each needs the person's consent again (PIPL 14). */
export interface Widening {
  purpose: string;
  categories: string[];
  methods: string[];
  recipients: string[];
}

/**
 * Purposes kept from `before` whose categories, methods or recipients grow in `after`: consents given under
 * `before` no longer cover them (PIPL 14; NDSR 22). New purposes are not listed: nobody consented to them yet.
 * @example wideningsBetween(v1.purposes, v2.purposes) // [{ purpose: 'marketing', categories: ['location'], … }]
 */
export function wideningsBetween(before: readonly Purpose[], after: readonly Purpose[]): Widening[] {
  const old = new Map(before.map((p) => [p.key, p]));
  const out: Widening[] = [];
  for (const p of after) {
    const then = old.get(p.key);
    if (!then) continue;
    const w = widening(then, p);
    if (w.categories.length || w.methods.length || w.recipients.length) out.push(w);
  }
  return out;
}

/** What `now` adds to the same purpose as it stood in `then`: categories, methods, recipients by name. */
export function widening(then: Purpose, now: Purpose): Widening {
  return {
    purpose: now.key,
    categories: now.categories.filter((c) => !then.categories.includes(c)),
    methods: now.methods.filter((m) => !then.methods.includes(m)),
    recipients: now.recipients
      .filter((r) => !then.recipients.some((t) => t.name === r.name))
      .map((r) => r.name),
  };
}
