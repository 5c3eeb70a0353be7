import { useTranslation } from 'react-i18next';
import type { paths } from '../client/schema.js';
import { api, call } from './api.js';
import { useLoad } from './use-load.js';

export type Purpose =
  paths['/api/v1/purposes']['get']['responses'][200]['content']['application/json']['items'][number];
export type PurposeBody = NonNullable<
  paths['/api/v1/purposes/{key}']['put']['requestBody']
>['content']['application/json'];
export type Category =
  paths['/api/v1/rules/categories']['get']['responses'][200]['content']['application/json']['items'][number];
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
 * Words for categories, names and descriptions in the reader's language. The labels come from the API: each
 * published version carries those it uses, and GET /rules/categories has them all.
 */
export function useRuleText(categories: readonly Category[]) {
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

/** Every data category with its labels and sensitivity, from the public API. */
export function useCategories(): readonly Category[] {
  const { data } = useLoad(() => call(api.GET('/api/v1/rules/categories')), []);
  return data?.items ?? [];
}

/**
 * A purpose-check reason code such as `category_not_in_scope:contact` in the reader's words; an unknown code
 * as it is.
 */
export function useReasonText(text: { category: (id: string) => string }): (reason: string) => string {
  const { t } = useTranslation();
  return (reason) => {
    const [code, ...rest] = reason.split(':');
    const raw = rest.join(':');
    const detail =
      code === 'category_not_in_scope'
        ? text.category(raw)
        : code === 'separate_consent_missing'
          ? t(`consents.separate.${raw}`, { defaultValue: raw })
          : raw.replace(/^v/, '');
    return t(`consents.reason.${code}`, { detail, defaultValue: reason });
  };
}
