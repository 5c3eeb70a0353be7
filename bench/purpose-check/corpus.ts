// A seeded register of purposes and a consent ledger for the purpose-check benchmark, with the queries to
// send. Deterministic: the same seed gives the same purposes, consents and queries.
import type { Purpose, SeparateKind } from '../../src/rules/register.js';
import { separateRequirements } from '../../src/rules/register.js';

/** Mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLAIN = ['contact', 'basic-personal', 'network-identifier', 'device', 'vehicle'];
const SENSITIVE = ['location', 'browsing-history', 'financial-account', 'health'];

/**
 * 50 purposes: 40 on consent (30 ordinary, 5 with a sensitive category, 4 providing data to a third party,
 * 1 for children under 14 with a transfer abroad), 5 on contract, 5 on a legal duty.
 */
export function makePurposes(): Purpose[] {
  const r = rng(4);
  const out: Purpose[] = [];
  for (let i = 0; i < 50; i++) {
    const kind = i % 10;
    const pick = (xs: string[], n: number) => [...xs].sort(() => r() - 0.5).slice(0, n);
    const categories = pick(PLAIN, 2 + Math.floor(r() * 3));
    const p: Purpose = {
      key: `p${String(i).padStart(2, '0')}-${['shop', 'ads', 'support', 'analytics', 'delivery'][i % 5]}`,
      nameZh: `业务功能 ${i}`,
      nameEn: `Business function ${i}`,
      descriptionZh: `为业务功能 ${i} 处理个人信息`,
      descriptionEn: `Processes personal information for business function ${i}`,
      legalBasis: kind === 8 ? 'contract' : kind === 9 ? 'legal_duty' : 'consent',
      necessity: '',
      categories,
      methods: r() < 0.7 ? ['form'] : ['form', 'device'],
      retentionDays: 365 * (1 + Math.floor(r() * 3)),
      retentionAction: r() < 0.5 ? 'delete' : 'anonymise',
      recipients: [],
      crossBorder: [],
      publicDisclosure: false,
      minors: false,
    };
    if (kind === 6) {
      p.categories.push(SENSITIVE[i % SENSITIVE.length]);
      p.necessity = '该功能离不开此项敏感个人信息 / The function cannot work without it';
    }
    if (kind === 7) {
      p.recipients.push({
        name: `Partner ${i} Ltd`,
        kind: 'third_party',
        purpose: 'Fulfils orders',
        categories: [p.categories[0]],
      });
      p.recipients.push({
        name: 'Cloud Processor Co',
        kind: 'processor',
        purpose: 'Hosting',
        categories: [...p.categories],
        contract: 'Entrusted processing contract 2026-01',
      });
      p.necessity = '向合作方提供以完成订单 / Provided to the partner to fulfil orders';
    }
    if (i === 47) {
      p.categories.push('minor');
      p.minors = true;
      p.crossBorder.push({ destination: 'SG', recipient: 'Edu Partner Pte', mechanism: 'standard_contract' });
      p.necessity = '为不满十四周岁的用户提供服务 / Serves children under 14 with guardian consent';
    }
    out.push(p);
  }
  return out;
}

export interface ConsentRow {
  subject: string;
  purpose: string;
  given: 0 | 1;
  separate: string;
  createdAt: string;
}

export const subjectRef = (s: number) => `user-${String(s).padStart(7, '0')}`;

/**
 * Consents in ledger order per subject: each subject gives 4 or 5 consent purposes; 12% of them are later
 * withdrawn and half of those given again; 5% of the consents that need separate consent lack one.
 * Calls `emit` for each row until `total` rows; returns, per (subject, purpose) pair, the final state.
 */
