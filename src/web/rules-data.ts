import { useTranslation } from 'react-i18next';
import type { paths } from '../client/schema.js';

export type Purpose =
  paths['/api/v1/purposes']['get']['responses'][200]['content']['application/json']['items'][number];
export type PurposeBody = NonNullable<
  paths['/api/v1/purposes/{key}']['put']['requestBody']
>['content']['application/json'];
export type Category =
  paths['/api/v1/purposes']['get']['responses'][200]['content']['application/json']['categories'][number];
export type PublishedRules =
  paths['/api/v1/rules/versions/{version}']['get']['responses'][200]['content']['application/json'];
export type PublishedPurpose = PublishedRules['purposes'][number];
export type Consent =
  paths['/api/v1/consents']['get']['responses'][200]['content']['application/json']['items'][number];

export const LEGAL_BASES = [
  'consent',
  'contract',
  'legal_duty',
  'emergency',
  'news',
  'public_information',
  'other_law',
] as const satisfies readonly PurposeBody['legalBasis'][];
export const METHODS = [
  'form',
  'device',
  'third_party',
  'public_source',
] as const satisfies readonly PurposeBody['methods'][number][];
export const MECHANISMS = [
  'security_assessment',
  'standard_contract',
  'certification',
  'exempt',
] as const satisfies readonly PurposeBody['crossBorder'][number]['mechanism'][];

/**
 * The register's data categories. The public rules carry category ids only, and the labelled list comes
 * from GET /purposes, which needs a sign-in; so the portal keeps this copy of src/rules/register.ts.
 */
export const PUBLIC_CATEGORIES: readonly Category[] = [
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
];

/** Words for categories, names and descriptions in the reader's language. */
export function useRuleText(categories: readonly Category[] = PUBLIC_CATEGORIES) {
  const { i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  return {
    zh,
    category: (id: string) => {
      const c = categories.find((x) => x.id === id);
      return c ? (zh ? c.zh : c.en) : id;
    },
    sensitive: (id: string) => categories.some((c) => c.id === id && c.sensitive),
    name: (p: { nameZh: string; nameEn: string }) => (zh ? p.nameZh || p.nameEn : p.nameEn || p.nameZh),
    description: (p: { descriptionZh: string; descriptionEn: string }) =>
      zh ? p.descriptionZh || p.descriptionEn : p.descriptionEn || p.descriptionZh,
  };
}

/** Fields compared between two versions of a purpose, in the order the rules show them. */
export const DIFF_FIELDS = [
  'nameZh',
  'nameEn',
  'descriptionZh',
  'descriptionEn',
  'legalBasis',
  'necessity',
  'categories',
  'methods',
  'retentionDays',
  'retentionAction',
  'recipients',
  'crossBorder',
  'publicDisclosure',
  'minors',
] as const satisfies readonly (keyof PublishedPurpose)[];
export type DiffField = (typeof DIFF_FIELDS)[number];

export interface RulesDiff {
  added: PublishedPurpose[];
  removed: PublishedPurpose[];
  changed: { before: PublishedPurpose; after: PublishedPurpose; fields: DiffField[] }[];
}

/** Stable JSON: object keys sorted, so two equal values written in another key order compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/** Purposes added and removed between two versions, and for the rest which fields changed. */
export function diffRules(from: PublishedRules, to: PublishedRules): RulesDiff {
  const before = new Map(from.purposes.map((p) => [p.key, p]));
  const after = new Map(to.purposes.map((p) => [p.key, p]));
  const diff: RulesDiff = { added: [], removed: [], changed: [] };
  for (const p of to.purposes) if (!before.has(p.key)) diff.added.push(p);
  for (const p of from.purposes) if (!after.has(p.key)) diff.removed.push(p);
  for (const p of to.purposes) {
    const old = before.get(p.key);
    if (!old) continue;
    const fields = DIFF_FIELDS.filter((f) => canonical(old[f]) !== canonical(p[f]));
    if (fields.length) diff.changed.push({ before: old, after: p, fields });
  }
  return diff;
}
