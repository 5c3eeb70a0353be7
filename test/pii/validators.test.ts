import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hasKnownCardPrefix,
  isMainlandMobile,
  isPlausibleBirthDate,
  isValidEmail,
  isValidIpv4,
  isValidIpv6,
  isValidOrgCode,
  isValidRegionCode,
  isValidResidentId,
  isValidUscc,
  luhn,
  luhnCheckDigit,
  orgCodeCheckChar,
  residentIdCheckChar,
  upgradeResidentId15,
  usccCheckChar,
} from '../../src/pii/index.js';
import * as mk from './support/make.js';

const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Replaces the character at `pos` with a different one from `alphabet`. */
function corrupt(s: string, pos: number, pick: number, alphabet: string): string {
  const others = alphabet.replace(s[pos], '');
  return s.slice(0, pos) + others[pick % others.length] + s.slice(pos + 1);
}

describe('resident ID (GB 11643-1999)', () => {
  it('accepts the published examples', () => {
    expect(isValidResidentId('11010519491231002X')).toBe(true);
    expect(isValidResidentId('440524188001010014')).toBe(true);
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('44052418800101001')).toBe('4');
  });
  it('accepts lower-case x', () => expect(isValidResidentId('11010519491231002x')).toBe(true));
  it('rejects a wrong check character', () => expect(isValidResidentId('110105194912310021')).toBe(false));
  it('rejects unknown provinces and prefectures', () => {
    const body = '99010519491231002';
    expect(isValidResidentId(body + residentIdCheckChar(body))).toBe(false);
    expect(isValidRegionCode('119905')).toBe(false);
    expect(isValidRegionCode('440524')).toBe(true);
  });
  it('rejects impossible and future dates and dates before 1880', () => {
    for (const date of ['19900230', '19901301', '18791231', '29990101']) {
      const body = '110105' + date + '002';
      expect(isValidResidentId(body + residentIdCheckChar(body))).toBe(false);
    }
    expect(isPlausibleBirthDate(2000, 2, 29)).toBe(true);
    expect(isPlausibleBirthDate(1900, 2, 29)).toBe(false);
  });
  it('checks birth dates against a given "now"', () => {
    const body = '110105' + '20240601' + '002';
    const id = body + residentIdCheckChar(body);
    expect(isValidResidentId(id, new Date('2024-05-31'))).toBe(false);
    expect(isValidResidentId(id, new Date('2024-06-01T12:00:00'))).toBe(true);
  });
  it('accepts residence permits 810000/820000/830000 only with 0000', () => {
    for (const prefix of ['810000', '820000', '830000']) {
      const body = prefix + '19900101' + '123';
      expect(isValidResidentId(body + residentIdCheckChar(body))).toBe(true);
    }
    const body = '810100' + '19900101' + '123';
    expect(isValidResidentId(body + residentIdCheckChar(body))).toBe(false);
  });
  it('handles legacy 15-digit numbers', () => {
    expect(isValidResidentId('110105491231002')).toBe(true);
    expect(isValidResidentId('110105491331002')).toBe(false);
    expect(upgradeResidentId15('110105491231002')).toBe('11010519491231002X');
  });
  it('property: generated IDs pass, every single-character corruption fails', () => {
    fc.assert(
      fc.property(seedArb, fc.nat(17), fc.nat(), (seed, pos, pick) => {
        const id = mk.residentId(mk.seeded(seed));
        expect(isValidResidentId(id)).toBe(true);
        expect(isValidResidentId(corrupt(id, pos, pick, pos === 17 ? '0123456789X' : '0123456789'))).toBe(
          false,
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('USCC (GB 32100-2015) and organisation code (GB 11714)', () => {
  it('accepts the published examples', () => {
    expect(isValidUscc('9135052155323005XL')).toBe(true);
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(usccCheckChar('9135052155323005X')).toBe('L');
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
    expect(orgCodeCheckChar('55323005')).toBe('X');
    expect(isValidOrgCode('M000100Y4')).toBe(true);
  });
  it('rejects a wrong check, forbidden letters, wrong org-code check, wrong length', () => {
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(isValidUscc('9135052155323005XO')).toBe(false);
    expect(isValidUscc('9135052155323005X')).toBe(false);
    // right USCC check but the embedded organisation code fails
    const body = '91350100M000100Y5';
    expect(isValidUscc(body + usccCheckChar(body))).toBe(false);
  });
  it('property: generated codes pass, every single-character corruption fails', () => {
    fc.assert(
      fc.property(seedArb, fc.nat(17), fc.nat(), (seed, pos, pick) => {
        const code = mk.uscc(mk.seeded(seed));
        expect(isValidUscc(code)).toBe(true);
        expect(isValidUscc(corrupt(code, pos, pick, '0123456789ABCDEFGHJKLMNPQRTUWXY'))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Luhn', () => {
  it('accepts known test numbers and rejects a changed digit', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('5500000000000004')).toBe(true);
    expect(luhn('6222021234567890128')).toBe(true);
    expect(luhn('4111111111111112')).toBe(false);
    expect(luhn('')).toBe(false);
    expect(luhn('4111-1111')).toBe(false);
    expect(luhnCheckDigit('411111111111111')).toBe('1');
  });
  it('knows issuer prefixes', () => {
    expect(hasKnownCardPrefix('6222021234567890128')).toBe(true);
    expect(hasKnownCardPrefix('9999021234567890128')).toBe(false);
  });
  it('property: generated cards pass, every single-digit corruption fails', () => {
    fc.assert(
      fc.property(seedArb, fc.nat(18), fc.nat(), (seed, pos, pick) => {
        const card = mk.bankCard(mk.seeded(seed));
        expect(luhn(card)).toBe(true);
        expect(luhn(corrupt(card, pos % card.length, pick, '0123456789'))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('network and contact validators', () => {
  it('IPv4', () => {
    expect(isValidIpv4('192.168.1.1')).toBe(true);
    expect(isValidIpv4('0.0.0.0')).toBe(true);
    expect(isValidIpv4('256.1.1.1')).toBe(false);
    expect(isValidIpv4('1.2.3')).toBe(false);
    expect(isValidIpv4('01.2.3.4')).toBe(false);
  });
  it('IPv6', () => {
    for (const ok of [
      '2001:db8::1',
      '::1',
      '::',
      'fe80::1',
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      '::ffff:192.0.2.1',
    ])
      expect(isValidIpv6(ok), ok).toBe(true);
    for (const bad of ['2001:db8:::1', '1:2:3:4:5:6:7:8:9', '12345::1', '1::2::3', '12:30:45'])
      expect(isValidIpv6(bad), bad).toBe(false);
  });
  it('mainland mobile', () => {
    expect(isMainlandMobile('13800138000')).toBe(true);
    expect(isMainlandMobile('19912345678')).toBe(true);
    expect(isMainlandMobile('12345678901')).toBe(false);
    expect(isMainlandMobile('1380013800')).toBe(false);
  });
  it('e-mail', () => {
    expect(isValidEmail('zhang.san@example.com.cn')).toBe(true);
    expect(isValidEmail('a@localhost')).toBe(false);
    expect(isValidEmail('a..b@example.com')).toBe(false);
  });
});
