import {
  decrypt,
  encrypt,
  generalize,
  mask,
  pseudonymize,
  replace,
  type KeyInput,
  type MaskOptions,
} from './operators.js';
import { scan } from './scan.js';
import type { Finding, PiiType, ScanOptions } from './types.js';

export type OperatorName = 'mask' | 'redact' | 'replace' | 'pseudonymize' | 'encrypt' | 'generalize';

/** How to transform one finding: an operator name, an operator with parameters, or a function. */
export type OperatorSpec =
  | OperatorName
  | ({ operator: 'mask' } & MaskOptions)
  | { operator: 'redact' }
  | { operator: 'replace'; tag?: string }
  | { operator: 'pseudonymize'; key?: KeyInput }
  | { operator: 'encrypt'; key?: KeyInput }
  | { operator: 'generalize' }
  | ((finding: Finding) => string);

export interface RedactOptions extends ScanOptions {
  /** Operator per type; types not listed use `default`. */
  operators?: Partial<Record<PiiType, OperatorSpec>>;
  /** Operator for types without their own (default 'replace'). */
  default?: OperatorSpec;
  /** Key for 'pseudonymize' when the spec carries none. */
  pseudonymKey?: KeyInput;
  /** 32-byte key for 'encrypt' when the spec carries none. */
  encryptionKey?: KeyInput;
  /** Findings already computed for this text (skips scanning). */
  findings?: Finding[];
}

export interface RedactResult {
  text: string;
  findings: Finding[];
}

/** Applies one operator to one finding. */
export function applyOperator(f: Finding, spec: OperatorSpec, options: RedactOptions = {}): string {
  if (typeof spec === 'function') return spec(f);
  const s = typeof spec === 'string' ? { operator: spec } : spec;
  switch (s.operator) {
    case 'mask':
      return mask(f.text, f.type, s as MaskOptions);
    case 'redact':
      return '';
    case 'replace':
      return 'tag' in s && s.tag !== undefined ? s.tag : replace(f.type);
    case 'pseudonymize': {
      const key = ('key' in s ? s.key : undefined) ?? options.pseudonymKey;
      if (!key) throw new Error('pseudonymize needs a key (never an unsalted hash)');
      return pseudonymize(f.text, f.type, key);
    }
    case 'encrypt': {
      const key = ('key' in s ? s.key : undefined) ?? options.encryptionKey;
      if (!key) throw new Error('encrypt needs a 32-byte key');
      return encrypt(f.text, f.type, key);
    }
    case 'generalize':
      return generalize(f.text, f.type);
  }
}

/**
 * Scans `text` and transforms each finding with the operator chosen for its type.
 *
 * @example
 * redact('手机 13800138000', { operators: { PHONE_NUMBER: 'mask' } }).text; // '手机 138****8000'
 * redact('Mail a@b.com').text; // 'Mail <EMAIL_ADDRESS>'
 */
export function redact(text: string, options: RedactOptions = {}): RedactResult {
  const findings = options.findings ?? scan(text, options);
  const fallback = options.default ?? 'replace';
  let out = '';
  let last = 0;
  for (const f of findings) {
    out += text.slice(last, f.start) + applyOperator(f, options.operators?.[f.type] ?? fallback, options);
    last = f.end;
  }
  return { text: out + text.slice(last), findings };
}

export { decrypt };
