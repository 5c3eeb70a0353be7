import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { CLI } from '../../audit/actor.js';
import { verifyAudit } from '../../audit/verify.js';
import { describeConfig } from '../../config/config.js';
import { migrateToLatest, openStore } from '../../db/database.js';
import { transact } from '../../db/transaction.js';
import { AppContext } from '../../context.js';
import { writeKeyRing } from '../../crypto/keyring.js';
import { startServer } from '../../http/server.js';
import { VERSION } from '../../version.js';
import {
  action,
  CliError,
  configFrom,
  readSecret,
  storeOptions,
  withContext,
  type StoreFlags,
} from '../shared.js';
import { ROLES } from '../../accounts/permissions.js';

const progressBar = (label: string) =>
  process.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;

export function registerPlatformCommands(program: Command): void {
  storeOptions(
    program
      .command('serve')
      .description('serve the API, console and portal')
      .option('--port <n>', 'port (default 8080); env CUSTODIAN_PORT')
      .option('--host <host>', 'address to bind (default 127.0.0.1); env CUSTODIAN_HOST')
      .option('--log-level <level>', 'fatal, error, warn, info, debug, trace, silent'),
  ).action(
    action(async (flags: StoreFlags & { port?: string; host?: string }) => {
      await startServer(configFrom(flags), { handleSignals: true });
    }),
  );

  storeOptions(
    program.command('migrate').description('apply pending database migrations and report them'),
  ).action(
    action(async (flags: StoreFlags) => {
      const config = configFrom(flags);
      const store = openStore(AppContext.storeOptions(config));
      try {
        const results = await migrateToLatest(store.db, store.schema);
        if (!results.length) console.log(`Database ${store.location} is up to date.`);
        for (const r of results)
          console.log(`${r.status === 'Success' ? 'applied' : r.status}: ${r.migrationName}`);
      } finally {
        await store.close();
      }
    }),
  );

  storeOptions(
    program.command('config').description('print the effective configuration, secrets masked'),
  ).action(
    action(async (flags: StoreFlags) => {
      console.log(JSON.stringify(describeConfig(configFrom(flags)), null, 2));
    }),
  );

  const admin = program.command('admin').description('staff administration');
  storeOptions(
    admin
      .command('create')
      .description('create a staff user; the password is read from stdin or a prompt, never from arguments')
      .requiredOption('--username <name>', 'login name')
      .option('--role <role>', `one of ${ROLES.join(', ')}`, 'admin')
      .option('--display-name <name>', 'name shown in the console'),
  ).action(
    action(async (flags: StoreFlags & { username: string; role: string; displayName?: string }) => {
      const password = await readSecret('Password: ');
      await withContext(
        flags,
        async (ctx) => {
          const u = await ctx.accounts.createUser(CLI, {
            username: flags.username,
            role: flags.role,
            displayName: flags.displayName,
            password,
          });
          console.error(`Created ${u.role} ${u.username} (${u.id}).`);
          // The first administrator of a new installation may be made before anything else ran.
        },
        {},
        { create: true },
      );
    }),
  );

  const apikey = program.command('apikey').description('API keys for the provider’s servers');
  storeOptions(
    apikey
      .command('create')
      .description('create an API key and print it alone on stdout (shown once)')
      .requiredOption('--name <name>', 'what the key is for')
      .requiredOption('--scopes <list>', 'comma-separated permissions, or all'),
  ).action(
    action(async (flags: StoreFlags & { name: string; scopes: string }) => {
      await withContext(flags, async (ctx) => {
        const scopes = flags.scopes
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const k = await ctx.accounts.createApiKey(CLI, { name: flags.name, scopes });
        process.stdout.write(k.key + '\n');
      });
    }),
  );
  storeOptions(
    apikey
      .command('list')
      .description('list API keys (never the key itself)')
      .option('--json', 'one JSON array on stdout, for scripts'),
  ).action(
    action(async (flags: StoreFlags & { json?: boolean }) => {
      await withContext(flags, async (ctx) => {
        const keys = await ctx.accounts.listApiKeys();
        if (flags.json) return void process.stdout.write(JSON.stringify(keys) + '\n');
        if (!keys.length) return console.log('No API keys.');
        console.table(
          keys.map((k) => ({
            id: k.id,
            name: k.name,
            prefix: `cus_${k.prefix}_…`,
            scopes: k.scopes.join(','),
            lastUsed: k.lastUsedAt ?? '-',
            revoked: k.revokedAt ?? '-',
          })),
        );
      });
    }),
  );
  storeOptions(apikey.command('revoke').description('revoke an API key').argument('<id>', 'key id')).action(
    action(async (id: string, flags: StoreFlags) => {
      await withContext(flags, async (ctx) => {
        await ctx.accounts.revokeApiKey(CLI, id);
        console.log(`Revoked ${id}.`);
      });
    }),
  );

  const audit = program.command('audit').description('the tamper-evident audit log');
  storeOptions(
    audit
      .command('verify')
      .description('re-compute the hash chain and signed checkpoints; exit 2 naming the first bad entry'),
  ).action(
    action(async (flags: StoreFlags) => {
      await withContext(flags, async (ctx) => {
        const bar = progressBar('Verifying');
        let started = false;
        const r = await verifyAudit(ctx.store, ctx.keys, (done, total) => {
          if (!bar) return;
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        });
        bar?.stop();
        const rate = `${r.checked} entries, ${r.checkpoints} signed checkpoints, ${Math.round(r.elapsedMs)} ms (${r.perSecond.toLocaleString('en')} entries/s)`;
        if (r.ok) console.log(`Audit log intact: ${rate}.`);
        else
          throw new CliError(
            `audit log NOT intact: ${r.problem!.message} [entry ${r.problem!.seq}, ${r.problem!.kind}]; checked ${rate}`,
            2,
          );
      });
    }),
  );

  const keys = program.command('keys').description('the key ring');
  storeOptions(
    keys
      .command('rotate')
      .description('add a new active master and signing key; re-seal stored secrets; old keys stay readable'),
  ).action(
    action(async (flags: StoreFlags) => {
      await withContext(flags, async (ctx) => {
        const next = ctx.keys.rotated();
        // The new ring (old keys included) is written first: whatever happens next, every value stays readable,
        // and running instances pick the new keys up when they meet a value sealed with one.
        writeKeyRing(ctx.keyLocation, next);
        const endpoints = await ctx.db.selectFrom('webhook_endpoints').select(['id', 'secret']).execute();
        const users = await ctx.db
          .selectFrom('users')
          .select(['id', 'totp_secret'])
          .where('totp_secret', 'is not', null)
          .execute();
        await transact(ctx.db, async (tx) => {
          for (const e of endpoints) {
            const plain = ctx.keys.open(e.secret, `webhook:${e.id}`);
            await tx.db
              .updateTable('webhook_endpoints')
              .set({ secret: next.seal(plain, `webhook:${e.id}`) })
              .where('id', '=', e.id)
              .execute();
          }
          for (const u of users) {
            const plain = ctx.keys.open(u.totp_secret!, `totp:${u.id}`);
            await tx.db
              .updateTable('users')
              .set({ totp_secret: next.seal(plain, `totp:${u.id}`) })
              .where('id', '=', u.id)
              .execute();
          }
        });
        const bar = progressBar('Re-wrapping data keys');
        let started = false;
        const subjects = await ctx.vault.rewrapAll(next, (done, total) => {
          if (!bar) return;
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        });
        bar?.stop();
        const resealed = endpoints.length + users.length;
        await transact(ctx.db, (tx) =>
          ctx.audit.append(tx, {
            action: 'keys.rotate',
            actor: CLI,
            details: { master: next.activeMasterId, signing: next.activeSigningId, resealed, subjects },
          }),
        );
        console.log(
          `Active master key ${next.activeMasterId}, signing key ${next.activeSigningId}; re-sealed ${resealed} secrets and ${subjects} subject data keys.`,
        );
      });
    }),
  );

  program
    .command('version')
    .description('print the version')
    .action(() => console.log(VERSION));
}
