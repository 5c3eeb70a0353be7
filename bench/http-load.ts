// Helpers shared by the HTTP load suites (bench/gate, bench/purpose-check): child-process servers, a bare
// Fastify peer that returns a constant, and a median of alternating autocannon rounds.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type autocannon from 'autocannon';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** Starts `node <args>` and resolves with the URL the child prints once it matches `ready`. */
export function child(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ url: string; pid: number; kill: () => void }> {
  const c = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const on = (d: Buffer) => {
      out += d;
      const m = ready.exec(out);
      // SIGINT first so a profiled child (`node --cpu-prof`) writes its profile; SIGKILL if it lingers.
      const kill = () => {
        c.kill('SIGINT');
        setTimeout(() => c.kill('SIGKILL'), 3000).unref();
      };
      if (m) resolve({ url: m[1], pid: c.pid!, kill });
    };
    c.stdout.on('data', on);
    c.stderr.on('data', on);
    c.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

/**
 * A bare Fastify server in its own process (so it pays the same process and socket costs as Custodian's),
 * answering POST / with `constant`.
 */
export function bareFastify(constant: unknown): ReturnType<typeof child> {
  const src = `import Fastify from 'fastify'; const a = Fastify(); const c = ${JSON.stringify(constant)};
    a.post('/', async () => c);
    await a.listen({ port: 0, host: '127.0.0.1' }); console.log('READY http://127.0.0.1:' + a.server.address().port + '/');`;
  return child(['--input-type=module', '-e', src], {}, /READY (http:\/\/\S+)/);
}

/** The middle round by requests per second (rounds alternate between targets, so load hits them alike). */
export const median = (rs: autocannon.Result[]): autocannon.Result =>
  [...rs].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(rs.length / 2)];

/**
 * Starts counting the CPU time of process `pid` and of the local PostgreSQL server; the returned function,
 * given the requests answered since, gives each one's µs per request (the server's, the database's).
 */
export function cpuMeter(pid: number): (requests: number) => { serverUs: number; dbUs: number } {
  const cpu0 = cpuSeconds(pid);
  const db0 = postgresCpuSeconds();
  return (requests) => ({
    serverUs: ((cpuSeconds(pid) - cpu0) / requests) * 1e6,
    dbUs: ((postgresCpuSeconds() - db0) / requests) * 1e6,
  });
}

/**
 * CPU seconds (user + system) of the local PostgreSQL server so far, from /proc (Linux); 0 without one. Its
 * processes' own time plus that of their children that have ended (backends and workers come and go).
 */
export function postgresCpuSeconds(): number {
  let sum = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres')
        sum += cpuSeconds(Number(pid), true);
    } catch {
      // the process ended meanwhile
    }
  }
  return sum;
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. With `children`,
 * also that of its ended children.
 */
export function cpuSeconds(pid: number, children = false): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const x = f
      .slice(f.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // utime, stime (then cutime, cstime) in clock ticks (USER_HZ = 100)
    return (x[11] + x[12] + (children ? x[13] + x[14] : 0)) / 100;
  } catch {
    return NaN;
  }
}
