import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError } from './errors.js';

/** Distinct clients counted in one window before the count starts afresh (bounds memory under a flood). */
const MAX_CLIENTS = 100_000;

/**
 * The per-client request limit of the API and console: `max` requests per client address per fixed window,
 * then 429 with `retry-after` until the window ends. Synchronous (one map read and write, no promise), as it
 * runs before every request including the purpose check's hot path. IPv6 clients count per /56, the block
 * one customer is usually given, so rotating addresses inside it gains nothing.
 */
export function rateLimitHook(max: number, windowMs = 60_000) {
  let windowEnd = 0;
  let counts = new Map<string, number>();
  return function rateLimit(req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    const now = Date.now();
    if (now >= windowEnd || counts.size >= MAX_CLIENTS) {
      counts = new Map();
      windowEnd = now + windowMs;
    }
    const key = clientKey(req.ip);
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n <= max) return done();
    const retry = Math.ceil((windowEnd - now) / 1000);
    reply.header('retry-after', String(retry));
    done(new AppError(429, 'rate_limited', `Too many requests; retry in ${retry} s`));
  };
}

/** The address an IPv4 client is counted under, or the /56 of an IPv6 one. */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const addr = ip.split('%')[0].toLowerCase();
  // IPv4-mapped (::ffff:192.0.2.1) is the IPv4 client.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  if (mapped) return mapped[1];
  const [head, tail] = addr.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  const g = groups.map((x) => x.padStart(4, '0'));
  return `${g[0]}:${g[1]}:${g[2]}:${(g[3] ?? '0000').slice(0, 2)}00::/56`;
}
