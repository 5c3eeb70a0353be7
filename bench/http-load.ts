// Helpers shared by the HTTP load suites (bench/gate, bench/purpose-check): child-process servers, a bare
// Fastify peer that returns a constant, and a median of alternating autocannon rounds.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}
