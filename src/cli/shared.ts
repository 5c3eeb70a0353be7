import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { AppContext, type ContextOverrides } from '../context.js';
import { createLogger } from '../logger.js';

export interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
  port?: string;
  host?: string;
  logLevel?: string;
}

/** Adds the options every command that touches the store shares. */
export function storeOptions(cmd: Command): Command {
  return cmd
    .option(
      '--data-dir <dir>',
      'data directory (SQLite database and keys); env CUSTODIAN_DATA_DIR',
      undefined,
    )
    .option('--database-url <url>', 'PostgreSQL URL; env CUSTODIAN_DATABASE_URL', undefined)
    .option('--config <file>', 'configuration file; default ./custodian.config.json', undefined);
}

export function configFrom(flags: StoreFlags): Config {
  return loadConfig({
    configFile: flags.config,
    requireFile: flags.config !== undefined,
    flags: {
      dataDir: flags.dataDir,
      databaseUrl: flags.databaseUrl,
      port: flags.port,
      host: flags.host,
      logLevel: flags.logLevel,
    },
  });
}

/** Builds the same context the server uses, runs `fn`, closes it. CLI logs go to stderr, quietly. */
export async function withContext<T>(
  flags: StoreFlags,
  fn: (ctx: AppContext) => Promise<T>,
  overrides: ContextOverrides = {},
  opts: { create?: boolean } = {},
): Promise<T> {
  const config = configFrom(flags);
  // Only commands that set a store up may create one: a mistyped --data-dir would otherwise get a new
  // empty database and key ring, and `audit verify` would report it intact.
  const store = AppContext.storeOptions(config);
  if (!opts.create && store.kind === 'sqlite' && !existsSync(store.file))
    throw new CliError(`no database at ${store.file} (run custodian migrate or serve to create one)`);
  const ctx = await AppContext.create(config, {
    logger: createLogger(process.env.CUSTODIAN_LOG_LEVEL ?? 'warn', process.stderr as never),
    ...overrides,
  });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Wraps an action so known failures print one line and set the exit code, without a stack trace. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof ConfigError) console.error(`custodian: configuration: ${err.message}`);
      else if (err instanceof CliError) console.error(`custodian: ${err.message}`);
      else if (err instanceof Error && err.name === 'AppError') console.error(`custodian: ${err.message}`);
      else console.error(`custodian: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = err instanceof CliError ? err.exitCode : 1;
    }
  };
}

/** Reads a secret from stdin when piped, or prompts without echo on a terminal. Never from argv. */
export async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (ch: string) => {
      for (const c of ch) {
        if (c === '\r' || c === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          return resolve(value);
        }
        if (c === '\u0003') {
          stdin.setRawMode(false);
          return reject(new CliError('cancelled', 130));
        }
        if (c === '\u007f') value = value.slice(0, -1);
        else value += c;
      }
    };
    stdin.on('data', onData);
  });
}
