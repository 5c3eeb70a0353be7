import type { Purpose, Recipient } from './register.js';

/** What a purpose gains from one version to the next: each needs the person's consent again (PIPL 14). */
export interface Widening {
  purpose: string;
  categories: string[];
  methods: string[];
  /** Recipients by name: new ones, and known ones that became third parties or receive more categories. */
  recipients: string[];
  /**
   * The rest of what consent was given to that grew: `legal_basis` (now on consent), `disclosure` (now made
   * public), `guardian` (now processes children's information), `cross_border:<destination>/<recipient>`
   * (a transfer abroad the person was not told of; PIPL 39 names the overseas recipient).
   */
  terms: string[];
}

/**
 * Purposes kept from `before` whose scope grows in `after`: consents given under `before` no longer cover
 * them (PIPL 14; NDSR 22). New purposes are not listed: nobody consented to them under this version's
 * predecessor (one dropped earlier and published again needs its consents anew all the same).
 * @example wideningsBetween(v1.purposes, v2.purposes) // [{ purpose: 'marketing', categories: ['location'], … }]
 */
export function wideningsBetween(before: readonly Purpose[], after: readonly Purpose[]): Widening[] {
  const old = new Map(before.map((p) => [p.key, p]));
  const out: Widening[] = [];
  for (const p of after) {
    const then = old.get(p.key);
    if (!then) continue;
    const w = widening(then, p);
    if (widens(w)) out.push(w);
  }
  return out;
}

/** Whether anything in `w` grew. */
export const widens = (w: Widening): boolean =>
  w.categories.length + w.methods.length + w.recipients.length + w.terms.length > 0;

/** What `now` adds to the same purpose as it stood in `then`. */
export function widening(then: Purpose, now: Purpose): Widening {
  const transfer = (t: Purpose['crossBorder'][number]) => `cross_border:${t.destination}/${t.recipient}`;
  const before = new Set(then.crossBorder.map(transfer));
  const terms: string[] = [];
  if (now.legalBasis === 'consent' && then.legalBasis !== 'consent') terms.push('legal_basis');
  if (now.publicDisclosure && !then.publicDisclosure) terms.push('disclosure');
  // A version that listed the category minor already needed the guardian's consent (see separateRequirements).
  if (now.minors && !then.minors && !then.categories.includes('minor')) terms.push('guardian');
  for (const t of now.crossBorder) if (!before.has(transfer(t))) terms.push(transfer(t));
  return {
    purpose: now.key,
    categories: now.categories.filter((c) => !then.categories.includes(c)),
    methods: now.methods.filter((m) => !then.methods.includes(m)),
    recipients: now.recipients.filter((r) => recipientGrew(then.recipients, r)).map((r) => r.name),
    terms: [...new Set(terms)],
  };
}

// PIPL 23: consent to a provision covers that recipient, as a third party or a processor, with those
// categories; a recipient named anew, turned third party, or given more categories is a new provision.
function recipientGrew(before: readonly Recipient[], r: Recipient): boolean {
  const was = before.find((t) => t.name === r.name);
  if (!was) return true;
  if (r.kind === 'third_party' && was.kind !== 'third_party') return true;
  return r.categories.some((c) => !was.categories.includes(c));
}
