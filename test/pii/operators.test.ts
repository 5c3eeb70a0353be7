import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  PII_TYPES,
  decrypt,
  decryptText,
  encrypt,
  generalize,
  mask,
  normalizeValue,
  pseudonymize,
  redact,
  replace,
} from '../../src/pii/index.js';

const KEY = randomBytes(32);

describe('mask', () => {
  it('masks letters and digits of every script, not only ASCII and CJK', () => {
    expect(mask('１３８００１３８０００', 'PHONE_NUMBER')).toBe('１３８****８０００');
    expect(mask('Иванов Пётр')).not.toContain('ванов');
    expect(mask('ئابدۇرېھىم')).toContain('*');
    // A name with a character beyond the basic CJK block: masked whole, never split in half.
    expect(mask('王𠮷明', 'PERSON_NAME')).toBe('王**');
  });

  it('uses per-type defaults', () => {
    expect(mask('13800138000', 'PHONE_NUMBER')).toBe('138****8000');
    expect(mask('138-0013-8000', 'PHONE_NUMBER')).toBe('138-****-8000');
    expect(mask('+86 138 0013 8000', 'PHONE_NUMBER')).toBe('+86 138 **** 8000');
    expect(mask('11010519491231002X', 'CN_RESIDENT_ID')).toBe('110105********002X');
    expect(mask('6222021234567890128', 'BANK_CARD')).toBe('622202*********0128');
    expect(mask('zhang.san@example.com', 'EMAIL_ADDRESS')).toBe('z********@example.com');
    expect(mask('张三丰', 'PERSON_NAME')).toBe('张**');
    expect(mask('192.168.1.10', 'IP_ADDRESS')).toBe('192.168.*.*');
  });
  it('is configurable', () => {
    expect(mask('13800138000', 'PHONE_NUMBER', { keepStart: 0, keepEnd: 4, maskChar: '#' })).toBe(
      '#######8000',
    );
    expect(mask('11010519491231002X', 'CN_RESIDENT_ID', { keepStart: 1, keepEnd: 1 })).toBe(
      '1****************X',
    );
  });
  it('never shows most of a short value', () => {
    expect(mask('ab')).toBe('a*');
    expect(mask('张三', 'PERSON_NAME')).toBe('张*');
  });
});

describe('pseudonymize', () => {
  it('is keyed and stable across writings of one value', () => {
    const a = pseudonymize('13800138000', 'PHONE_NUMBER', KEY);
    expect(a).toMatch(/^<PHONE_NUMBER:[0-9a-f]{16}>$/);
    expect(pseudonymize('+86 138-0013-8000', 'PHONE_NUMBER', KEY)).toBe(a);
    // Typed in full-width forms: the same person, the same pseudonym.
    expect(pseudonymize('１３８－００１３－８０００', 'PHONE_NUMBER', KEY)).toBe(a);
    expect(pseudonymize('１３９００１３８０００', 'PHONE_NUMBER', KEY)).not.toBe(a);
    expect(normalizeValue('ＬＩ＠Ｅｘａｍｐｌｅ．ｃｏｍ', 'EMAIL_ADDRESS')).toBe('li@example.com');
    expect(pseudonymize('13800138000', 'PHONE_NUMBER', randomBytes(32))).not.toBe(a);
    expect(pseudonymize('13800138001', 'PHONE_NUMBER', KEY)).not.toBe(a);
    expect(pseudonymize('A@B.cn', 'EMAIL_ADDRESS', KEY)).toBe(pseudonymize('a@b.cn', 'EMAIL_ADDRESS', KEY));
  });
  it('accepts hex keys and refuses short ones', () => {
    expect(pseudonymize('x', 'PERSON_NAME', KEY.toString('hex'))).toBe(pseudonymize('x', 'PERSON_NAME', KEY));
    expect(() => pseudonymize('x', 'PERSON_NAME', 'abcd')).toThrow(/16 bytes/);
  });
  it('normalises values', () => {
    expect(normalizeValue('0086 138 0013 8000', 'PHONE_NUMBER')).toBe('13800138000');
    expect(normalizeValue('11010519491231002x', 'CN_RESIDENT_ID')).toBe('11010519491231002X');
  });
});

