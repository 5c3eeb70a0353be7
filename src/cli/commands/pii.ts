// `custodian pii scan|redact`: stream records from a file or stdin through the detection engine.
import { createReadStream, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { ALL_PII_TYPES, PII_TYPES, type PiiType } from '../../pii/index.js';
import { parseCsvRecord, quoteBalance } from './pii-csv.js';
import { InlineRunner, OrderedPipeline, WorkerRunner, type BatchRunner } from './pii-pool.js';
import type {
  PiiBatch,
  PiiBatchResult,
  PiiCliOperator,
  PiiInputFormat,
  PiiJobConfig,
} from './pii-records.js';

interface PiiCliOptions {
  input?: string;
  format?: PiiInputFormat;
  fields: string;
  columns?: string;
  workers?: string;
  summary?: boolean;
  operator: PiiCliOperator;
  types?: string;
  minScore?: string;
}

const BATCH_RECORDS = 512;
const BATCH_CHARS = 256 * 1024;

class UsageError extends Error {}

/**
 * Registers `pii scan` and `pii redact` on a commander program.
 *
 * @example
 * const program = new Command('custodian');
 * registerPiiCommands(program);
 * await program.parseAsync(['node', 'custodian', 'pii', 'scan', '--input', 'users.jsonl']);
 */
export function registerPiiCommands(program: Command): void {
  const pii = program
    .command('pii')
    .description('Find and de-identify personal information in files (Decision art. 1; PIPL 51)');

  withInputOptions(pii.command('scan'))
    .description('Report personal information, one JSON line per record, in input order')
    .action(async (opts: PiiCliOptions) => {
      process.exitCode = await runPii('scan', opts);
    });

  withInputOptions(pii.command('redact'))
    .description('Write the records with personal information masked, removed, tagged or pseudonymised')
    .addOption(
      new Option(
        '--operator <operator>',
        'what replaces each finding; pseudonymize reads a hex key from CUSTODIAN_PSEUDONYM_KEY, encrypt (AES-256-GCM, reversible with `pii decrypt`) one from CUSTODIAN_ENCRYPTION_KEY',
      )
        .choices(['mask', 'redact', 'replace', 'pseudonymize', 'encrypt'])
        .default('replace'),
    )
    .action(async (opts: PiiCliOptions) => {
      process.exitCode = await runPii('redact', opts);
    });

  withInputOptions(pii.command('decrypt'))
    .description(
      'Restore the values that `redact --operator encrypt` replaced, with the key from CUSTODIAN_ENCRYPTION_KEY',
    )
    .action(async (opts: PiiCliOptions) => {
      process.exitCode = await runPii('decrypt', opts);
    });
}

function withInputOptions(cmd: Command): Command {
  return cmd
    .option('--input <file>', 'read this file instead of stdin')
    .addOption(
      new Option('--format <format>', 'input format (default: from the file extension, else text)').choices([
        'text',
        'jsonl',
        'csv',
      ]),
    )
    .option('--fields <a,b>', 'jsonl: string fields to process', 'text')
    .option('--columns <a,b>', 'csv: columns to process (default: all)')
    .option('--workers <n>', 'worker threads; 0 runs in process (default: min(2, cores))')
    .option('--types <A,B>', 'only these types (e.g. PHONE_NUMBER,CN_RESIDENT_ID)')
    .option('--min-score <x>', 'drop findings scoring below x (default 0.5)')
    .option('--summary', 'print the summary table on stderr even when stderr is not a terminal')
    .addHelpText(
      'after',
      '\nOutput goes to stdout, one line per record, in input order; progress and summary go to stderr.\n' +
        'A bad input line (invalid JSON, missing field) is reported on stderr with its line number and skipped;\n' +
        'the command goes on and exits with code 2. Usage errors exit with code 1.',
    );
}

function inferFormat(input: string | undefined): PiiInputFormat {
  if (input && /\.(jsonl|ndjson|json)$/i.test(input)) return 'jsonl';
  if (input && /\.csv$/i.test(input)) return 'csv';
  return 'text';
}

function fieldList(value: string | undefined): string[] {
  const fields = list(value) ?? ['text'];
  if (!fields.length) throw new UsageError('--fields names no field');
  return fields;
}

function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function runPii(mode: PiiJobConfig['mode'], opts: PiiCliOptions): Promise<number> {
  try {
    return await pipeline(mode, opts);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
}

function buildConfig(mode: PiiJobConfig['mode'], opts: PiiCliOptions): PiiJobConfig {
  const types = list(opts.types) as PiiType[] | undefined;
  for (const t of types ?? []) if (!ALL_PII_TYPES.includes(t)) throw new UsageError(`unknown type ${t}`);
  let pseudonymKeyHex: string | undefined;
  if (mode === 'redact' && opts.operator === 'pseudonymize') {
    pseudonymKeyHex = process.env.CUSTODIAN_PSEUDONYM_KEY;
    if (!pseudonymKeyHex || !/^(?:[0-9a-fA-F]{2}){16,}$/.test(pseudonymKeyHex))
      throw new UsageError('--operator pseudonymize needs CUSTODIAN_PSEUDONYM_KEY: at least 16 bytes as hex');
  }
  let encryptionKeyHex: string | undefined;
  if ((mode === 'redact' && opts.operator === 'encrypt') || mode === 'decrypt') {
    encryptionKeyHex = process.env.CUSTODIAN_ENCRYPTION_KEY;
    if (!encryptionKeyHex || !/^[0-9a-fA-F]{64}$/.test(encryptionKeyHex))
      throw new UsageError(
        `${mode === 'decrypt' ? 'pii decrypt' : '--operator encrypt'} needs CUSTODIAN_ENCRYPTION_KEY: 32 bytes as hex (64 digits)`,
      );
  }
  const minScore = opts.minScore === undefined ? undefined : Number(opts.minScore);
  if (minScore !== undefined && !(minScore >= 0 && minScore <= 1))
    throw new UsageError('--min-score must be in [0, 1]');
  return {
    mode,
    format: opts.format ?? inferFormat(opts.input),
    fields: fieldList(opts.fields),
    columns: null,
    header: [],
    operator: opts.operator ?? 'replace',
    pseudonymKeyHex,
    encryptionKeyHex,
    types,
    minScore,
  };
}

async function pipeline(mode: PiiJobConfig['mode'], opts: PiiCliOptions): Promise<number> {
  const config = buildConfig(mode, opts);
  const workers = opts.workers === undefined ? Math.min(2, availableParallelism()) : Number(opts.workers);
  // Each worker loads the engine (about 15 MB); more than a few per core only costs memory.
  const maxWorkers = 4 * availableParallelism();
  if (!Number.isInteger(workers) || workers < 0 || workers > maxWorkers)
    throw new UsageError(`--workers must be a whole number from 0 to ${maxWorkers}`);

  let input: Readable;
  let totalBytes = 0;
  if (opts.input) {
    try {
      totalBytes = statSync(opts.input).size;
    } catch {
      throw new UsageError(`cannot read ${opts.input}`);
    }
    input = createReadStream(opts.input);
  } else {
    if (process.stdin.isTTY) throw new UsageError('no input: pass --input FILE or pipe records into stdin');
    input = process.stdin;
  }
  const lines = createInterface({ input, crlfDelay: Infinity });

  const stats = { records: 0, errors: 0, sensitive: 0, counts: {} as Partial<Record<PiiType, number>> };
  const bar = process.stderr.isTTY ? startProgress(totalBytes) : null;
  const started = Date.now();
  const writeOut = (chunk: string): Promise<void> | void => {
    if (!process.stdout.write(chunk)) return new Promise((r) => process.stdout.once('drain', () => r()));
  };
  const deliver = (r: PiiBatchResult): Promise<void> | void => {
    stats.records += r.records;
    stats.sensitive += r.sensitive;
    for (const [t, n] of Object.entries(r.counts))
      stats.counts[t as PiiType] = (stats.counts[t as PiiType] ?? 0) + n!;
    for (const e of r.errors) {
      stats.errors++;
      process.stderr.write(`${bar ? '\r\x1b[K' : ''}error: line ${e.line}: ${e.message}\n`);
    }
    if (bar) bar.update(Math.min(bytesRead(input), totalBytes || Infinity), { records: stats.records });
    if (r.out.length > 0) return writeOut(r.out.join('\n') + '\n');
  };

  let runner: BatchRunner | null = null;
  let pipe: OrderedPipeline | null = null;
  let batch: PiiBatch = { seq: 0, lineNumbers: [], records: [] };
  let batchChars = 0;
  let seq = 0;
  const flushBatch = async () => {
    if (batch.records.length === 0) return;
    const b = batch;
    batch = { seq: ++seq, lineNumbers: [], records: [] };
    batchChars = 0;
    await pipe!.submit(b);
  };
  const start = () => {
    runner = workers === 0 ? new InlineRunner(config) : new WorkerRunner(config, workers);
    pipe = new OrderedPipeline(runner, deliver, Math.max(2, workers * 4));
  };

  try {
    let lineNo = 0;
    let pending = '';
    let pendingLine = 0;
    let open = false;
    let headerDone = config.format !== 'csv';
    if (headerDone) start();
    for await (const raw of lines) {
      lineNo++;
      // A byte-order mark some editors write before the first line is no part of it.
      const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      let record = line;
      let recordLine = lineNo;
      if (config.format === 'csv') {
        // a quoted field may hold line breaks: gather physical lines until quotes balance
        if (open) {
          pending += '\n' + line;
          open = quoteBalance(line, open);
          if (open) continue;
          record = pending;
          recordLine = pendingLine;
        } else if (quoteBalance(line, false)) {
          open = true;
          pending = line;
          pendingLine = lineNo;
          continue;
        }
        if (!headerDone) {
          config.header = parseCsvRecord(record);
          const wanted = list(opts.columns);
          if (wanted) {
            config.columns = wanted.map((c) => {
              const k = config.header.indexOf(c);
              if (k < 0) throw new UsageError(`column "${c}" is not in the CSV header`);
              return k;
            });
          }
          if (mode !== 'scan') await writeOut(record + '\n');
          headerDone = true;
          start();
          continue;
        }
        if (record === '') continue;
      }
      batch.records.push(record);
      batch.lineNumbers.push(recordLine);
      batchChars += record.length;
      if (batch.records.length >= BATCH_RECORDS || batchChars >= BATCH_CHARS) await flushBatch();
    }
    if (!pipe) start();
    await flushBatch();
    await pipe!.finish();
    // Everything read before it is written; the record that never closed is a bad line like any other.
    if (open) {
      stats.errors++;
      process.stderr.write(`error: line ${pendingLine}: unterminated quoted field\n`);
    }
  } finally {
    await (runner as BatchRunner | null)?.close();
    bar?.stop();
  }

  if (opts.summary || process.stderr.isTTY) process.stderr.write(summaryTable(stats, Date.now() - started));
  return stats.errors > 0 ? 2 : 0;
}

function bytesRead(input: Readable): number {
  return (input as Readable & { bytesRead?: number }).bytesRead ?? 0;
}

function startProgress(total: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: total
        ? 'pii {bar} {percentage}% | {records} records | {rate} | ETA {eta_formatted}'
        : 'pii {records} records | {rate}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = Date.now();
  bar.start(total || 1, 0, { records: 0, rate: '' });
  const update = bar.update.bind(bar);
  // rate in MB/s from bytes read so far
  bar.update = ((value: number, payload?: object) => {
    const s = (Date.now() - t0) / 1000;
    update(value, { ...payload, rate: s > 0 ? `${(value / s / 1e6).toFixed(1)} MB/s` : '' });
  }) as typeof bar.update;
  return bar;
}

function summaryTable(
  stats: { records: number; errors: number; sensitive: number; counts: Partial<Record<PiiType, number>> },
  ms: number,
): string {
  const rows = PII_TYPES.filter((t) => stats.counts[t.type]).map(
    (t) =>
      `  ${t.type.padEnd(16)} ${String(stats.counts[t.type]).padStart(9)}  ${t.sensitive ? 'sensitive' : '         '}  ${t.labelEn}`,
  );
  const total = Object.values(stats.counts).reduce((a, b) => a + (b ?? 0), 0);
  return [
    '',
    `records          ${String(stats.records).padStart(9)}`,
    `bad lines        ${String(stats.errors).padStart(9)}`,
    `findings         ${String(total).padStart(9)}`,
    `sensitive (PIPL 28) ${String(stats.sensitive).padStart(6)}`,
    `time             ${(ms / 1000).toFixed(2).padStart(8)}s`,
    ...(rows.length ? ['', '  type                findings             label', ...rows] : []),
    '',
  ].join('\n');
}
