import path from 'node:path';
import type { Logger } from 'pino';
import { AccountService } from './accounts/service.js';
import { AuditLog } from './audit/service.js';
import type { Config } from './config/config.js';
import { loadOrCreateKeyRing, type KeyRing, type KeyRingLocation } from './crypto/keyring.js';
import { migrateToLatest, openStore, type Store, type StoreOptions } from './db/database.js';
import { JobQueue } from './jobs/queue.js';
import { createLogger } from './logger.js';
import { createNotifier, type Notifier } from './notifier/notifier.js';
import { ReportService } from './moderation/reports.js';
import { RuleSetCache, RuleSetService } from './moderation/rule-sets.js';
import { ModerationService } from './moderation/service.js';
import { RulesService } from './rules/service.js';
import { VaultService } from './vault/service.js';
import { WebhookService } from './webhooks/service.js';

export interface ContextOverrides {
  store?: Store;
  logger?: Logger;
  notifier?: Notifier;
  keys?: KeyRing;
  /** Skip applying migrations (the `migrate` command reports them itself). */
  skipMigrations?: boolean;
}

/**
 * Every dependency, built once from the configuration. The HTTP server, the CLI and tests all build it
 * the same way, so the same services run everywhere.
 */
export class AppContext {
  private constructor(
    readonly config: Config,
    readonly store: Store,
    readonly keys: KeyRing,
    readonly keyLocation: KeyRingLocation,
    readonly logger: Logger,
    readonly audit: AuditLog,
    readonly accounts: AccountService,
    readonly jobs: JobQueue,
    readonly webhooks: WebhookService,
    readonly vault: VaultService,
    readonly ruleSets: RuleSetService,
    readonly ruleCache: RuleSetCache,
    readonly moderation: ModerationService,
    readonly reports: ReportService,
    readonly rules: RulesService,
    readonly notifier: Notifier,
    readonly keysCreated: boolean,
  ) {}

  get db() {
    return this.store.db;
  }

  static storeOptions(config: Config): StoreOptions {
    return config.databaseUrl
      ? { kind: 'postgres', url: config.databaseUrl }
      : { kind: 'sqlite', file: path.join(config.dataDir, 'custodian.db') };
  }

  static keyLocation(config: Config): KeyRingLocation {
    return {
      file: config.keys.file ?? path.join(config.dataDir, 'keys', 'keyring.json'),
      wrappingKey: config.keys.masterKey,
    };
  }

  static async create(config: Config, o: ContextOverrides = {}): Promise<AppContext> {
    const logger = o.logger ?? createLogger(config.logLevel);
    const keyLocation = AppContext.keyLocation(config);
    let keys = o.keys;
    let keysCreated = false;
    if (!keys) {
      const loaded = loadOrCreateKeyRing(keyLocation);
      keys = loaded.ring;
      keysCreated = loaded.created;
    }
    const options = AppContext.storeOptions(config);
    const store =
      o.store ??
      openStore(
        options.kind === 'postgres'
          ? {
              ...options,
              onConnectionError: (err) =>
                logger.warn(
                  { code: (err as { code?: string }).code },
                  'database connection lost while idle; reconnecting on next use',
                ),
            }
          : options,
      );
    try {
      if (!o.skipMigrations) await migrateToLatest(store.db, store.schema);
    } catch (err) {
      await store.close();
      throw err;
    }
    const audit = new AuditLog(keys, config.audit.checkpointEvery);
    const jobs = new JobQueue(store, logger);
    const notifier = o.notifier ?? createNotifier(config, store.db);
    const webhooks = new WebhookService(store.db, keys, audit, jobs);
    const rules = new RulesService(store.db, audit, {
      providerName: config.providerName,
      officerContact: config.rules.officerContact,
      complaintChannel: config.rules.complaintChannel,
    });
    const ruleCache = new RuleSetCache(store.db);
    const moderation = new ModerationService(
      store.db,
      keys,
      audit,
      webhooks,
      ruleCache,
      config.moderation.evidenceRetentionDays,
    );
    const ctx = new AppContext(
      config,
      store,
      keys,
      keyLocation,
      logger,
      audit,
      new AccountService(store.db, config, keys, audit),
      jobs,
      webhooks,
      new VaultService(store.db, keys, audit, rules),
      new RuleSetService(store.db, audit),
      ruleCache,
      moderation,
      new ReportService(store.db, audit, moderation, config.providerName),
      rules,
      notifier,
      keysCreated,
    );
    jobs.register('notify.send', (m) => notifier.send(m));
    rules.useStore(store);
    if (!o.skipMigrations) await ruleCache.refresh();
    return ctx;
  }

  async close(): Promise<void> {
    this.ruleCache.stop();
    await this.moderation.stop();
    await this.jobs.stop();
    await this.store.close();
  }
}
