import { badRequest } from '../http/errors.js';

/**
 * Data categories of the processing register. Sensitive ones follow PIPL 28 and GB/T 35273-2020 Annex B;
 * processing them needs a necessity statement and separate consent (PIPL 29).
 */
export const DATA_CATEGORIES = [
  { id: 'identity-document', sensitive: true, zh: '身份证件信息', en: 'Identity documents' },
  { id: 'financial-account', sensitive: true, zh: '金融账户信息', en: 'Financial accounts' },
  { id: 'location', sensitive: true, zh: '精确位置信息', en: 'Precise location' },
  { id: 'biometric', sensitive: true, zh: '生物识别信息', en: 'Biometric data' },
  { id: 'health', sensitive: true, zh: '医疗健康信息', en: 'Health data' },
  { id: 'religion', sensitive: true, zh: '宗教信仰', en: 'Religious belief' },
  { id: 'specific-identity', sensitive: true, zh: '特定身份', en: 'Specific identity' },
  { id: 'browsing-history', sensitive: true, zh: '网页浏览记录', en: 'Browsing history' },
  { id: 'minor', sensitive: true, zh: '不满十四周岁未成年人信息', en: 'Information of children under 14' },
  { id: 'contact', sensitive: false, zh: '联系方式', en: 'Contact details' },
  { id: 'basic-personal', sensitive: false, zh: '个人基本资料', en: 'Basic personal data' },
  { id: 'network-identifier', sensitive: false, zh: '网络身份标识', en: 'Network identifiers' },
  { id: 'device', sensitive: false, zh: '设备信息', en: 'Device information' },
  { id: 'vehicle', sensitive: false, zh: '车辆信息', en: 'Vehicle information' },
] as const;

export const CATEGORY_IDS: string[] = DATA_CATEGORIES.map((c) => c.id);
/**
 * Vault categories that are no personal information: a unified social credit code names an organisation,
 * not a natural person (PIPL 4), so no purpose of the register needs to cover it.
 */
/**
 * Reads of personal information on a ground in law rather than a purpose of the published rules: the
 * person's own request (PIPL 45), an authority's lawful request, a security incident.
 */
export const LEGAL_PURPOSES: readonly string[] = [
  'subject-request',
  'authority-request',
  'security-incident',
];

export const NON_PERSONAL_CATEGORIES: readonly string[] = ['organisation-identifier'];
const SENSITIVE: ReadonlySet<string> = new Set(DATA_CATEGORIES.filter((c) => c.sensitive).map((c) => c.id));
export const isSensitive = (id: string) => SENSITIVE.has(id);

/** PIPL 13: the lawful bases. Only `consent` needs a consent in the ledger. */
export const LEGAL_BASES = [
  'consent',
  'contract',
  'legal_duty',
  'emergency',
  'news',
  'public_information',
  'other_law',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** Kinds of separate consent the law asks for (PIPL 23, 25, 29, 31, 39). */
export const SEPARATE = ['sensitive', 'provision', 'disclosure', 'cross_border', 'guardian'] as const;
export type SeparateKind = (typeof SEPARATE)[number];

export interface Recipient {
  name: string;
  /** The recipient's English name, for the English rules; `name` serves both languages when absent. */
  nameEn?: string;
  kind: 'third_party' | 'processor';
  purpose: string;
  /** The purpose in English, for the English rules; `purpose` serves both languages when absent. */
  purposeEn?: string;
  categories: string[];
  contract?: string;
}

export interface CrossBorder {
  destination: string;
  /** The destination in English, for the English rules. */
  destinationEn?: string;
  recipient: string;
  /** The recipient's English name, for the English rules. */
  recipientEn?: string;
  mechanism: 'security_assessment' | 'standard_contract' | 'certification' | 'exempt';
}

/** One purpose of the processing register, as edited and as published. */
export interface Purpose {
  key: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  legalBasis: LegalBasis;
  /** Why each category is necessary; required for sensitive categories and provision to others. */
  necessity: string;
  /** The necessity statement in English, for the English rules; `necessity` serves both when absent. */
  necessityEn?: string;
  categories: string[];
  methods: Array<'form' | 'device' | 'third_party' | 'public_source'>;
  retentionDays: number;
  retentionAction: 'delete' | 'anonymise';
  recipients: Recipient[];
  crossBorder: CrossBorder[];
  publicDisclosure: boolean;
  /** Processes information of children under 14 (PIPL 31: guardian consent, separate rules). */
  minors: boolean;
}

/** When information held for `p` since `since` (ISO time) reaches the end of its retention (PIPL 19), in ms. */
export const retentionEnd = (p: Pick<Purpose, 'retentionDays'>, since: string): number =>
  Date.parse(since) + p.retentionDays * 86_400_000;

/** The separate consents a purpose needs, derived from what it does. */
export function separateRequirements(
  p: Purpose,
  categories: readonly string[] = p.categories,
): SeparateKind[] {
  const out: SeparateKind[] = [];
  if (categories.some(isSensitive)) out.push('sensitive');
  if (p.recipients.some((r) => r.kind === 'third_party')) out.push('provision');
  if (p.publicDisclosure) out.push('disclosure');
  if (p.crossBorder.length) out.push('cross_border');
  // Also for a version published before the register asked for `minors` with the category minor.
  if (p.minors || categories.includes('minor')) out.push('guardian');
  return out;
}

/**
 * Register rules a purpose must satisfy to be saved: known categories, a necessity statement where the law
 * asks for one (sensitive categories, provision to third parties), recipients within the purpose's scope.
 */
export function validatePurpose(p: Purpose): void {
  for (const [i, c] of p.categories.entries())
    if (!CATEGORY_IDS.includes(c))
      throw badRequest(
        'unknown_category',
        // The value is not repeated: a mistyped field may hold personal information.
        `categories.${i} is not a known category (${CATEGORY_IDS.join(', ')})`,
        `categories.${i}`,
      );
  const needsNecessity = p.categories.some(isSensitive) || p.recipients.some((r) => r.kind === 'third_party');
  if (needsNecessity && p.necessity.trim().length < 10)
    throw badRequest(
      'necessity_required',
      'necessity must explain why the sensitive categories or the provision to others are needed (PIPL 29, 23)',
      'necessity',
    );
  for (const [i, r] of p.recipients.entries())
    for (const c of r.categories)
      if (!p.categories.includes(c))
        throw badRequest(
          'recipient_scope',
          `recipients.${i}: category ${c} is not collected for this purpose`,
          `recipients.${i}.categories`,
        );
  if (p.minors && !p.categories.includes('minor'))
    throw badRequest(
      'minor_category',
      'a purpose that processes children’s information must list the category minor',
      'categories',
    );
  // PIPL 31: children's information needs their guardian's consent and the rules for under-14s.
  if (!p.minors && p.categories.includes('minor'))
    throw badRequest(
      'minors_required',
      'a purpose that lists the category minor processes children’s information: set minors (PIPL 31)',
      'minors',
    );
}