export function makeConsents(
  purposes: Purpose[],
  total: number,
  now: number,
  emit: (row: ConsentRow) => void,
): { subjects: number; pairs: Array<{ s: number; p: number; state: 'ok' | 'withdrawn' | 'partial' }> } {
  const consentIdx = purposes.flatMap((p, i) => (p.legalBasis === 'consent' ? [i] : []));
  const separate = purposes.map((p) => separateRequirements(p));
  const pairs: Array<{ s: number; p: number; state: 'ok' | 'withdrawn' | 'partial' }> = [];
  const day = 86_400_000;
  let n = 0;
  let s = 0;
  for (; n < total; s++) {
    const r = rng(1000 + s);
    const count = r() < 0.5 ? 4 : 5;
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(consentIdx[Math.floor(r() * consentIdx.length)]);
    for (const pi of chosen) {
      if (n >= total) break;
      const p = purposes[pi];
      const need: SeparateKind[] = separate[pi];
      const partial = need.length > 0 && r() < 0.05;
      const sep = JSON.stringify(partial ? need.slice(1) : need);
      let t = now - Math.floor((20 + r() * 150) * day);
      const at = () => new Date(t).toISOString();
      emit({ subject: subjectRef(s), purpose: p.key, given: 1, separate: sep, createdAt: at() });
      n++;
      let state: 'ok' | 'withdrawn' | 'partial' = partial ? 'partial' : 'ok';
      if (n < total && r() < 0.12) {
        t += Math.floor(r() * 10 * day) + 1000;
        emit({ subject: subjectRef(s), purpose: p.key, given: 0, separate: '[]', createdAt: at() });
        n++;
        state = 'withdrawn';
        if (n < total && r() < 0.5) {
          t += Math.floor(r() * 5 * day) + 1000;
          emit({
            subject: subjectRef(s),
            purpose: p.key,
            given: 1,
            separate: JSON.stringify(need),
            createdAt: at(),
          });
          n++;
          state = 'ok';
        }
      }
      pairs.push({ s, p: pi, state });
    }
  }
  return { subjects: s, pairs };
}

/**
 * Request bodies for `POST /api/v1/purpose-check`, shuffled: `deniedShare` of them denied (no consent,
 * consent withdrawn, separate consent missing, category out of scope), the rest allowed (consent given;
 * one in twenty on a contract or legal-duty purpose, which needs no consent).
 */
export function makeQueries(
  purposes: Purpose[],
  pairs: ReturnType<typeof makeConsents>['pairs'],
  subjects: number,
  count: number,
  deniedShare: number,
  seed: number,
  /** Only purposes on contract or a legal duty: allowed without reading the ledger (the web stack alone). */
  ledgerFree = false,
): Array<{ subject: string; purpose: string; categories: string[] }> {
  const r = rng(seed);
  const pickOf = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const ok = pairs.filter((x) => x.state === 'ok');
  const withdrawn = pairs.filter((x) => x.state === 'withdrawn');
  const partial = pairs.filter((x) => x.state === 'partial');
  const noConsent = purposes.flatMap((p, i) => (p.legalBasis === 'consent' ? [i] : []));
  const other = purposes.flatMap((p, i) => (p.legalBasis !== 'consent' ? [i] : []));
  const cats = (pi: number) => {
    const c = purposes[pi].categories;
    const a = pickOf(c);
    const b = pickOf(c);
    return a === b ? [a] : [a, b];
  };
  const out = [];
  for (let i = 0; i < count; i++) {
    if (ledgerFree) {
      const pi = pickOf(other);
      out.push({
        subject: subjectRef(Math.floor(r() * subjects)),
        purpose: purposes[pi].key,
        categories: cats(pi),
      });
    } else if (r() < deniedShare) {
      const k = r();
      if (k < 0.4) {
        // A subject the ledger has never seen.
        const pi = pickOf(noConsent);
        out.push({
          subject: subjectRef(subjects + Math.floor(r() * 1e6)),
          purpose: purposes[pi].key,
          categories: cats(pi),
        });
      } else if (k < 0.7 && withdrawn.length) {
        const x = pickOf(withdrawn);
        out.push({ subject: subjectRef(x.s), purpose: purposes[x.p].key, categories: cats(x.p) });
      } else if (k < 0.8 && partial.length) {
        const x = pickOf(partial);
        out.push({
          subject: subjectRef(x.s),
          purpose: purposes[x.p].key,
          categories: [...purposes[x.p].categories],
        });
      } else {
        const x = pickOf(ok);
        out.push({
          subject: subjectRef(x.s),
          purpose: purposes[x.p].key,
          categories: [...cats(x.p), 'biometric'],
        });
      }
    } else if (r() < 0.05) {
      const pi = pickOf(other);
      out.push({
        subject: subjectRef(Math.floor(r() * subjects)),
        purpose: purposes[pi].key,
        categories: cats(pi),
      });
    } else {
      const x = pickOf(ok);
      out.push({ subject: subjectRef(x.s), purpose: purposes[x.p].key, categories: cats(x.p) });
    }
  }
  return out;
}
