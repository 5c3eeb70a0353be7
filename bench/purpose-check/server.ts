// The Custodian HTTP server for the purpose-check benchmark, in its own process: the real buildApp on the
// store the benchmark seeded (given as JSON in BENCH_STORE), as `custodian serve` runs it. Prints READY <url>.
import { SYSTEM } from '../../src/audit/actor.js';
import { AppContext } from '../../src/context.js';
import { buildApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { benchConfig, openBenchStore, type BenchStore } from './store.js';

const b = JSON.parse(process.env.BENCH_STORE!) as BenchStore;
const ctx = await AppContext.create(benchConfig(b.dataDir), {
  store: openBenchStore(b),
  logger: createLogger('silent'),
});
const app = await buildApp(ctx);
await app.listen({ port: 0, host: '127.0.0.1' });
// As `custodian serve`: allowed checks are audited in aggregate once a minute.
setInterval(() => void ctx.rules.flushAllowed(SYSTEM).catch(() => null), 60_000).unref();
const addr = app.server.address();
console.log(`READY http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`);
// A clean exit on SIGINT lets `node --cpu-prof` write its profile.
process.once('SIGINT', () => process.exit(0));
