import type { PiiType } from './types.js';

/** Data category used by the processing register and reports. */
export type PiiCategory =
  | 'identity-document'
  | 'contact'
  | 'financial-account'
  | 'organisation-identifier'
  | 'network-identifier'
  | 'vehicle'
  | 'basic-personal'
  | 'location';

export interface PiiTypeInfo {
  type: PiiType;
  category: PiiCategory;
  /** Sensitive personal information (PIPL 28; GB/T 35273-2020 Annex B). */
  sensitive: boolean;
  labelZh: string;
  labelEn: string;
}

/**
 * Classification of every detected type.
 * PIPL 28 names specific identity, financial accounts and whereabouts as sensitive; GB/T 35273 Annex B lists
 * identity documents, bank accounts and precise location. A USCC identifies an organisation, not a person.
 *
 * @example
 * PII_TYPES.find((t) => t.type === 'BANK_CARD')?.sensitive; // true
 */
export const PII_TYPES: readonly PiiTypeInfo[] = [
  {
    type: 'CN_RESIDENT_ID',
    category: 'identity-document',
    sensitive: true,
    labelZh: '居民身份证号码',
    labelEn: 'Resident identity card number',
  },
  {
    type: 'PASSPORT',
    category: 'identity-document',
    sensitive: true,
    labelZh: '护照号码',
    labelEn: 'Passport number',
  },
  {
    type: 'CN_HMT_PERMIT',
    category: 'identity-document',
    sensitive: true,
    labelZh: '港澳台居民通行证号码',
    labelEn: 'Hong Kong, Macao and Taiwan travel permit number',
  },
  {
    type: 'BANK_CARD',
    category: 'financial-account',
    sensitive: true,
    labelZh: '银行卡号',
    labelEn: 'Bank card number',
  },
  {
    type: 'GEO_COORDINATES',
    category: 'location',
    sensitive: true,
    labelZh: '精确位置（经纬度）',
    labelEn: 'Precise location (coordinates)',
  },
  // Project obligations list the phone number among GB/T 35273 Annex B sensitive examples.
  {
    type: 'PHONE_NUMBER',
    category: 'contact',
    sensitive: true,
    labelZh: '电话号码',
    labelEn: 'Phone number',
  },
  {
    type: 'EMAIL_ADDRESS',
    category: 'contact',
    sensitive: false,
    labelZh: '电子邮件地址',
    labelEn: 'E-mail address',
  },
  { type: 'ADDRESS', category: 'contact', sensitive: false, labelZh: '地址', labelEn: 'Postal address' },
  {
    type: 'PERSON_NAME',
    category: 'basic-personal',
    sensitive: false,
    labelZh: '姓名',
    labelEn: 'Person name',
  },
  {
    type: 'BIRTH_DATE',
    category: 'basic-personal',
    sensitive: false,
    labelZh: '出生日期',
    labelEn: 'Date of birth',
  },
  {
    type: 'IP_ADDRESS',
    category: 'network-identifier',
    sensitive: false,
    labelZh: 'IP 地址',
    labelEn: 'IP address',
  },
  {
    type: 'LICENSE_PLATE',
    category: 'vehicle',
    sensitive: false,
    labelZh: '车牌号码',
    labelEn: 'Vehicle licence plate',
  },
  {
    type: 'CN_USCC',
    category: 'organisation-identifier',
    sensitive: false,
    labelZh: '统一社会信用代码',
    labelEn: 'Unified social credit code',
  },
];

const BY_TYPE = new Map(PII_TYPES.map((t) => [t.type, t]));

/**
 * Looks up the classification of a type.
 *
 * @example
 * piiTypeInfo('CN_RESIDENT_ID').labelZh; // '居民身份证号码'
 */
export function piiTypeInfo(type: PiiType): PiiTypeInfo {
  return BY_TYPE.get(type)!;
}

/** Every type name, in table order. */
export const ALL_PII_TYPES: readonly PiiType[] = PII_TYPES.map((t) => t.type);

/**
 * The bit of a type, by switch: where the scanner passes a literal type this folds to a constant, whereas
 * `TYPE_BIT[type]` from many call sites with different keys is a megamorphic (slow) property load.
 */
export function typeBit(type: PiiType): number {
  switch (type) {
    case 'CN_RESIDENT_ID':
      return 1;
    case 'PHONE_NUMBER':
      return 2;
    case 'EMAIL_ADDRESS':
      return 4;
    case 'BANK_CARD':
      return 8;
    case 'CN_USCC':
      return 16;
    case 'IP_ADDRESS':
      return 32;
    case 'PASSPORT':
      return 64;
    case 'CN_HMT_PERMIT':
      return 128;
    case 'LICENSE_PLATE':
      return 256;
    case 'PERSON_NAME':
      return 512;
    case 'ADDRESS':
      return 1024;
    case 'BIRTH_DATE':
      return 2048;
    case 'GEO_COORDINATES':
      return 4096;
  }
  return 0;
}

/** A bit per type, for cheap set tests in the scanner. */
export const TYPE_BIT: Readonly<Record<PiiType, number>> = {
  CN_RESIDENT_ID: 1,
  PHONE_NUMBER: 2,
  EMAIL_ADDRESS: 4,
  BANK_CARD: 8,
  CN_USCC: 16,
  IP_ADDRESS: 32,
  PASSPORT: 64,
  CN_HMT_PERMIT: 128,
  LICENSE_PLATE: 256,
  PERSON_NAME: 512,
  ADDRESS: 1024,
  BIRTH_DATE: 2048,
  GEO_COORDINATES: 4096,
};
