import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientKey } from '../../src/http/rate-limit.js';
import { makeContext, type TestContext } from '../helpers/dialects.js';
import { makeApp } from '../helpers/http.js';

describe('clientKey', () => {
  it('counts IPv4 clients by address and IPv6 clients by /56', () => {
    expect(clientKey('198.51.100.7')).toBe('198.51.100.7');
    expect(clientKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    const a = clientKey('2001:db8:1234:5601::1');
    expect(a).toBe('2001:0db8:1234:5600::/56');
    expect(clientKey('2001:db8:1234:56ff:ffff:ffff:ffff:ffff')).toBe(a);
    expect(clientKey('2001:DB8:1234:5601:0:0:0:9%eth0')).toBe(a);
    expect(clientKey('2001:db8:1234:5700::1')).not.toBe(a);
    expect(clientKey('::1')).toBe('0000:0000:0000:0000::/56');
  });
});

// The limiter runs in memory, before any storage: one dialect is enough.
describe('per-client request limit', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext('sqlite', { 'http.rateLimitPerMinute': 5 });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('answers 429 with retry-after past the limit, per address, and never limits the probes', async () => {
    const app = await makeApp(t.ctx);
    const get = (remoteAddress: string, url = '/api/v1/auth/session') =>
      app.inject({ method: 'GET', url, remoteAddress });
    for (let i = 0; i < 5; i++) expect((await get('198.51.100.1')).statusCode).toBe(401);
    const over = await get('198.51.100.1');
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('rate_limited');
    const retry = Number(over.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(over.headers['x-content-type-options']).toBe('nosniff');
    // Another client is not affected; IPv6 neighbours in one /56 share a count.
    expect((await get('198.51.100.2')).statusCode).toBe(401);
    for (let i = 0; i < 5; i++) expect((await get(`2001:db8:0:1::${i + 1}`)).statusCode).toBe(401);
    expect((await get('2001:db8:0:2::77')).statusCode).toBe(429);
    for (let i = 0; i < 10; i++) expect((await get('198.51.100.1', '/api/health')).statusCode).toBe(200);
    await app.close();
  });
});
