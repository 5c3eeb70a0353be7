import { SYSTEM } from '../audit/actor.js';
import { purgeAudit } from '../audit/retention.js';
import type { Config } from '../config/config.js';
import { AppContext } from '../context.js';
import { retentionService } from '../rules/retention.js';
import { purgeFinished } from '../jobs/housekeeping.js';
import { buildApp } from './app.js';

export interface RunningServer {
  url: string;
  ctx: AppContext;
  close(): Promise<void>;
}

/**
 * Starts the platform: context (keys, database, migrations), HTTP, background jobs. Shuts down gracefully
 * on SIGTERM/SIGINT: stop accepting, finish in-flight requests, sign the audit head, close the database.
 */
export async function startServer(
  config: Config,
  opts: { handleSignals?: boolean } = {},
): Promise<RunningServer> {
  const started = performance.now();
  const ctx = await AppContext.create(config);
  const log = ctx.logger;
  if (ctx.keysCreated)
    log.warn(
      { keyFile: ctx.keyLocation.file },
      'Created a new key ring in the data directory. For production keep keys elsewhere: CUSTODIAN_KEY_FILE on a secret mount, encrypted with CUSTODIAN_MASTER_KEY',
    );
  if (!ctx.keyLocation.wrappingKey && config.mode === 'production')
    log.warn('The key ring is stored unencrypted; set CUSTODIAN_MASTER_KEY in production');
  const app = await buildApp(ctx, {
    logRequests: config.logLevel === 'debug' || config.logLevel === 'trace',
  });
  await app.listen({ port: config.port, host: config.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;

  if (config.jobs.enabled) ctx.jobs.start(config.jobs.pollMs);
  // Rule-set versions published on any instance are picked up here within `ruleReloadMs`.
  ctx.ruleCache.start(config.moderation.ruleReloadMs, (err) => log.error({ err }, 'rule set reload failed'));
  ctx.moderation.startCounters();
  const timers = [
    setInterval(
      () =>
        void ctx.audit.checkpointHead(ctx.db).catch((err) => log.error({ err }, 'audit checkpoint failed')),
      5 * 60_000,
    ),
    setInterval(
      () =>
        void purgeAudit(ctx.db, ctx.audit, config.audit.retentionDays).catch((err) =>
          log.error({ err }, 'audit purge failed'),
        ),
      24 * 3_600_000,
    ),
    // Allowed purpose checks are audited in aggregate, once a minute.
    setInterval(
      () =>
        void ctx.rules.flushAllowed(SYSTEM).catch((err) => log.error({ err }, 'purpose-check flush failed')),
      60_000,
    ),
    // Finished jobs, delivered webhooks and development messages, past their keeping time.
    setInterval(
      () => void purgeFinished(ctx.db).catch((err) => log.error({ err }, 'housekeeping failed')),
      24 * 3_600_000,
    ),
    // ICP Measures 14 / CSL 21 (23): evidence kept its retention period, then purged (legal holds excepted).
    setInterval(
      () =>
        void ctx.moderation.purgeExpired(SYSTEM).catch((err) => log.error({ err }, 'evidence purge failed')),
      3_600_000,
    ),
  ];
  // PIPL 19, 47: the retention sweep makes its dry-run report every `retention.sweepIntervalHours` (checked
  // hourly and a minute after start, so restarts do not postpone it); applied only with `retention.autoApply`.
  if (config.retention.sweepIntervalHours > 0) {
    const sweep = () =>
      void retentionService(ctx)
        .scheduled()
        .catch((err) => log.error({ err }, 'retention sweep failed'));
    timers.push(setInterval(sweep, 3_600_000), setTimeout(sweep, 60_000));
  }
  for (const t of timers) t.unref();

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      for (const t of timers) clearInterval(t);
      await app.close();
      await ctx.jobs.stop();
      await ctx.rules.flushAllowed(SYSTEM).catch(() => null);
      await ctx.audit.checkpointHead(ctx.db).catch(() => null);
      await ctx.close();
      log.info('Custodian stopped');
    })());

  if (opts.handleSignals) {
    for (const sig of ['SIGTERM', 'SIGINT'] as const)
      process.once(sig, () => {
        log.info({ signal: sig }, 'shutting down');
        close().then(
          () => process.exit(0),
          (err) => {
            log.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
  }
  log.info(
    { url, database: ctx.store.dialect.name, readyMs: Math.round(performance.now() - started) },
    `Custodian ready at ${url}`,
  );
  return { url, ctx, close };
}
