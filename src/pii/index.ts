/**
 * Personal-information detection and de-identification (Decision art. 1; PIPL 28, 51, 73; GB/T 35273).
 * Pure code: no I/O, no configuration.
 */
export { scan } from './scan.js';
export { redact, applyOperator } from './redact.js';
export type { OperatorName, OperatorSpec, RedactOptions, RedactResult } from './redact.js';
export {
  mask,
  replace,
  pseudonymize,
  normalizeValue,
  encrypt,
  decrypt,
  decryptText,
  generalize,
} from './operators.js';
export type { MaskOptions, KeyInput } from './operators.js';
export { PII_TYPES, ALL_PII_TYPES, piiTypeInfo } from './pii-types.js';
export type { PiiCategory, PiiTypeInfo } from './pii-types.js';
export * from './validators.js';
export type { Finding, PiiType, ScanOptions } from './types.js';
