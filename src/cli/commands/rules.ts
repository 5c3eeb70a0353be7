import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CLI } from '../../audit/actor.js';
import { IMPORT_LIMITS, importConsents } from '../../rules/consent-import.js';
import { retentionService, type SweepView } from '../../rules/retention.js';
import { action, CliError, storeOptions, withContext, type StoreFlags } from '../shared.js';

function printSweep(s: SweepView): void {
  const m = s.summary;
  console.log(
    `Retention report ${s.id} (${s.status}; rules version ${s.rulesVersion ?? '-'}; as of ${s.asOf})`,
  );
  if (m.message) console.log(m.message);
  console.log(
    `  ${m.subjects} subjects, ${m.fields} fields examined: ${m.delete} to delete, ${m.anonymise} to anonymise, ${m.unregistered} in categories no published purpose lists (left alone)`,
  );
  for (const [p, n] of Object.entries(m.byPurpose)) console.log(`  purpose ${p}: ${n}`);
  if (s.applied)
    console.log(
      `  applied: ${s.applied.applied} changed in ${s.applied.subjects} subjects, ${s.applied.skipped} skipped (no longer expired or gone)`,
    );
}

/** `custodian consents import` and `custodian retention sweep|apply`. */
export function registerRulesCommands(program: Command): void {
  const consents = program.command('consents').description('the consent ledger');
  storeOptions(
    consents
      .command('import')
      .description(
        `import consents given before Custodian from CSV or JSONL (at most ${IMPORT_LIMITS.rows} rows, ${IMPORT_LIMITS.bytes / 1024 / 1024} MB); nothing is written if a row is bad unless --no-atomic`,
      )
      .argument(
        '<file>',
        'CSV (header subject,purpose,given,rulesVersion,channel,time,separate,evidence) or JSONL',
      )
      .option('--format <format>', 'csv or jsonl (default: from the file name)')
      .option('--dry-run', 'validate only; write nothing')
      .option('--no-atomic', 'write the good rows even when some rows are bad'),
  ).action(
    action(
      async (file: string, flags: StoreFlags & { format?: string; dryRun?: boolean; atomic: boolean }) => {
        const ext = path.extname(file).toLowerCase();
        // JSON lines go by the names the other commands read them by, too.
        const format = flags.format ?? (['.jsonl', '.ndjson', '.json'].includes(ext) ? 'jsonl' : 'csv');
        if (format !== 'csv' && format !== 'jsonl') throw new CliError('--format must be csv or jsonl', 2);
        if (statSync(file).size > IMPORT_LIMITS.bytes)
          throw new CliError(`${file} is larger than ${IMPORT_LIMITS.bytes} bytes; split it`, 2);
        // Bytes that are no UTF-8 would be stored as U+FFFD and the audited hash would not be the file's.
        let data: string;
        try {
          // The byte-order mark is kept (ignoreBOM): the audited hash is the file's own, as `sha256sum` gives it.
          data = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(readFileSync(file));
        } catch {
          throw new CliError(`${file} is not valid UTF-8`, 2);
        }
        const r = await withContext(flags, (ctx) =>
          importConsents(ctx.store, ctx.audit, (v) => ctx.rules.version(v), CLI, {
            format,
            data,
            dryRun: flags.dryRun,
            atomic: flags.atomic,
          }),
        );
        // An empty file is most often the wrong file: say so, as for a bad row.
        if (r.received === 0) throw new CliError(`${file} holds no rows to import`, 1);
        const verb = r.dryRun ? 'dry run' : r.imported ? 'imported' : 'nothing written';
        console.log(
          `${verb}: ${r.received} rows, ${r.imported} imported, ${r.valid} valid, ${r.duplicates} already in the ledger, ${r.failed} failed (sha256 ${r.sha256})`,
        );
        for (const e of r.errors) console.log(`line ${e.row}: ${e.field}: ${e.message} [${e.code}]`);
        if (r.errorsTruncated) console.log(`… more errors than the first ${r.errors.length}`);
        if (r.failed) process.exitCode = 1;
      },
    ),
  );

  const retention = program
    .command('retention')
    .description('the retention sweep: personal information past its purposes’ retention (PIPL 19, 47)');
  storeOptions(
    retention
      .command('sweep')
      .description('make a dry-run report; with --apply, apply it at once')
      .option('--apply', 'delete or anonymise what the report lists, as the register says'),
  ).action(
    action(async (flags: StoreFlags & { apply?: boolean }) => {
      await withContext(flags, async (ctx) => {
        const s = retentionService(ctx);
        const report = await s.sweep(CLI);
        printSweep(report);
        if (flags.apply && report.status === 'report') printSweep(await s.apply(CLI, report.id));
        else if (report.status === 'report')
          console.log(`Review it, then: custodian retention apply ${report.id}`);
      });
    }),
  );
  storeOptions(
    retention
      .command('apply')
      .description('apply a reviewed report; each item is checked again first')
      .argument('<id>', 'report id'),
  ).action(
    action(async (id: string, flags: StoreFlags) => {
      await withContext(flags, async (ctx) => printSweep(await retentionService(ctx).apply(CLI, id)));
    }),
  );
}
