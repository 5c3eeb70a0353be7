/** Every kind of personal information the engine recognises. */
export type PiiType =
  | 'CN_RESIDENT_ID'
  | 'PHONE_NUMBER'
  | 'EMAIL_ADDRESS'
  | 'BANK_CARD'
  | 'CN_USCC'
  | 'IP_ADDRESS'
  | 'PASSPORT'
  | 'CN_HMT_PERMIT'
  | 'LICENSE_PLATE'
  | 'PERSON_NAME'
  | 'ADDRESS'
  | 'BIRTH_DATE'
  | 'GEO_COORDINATES';

/** One piece of personal information found in a text. Offsets are UTF-16 code units, `end` exclusive. */
export interface Finding {
  type: PiiType;
  start: number;
  end: number;
  text: string;
  /** Confidence in [0, 1]: base score of the recognizer, raised by context words, lowered by negative ones. */
  score: number;
  /** True when the value passed its format's check (checksum, region and date, Luhn, octet ranges…). */
  validated: boolean;
}

export interface ScanOptions {
  /** Only report these types (default: all). */
  types?: readonly PiiType[];
  /** Drop findings scoring below this (default 0.5). */
  minScore?: number;
  /** How many UTF-16 units before a candidate are searched for context words (default 24). */
  contextWindow?: number;
  /** Reference time for "birth date not in the future" (default: now). */
  now?: Date;
}
