// Paired A/B runs of one HTTP target in two checkouts of Custodian: both servers run at once against the
// same data, and rounds alternate bare / A / bare / B (the order reversed every other round), so each pair
// sees the same moment of this shared machine. Used to judge one change; the suites in bench/ report levels.
import autocannon from 'autocannon';
import { cpuMeter } from '../http-load.js';

export interface Target {
  url: string;
  pid: number;
  headers: Record<string, string>;
}

/** The two checkouts: AB_BASE (default /tmp/custodian-base, e.g. a `git worktree` of the commit before) and this one. */
export const roots = (here: string) => [process.env.AB_BASE ?? '/tmp/custodian-base', here];
/**
 * Extra environment for side A and side B (`AB_ENV_A`, `AB_ENV_B`: `NAME=value` pairs separated by spaces), so
 * one checkout can also be compared with itself under two settings (`AB_BASE` set to this checkout).
 */
export const sideEnv = (side: 'A' | 'B'): Record<string, string> =>
  Object.fromEntries(
    (process.env[`AB_ENV_${side}`] ?? '')
      .split(' ')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
export const SECONDS = Number(process.env.AB_SECONDS ?? 5);
export const ROUNDS = Number(process.env.AB_ROUNDS ?? 6);
/**
 * `AB_RATE` holds every target at that many requests per second instead of as many as it can answer: the
 * CPU per request then compares code without the slower side also paying for waking an idle load generator.
 */
export const RATE = Number(process.env.AB_RATE ?? 0);

/**
 * One autocannon round: requests per second, p99, the target process's CPU time per request and that of the
 * local PostgreSQL server's processes (0 on SQLite).
 */
export async function round(t: Target, body: () => string, seconds = SECONDS) {
  const meter = cpuMeter(t.pid);
  const r = await autocannon({
    url: t.url,
    method: 'POST',
    connections: 50,
    duration: seconds,
    ...(RATE ? { overallRate: RATE } : {}),
    headers: t.headers,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  if (r.errors + r.non2xx > 0)
    console.error(`errors: ${r.errors}, answers by status: ${JSON.stringify(r.statusCodeStats)}`);
  const { serverUs, dbUs } = meter(r.requests.total);
  return { rps: r.requests.average, p99: r.latency.p99, us: serverUs, dbUs };
}

/** Warms every target, runs the paired rounds and prints one line per round and the medians. */
export async function compare(bare: Target, a: Target, b: Target, body: () => string, label: string) {
  for (const t of [bare, a, b]) await round(t, body, 2);
  const share: number[][] = [[], []];
  const cpu: number[][] = [[], []];
  const db: number[][] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [1, 0] : [0, 1];
    const line: string[] = [];
    for (const k of order) {
      const base = await round(bare, body);
      const g = await round(k ? b : a, body);
      share[k].push(g.rps / base.rps);
      cpu[k].push(g.us / base.us);
      db[k].push(g.dbUs);
      line.push(
        `${'AB'[k]} ${((100 * g.rps) / base.rps).toFixed(1)}% (${Math.round(g.rps)} of ${Math.round(base.rps)} req/s, ${g.us.toFixed(0)} / ${base.us.toFixed(0)} µs, database ${g.dbUs.toFixed(0)} µs, p99 ${g.p99} ms)`,
      );
    }
    console.log(`round ${r + 1}: ${line.join('  ')}`);
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const wins = share[0].filter((x, k) => share[1][k] > x).length;
  console.log(
    `${label}: median share of bare A ${(100 * med(share[0])).toFixed(1)}%, B ${(100 * med(share[1])).toFixed(1)}%; ` +
      `server CPU ÷ bare A ${med(cpu[0]).toFixed(2)}, B ${med(cpu[1]).toFixed(2)}; ` +
      `database CPU per request A ${med(db[0]).toFixed(0)} µs, B ${med(db[1]).toFixed(0)} µs; B ahead in ${wins} of ${ROUNDS} pairs`,
  );
}
