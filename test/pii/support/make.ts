// Generators of valid identifiers and of look-alikes, driven by a caller-given random source so that
// property tests (fast-check) and the seeded test set share them.
import {
  luhnCheckDigit,
  orgCodeCheckChar,
  residentIdCheckChar,
  usccCheckChar,
} from '../../../src/pii/index.js';

export type Rand = () => number;

/** mulberry32: small seeded PRNG. */
export function seeded(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const digits = (r: Rand, n: number): string => Array.from({ length: n }, () => int(r, 0, 9)).join('');
const pad = (v: number, n: number): string => String(v).padStart(n, '0');

export const REGIONS = [
  '110105',
  '310104',
  '440305',
  '330106',
  '510107',
  '420111',
  '320102',
  '440524',
  '370202',
  '500103',
  '610113',
  '210102',
  '350521',
  '130102',
  '450103',
];

export function birthDate(r: Rand): [number, number, number] {
  const y = int(r, 1930, 2015);
  const m = int(r, 1, 12);
  const d = int(r, 1, 28);
  return [y, m, d];
}

export function residentId(r: Rand): string {
  const [y, m, d] = birthDate(r);
  const body = pick(r, REGIONS) + y + pad(m, 2) + pad(d, 2) + digits(r, 3);
  return body + residentIdCheckChar(body);
}

export function residentId15(r: Rand): string {
  const [y, m, d] = birthDate(r);
  return pick(r, REGIONS) + pad(y % 100, 2) + pad(m, 2) + pad(d, 2) + digits(r, 3);
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

export function uscc(r: Rand): string {
  for (;;) {
    let org = '';
    for (let k = 0; k < 8; k++)
      org += r() < 0.85 ? String(int(r, 0, 9)) : pick(r, [...'ABCDEFGHJKLMNPQRTUWXY']);
    org += orgCodeCheckChar(org);
    const body = pick(r, ['91', '92', '93', '11', '12', '51', '52', '53']) + pick(r, REGIONS) + org;
    if (![...body].every((c) => USCC_ALPHABET.includes(c))) continue;
    return body + usccCheckChar(body);
  }
}

const CARD_PREFIXES = [
  '622202',
  '621700',
  '622848',
  '623668',
  '621226',
  '622588',
  '436742',
  '524047',
  '625965',
];

export function bankCard(r: Rand): string {
  const len = r() < 0.5 ? 16 : 19;
  const body = pick(r, CARD_PREFIXES) + digits(r, len - 7);
  return body + luhnCheckDigit(body);
}

export function mobile(r: Rand): string {
  return '1' + pick(r, ['3', '5', '7', '8', '9']) + digits(r, 9);
}

export function ipv4(r: Rand): string {
  return [int(r, 1, 223), int(r, 0, 255), int(r, 0, 255), int(r, 1, 254)].join('.');
}

export function ipv6(r: Rand): string {
  const g = () => int(r, 0, 0xffff).toString(16);
  return r() < 0.5 ? ['2001', 'db8', g(), g(), g(), g(), g(), g()].join(':') : `240e:${g()}::${g()}`;
}

const FIRST = ['zhang', 'li', 'wang', 'chen', 'liu', 'alice', 'bob', 'j.smith', 'service', 'hr'];
const DOMAINS = ['example.com', 'qq.com', '163.com', 'example.com.cn', 'mail.example.org'];

export function email(r: Rand): string {
  return `${pick(r, FIRST)}${r() < 0.5 ? int(r, 1, 999) : ''}@${pick(r, DOMAINS)}`;
}

/** Writes a mobile the ways people do. */
export function formatMobile(r: Rand, m: string): string {
  switch (int(r, 0, 5)) {
    case 0:
      return `${m.slice(0, 3)}-${m.slice(3, 7)}-${m.slice(7)}`;
    case 1:
      return `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`;
    case 2:
      return `+86 ${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`;
    case 3:
      return `+86${m}`;
    default:
      return m;
  }
}

export function formatCard(r: Rand, c: string): string {
  if (r() < 0.5) return c;
  return c.match(/.{1,4}/g)!.join(r() < 0.5 ? ' ' : '-');
}

// ---- look-alikes: the same shape, failing the check ----

/** An ID with a wrong check character. */
export function badCheckId(r: Rand): string {
  const id = residentId(r);
  const chars = '0123456789X'.replace(id[17], '');
  return id.slice(0, 17) + pick(r, [...chars]);
}

/** An ID-shaped number with an impossible date and a correct check character. */
export function impossibleDateId(r: Rand): string {
  const body =
    pick(r, REGIONS) + int(r, 1950, 2000) + pick(r, ['0230', '1332', '0431', '0000']) + digits(r, 3);
  return body + residentIdCheckChar(body);
}

export function badLuhnCard(r: Rand): string {
  const c = bankCard(r);
  const last = (Number(c[c.length - 1]) + int(r, 1, 9)) % 10;
  return c.slice(0, -1) + last;
}

export function badUscc(r: Rand): string {
  const u = uscc(r);
  const chars = USCC_ALPHABET.replace(u[17], '');
  return u.slice(0, 17) + pick(r, [...chars]);
}

/** 11 digits with no mobile prefix. */
export function notMobile(r: Rand): string {
  return pick(r, ['10', '11', '12', '20', '55']) + digits(r, 9);
}

export function orderNumber(r: Rand): string {
  return '20' + digits(r, int(r, 14, 20));
}

export function badIpv4(r: Rand): string {
  return r() < 0.5
    ? `${int(r, 256, 999)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 0, 255)}`
    : `${int(r, 1, 9)}.${int(r, 0, 9)}.${int(r, 0, 9)}.${int(r, 0, 9)}.${int(r, 0, 9)}`;
}