describe('encrypt / decrypt', () => {
  it('round-trips with a self-describing token, fresh nonce each time', () => {
    const t1 = encrypt('11010519491231002X', 'CN_RESIDENT_ID', KEY);
    const t2 = encrypt('11010519491231002X', 'CN_RESIDENT_ID', KEY);
    expect(t1).toMatch(/^enc:v1:CN_RESIDENT_ID:[A-Za-z0-9_-]+$/);
    expect(t1).not.toBe(t2);
    expect(decrypt(t1, KEY)).toBe('11010519491231002X');
    expect(decrypt(encrypt('张三 😀', 'PERSON_NAME', KEY), KEY)).toBe('张三 😀');
  });
  it('fails on a wrong key, a changed type, a changed byte, a wrong key size', () => {
    const t = encrypt('13800138000', 'PHONE_NUMBER', KEY);
    expect(() => decrypt(t, randomBytes(32))).toThrow();
    expect(() => decrypt(t.replace('PHONE_NUMBER', 'EMAIL_ADDRESS'), KEY)).toThrow();
    const flipped = t.slice(0, -2) + (t.endsWith('AA') ? 'AB' : 'AA');
    expect(() => decrypt(flipped, KEY)).toThrow();
    expect(() => encrypt('x', 'PHONE_NUMBER', randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('generalize and replace', () => {
  it('generalises dates, addresses, coordinates, IPs', () => {
    expect(generalize('1990-01-02', 'BIRTH_DATE')).toBe('1990');
    expect(generalize('1985年3月12日', 'BIRTH_DATE')).toBe('1985年');
    expect(generalize('北京市海淀区中关村大街27号', 'ADDRESS')).toBe('北京市');
    expect(generalize('广东省深圳市南山区科技园路1号', 'ADDRESS')).toBe('广东省深圳市');
    expect(generalize('39.9042, 116.4074', 'GEO_COORDINATES')).toBe('39.90, 116.41');
    expect(generalize('192.168.1.10', 'IP_ADDRESS')).toBe('192.168.1.0/24');
    expect(generalize('13800138000', 'PHONE_NUMBER')).toBe('<PHONE_NUMBER>');
  });
  it('replaces with the type tag', () => expect(replace('BANK_CARD')).toBe('<BANK_CARD>'));
});

describe('redact', () => {
  const text = '张三的手机13800138000，邮箱 zs@example.com，身份证11010519491231002X。';
  it('replaces by default and returns the findings', () => {
    const r = redact(text);
    expect(r.text).toBe('张三的手机<PHONE_NUMBER>，邮箱 <EMAIL_ADDRESS>，身份证<CN_RESIDENT_ID>。');
    expect(r.findings).toHaveLength(3);
  });
  it('applies operators per type with a default', () => {
    const r = redact(text, {
      operators: { PHONE_NUMBER: 'mask', CN_RESIDENT_ID: { operator: 'mask', keepStart: 0, keepEnd: 0 } },
      default: 'redact',
    });
    expect(r.text).toBe('张三的手机138****8000，邮箱 ，身份证******************。');
  });
  it('pseudonymizes consistently and encrypts reversibly', () => {
    const p = redact('a 13800138000 b 138-0013-8000', { default: 'pseudonymize', pseudonymKey: KEY }).text;
    const [t1, t2] = p.match(/<PHONE_NUMBER:[0-9a-f]+>/g)!;
    expect(t1).toBe(t2);
    const e = redact(text, { default: { operator: 'encrypt', key: KEY } }).text;
    expect(e).not.toContain('13800138000');
    expect(decryptText(e, KEY)).toBe(text);
  });
  it('refuses pseudonymize without a key', () => {
    expect(() => redact(text, { default: 'pseudonymize' })).toThrow(/key/);
  });
  it('accepts a function operator', () => {
    expect(redact('a@b.cn', { default: (f) => `[${f.type.length}]` }).text).toBe('[13]');
  });
});

describe('PII_TYPES', () => {
  it('classifies every type once, marking sensitive ones (PIPL 28)', () => {
    const names = PII_TYPES.map((t) => t.type);
    expect(new Set(names).size).toBe(13);
    const sensitive = new Set(PII_TYPES.filter((t) => t.sensitive).map((t) => t.type));
    for (const t of ['CN_RESIDENT_ID', 'BANK_CARD', 'PASSPORT', 'GEO_COORDINATES'] as const)
      expect(sensitive.has(t)).toBe(true);
    expect(sensitive.has('CN_USCC')).toBe(false);
    for (const t of PII_TYPES) expect(t.labelZh && t.labelEn && t.category).toBeTruthy();
  });
});
