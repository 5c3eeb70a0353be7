import { useTranslation } from 'react-i18next';
import { PII_TYPES } from '../pii/pii-types.js';
import { DEFAULT_CATEGORIES } from '../screening/categories.js';

/** Field types the vault stores: every detected type, then OTHER. */
export const FIELD_TYPES = [...PII_TYPES.map((p) => p.type), 'OTHER'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Types the vault can look up by exact value (it keeps a blind index of them). */
export const SEARCHABLE_TYPES = [
  'PHONE_NUMBER',
  'EMAIL_ADDRESS',
  'CN_RESIDENT_ID',
  'BANK_CARD',
  'PASSPORT',
  'CN_HMT_PERMIT',
  'CN_USCC',
] as const satisfies readonly FieldType[];
export type SearchableType = (typeof SEARCHABLE_TYPES)[number];

const zh = (lang: string) => lang.startsWith('zh');

/**
 * Words for the domain's ids in the reader's language: personal-information types (from the pii engine's
 * table), screening categories (from the screening engine's table), and unknown ids as they are.
 */
export function useLabels() {
  const { t, i18n } = useTranslation();
  const inZh = zh(i18n.language);
  return {
    piiType: (type: string) => {
      if (type === 'OTHER') return t('subjects.typeOther');
      const p = PII_TYPES.find((x) => x.type === type);
      return p ? (inZh ? p.labelZh : p.labelEn) : type;
    },
    piiCategory: (category: string) => t(`subjects.categories.${category}`, { defaultValue: category }),
    screeningCategory: (id: string) => {
      const c = DEFAULT_CATEGORIES.find((x) => x.id === id);
      return c ? (inZh ? c.zh : c.en) : id;
    },
    screeningCategories: () => DEFAULT_CATEGORIES.map((c) => ({ value: c.id, label: inZh ? c.zh : c.en })),
  };
}
