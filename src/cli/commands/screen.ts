import { createReadStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import {
  compileRules,
  parseRules,
  ruleFormatOf,
  RuleFormatError,
  RuleValidationError,
  type CompiledRuleSet,
} from '../../screening/index.js';

interface ScreenFlags {
  rules: string;
  input?: string;
  contentType?: string;
}

/**
 * `custodian screen --rules RULES [--input FILE|-] [--content-type TYPE]`: screens JSONL `{"id","text"}`
 * lines and writes one `{"id","decision","matches"}` line per input, in order, with constant memory
 * (Decision 5: stop transmission of prohibited information; this is the batch form of the gate).
 *
 * @example
 * const program = new Command('custodian');
 * registerScreenCommands(program);
 * await program.parseAsync(['node', 'custodian', 'screen', '--rules', 'rules.jsonl', '--input', 'posts.jsonl']);
 */
export function registerScreenCommands(program: Command): void {
  program
    .command('screen')
    .description(
      'screen texts against a rule set: input lines {"id","text"}, output lines {"id","decision","matches"}; ' +
        'RULES is .jsonl ({"id","pattern","category","action"}), .csv (id,pattern,category,action) or a plain ' +
        'list (one term a line; ids line-N, category other, action block)',
    )
    .requiredOption('--rules <file>', 'rule set file (.jsonl, .csv, or plain text)')
    .option('--input <file>', 'JSONL input, "-" for stdin (default: stdin)')
    .option('--content-type <type>', 'content type of every input (post, comment, nickname, …)')
    .action(async (flags: ScreenFlags) => {
      try {
        const set = loadRuleSet(flags.rules);
        const input = !flags.input || flags.input === '-' ? process.stdin : createReadStream(flags.input);
        const bad = await screenStream(set, input, process.stdout, flags.contentType);
        // Unreadable lines were answered with decision "error"; say so in the exit code too.
        if (bad > 0) process.exitCode = 2;
      } catch (err) {
        console.error(`custodian: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });
}

/** Reads and compiles a rule file; the format comes from the file name. */
export function loadRuleSet(file: string): CompiledRuleSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read rules ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return compileRules(parseRules(text, ruleFormatOf(file)));
  } catch (err) {
    if (err instanceof RuleFormatError || err instanceof RuleValidationError) {
      throw new Error(`rules ${file}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/**
 * Screens each JSONL line of `input` and writes one result line to `output`, respecting back-pressure.
 * Blank lines are skipped; a line that is not `{"id","text"}` gets `{"id",decision:"error",matches:[],error}`.
 * Returns the number of such lines.
 */
export async function screenStream(
  set: CompiledRuleSet,
  input: Readable,
  output: Writable,
  contentType?: string,
): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let bad = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let out: string;
    let id: unknown = null;
    try {
      const v = JSON.parse(line) as { id?: unknown; text?: unknown };
      id = v?.id ?? null;
      if (typeof v !== 'object' || v === null || typeof v.text !== 'string')
        throw new Error('expected {"id","text"} with a string text');
      const r = set.screen(v.text, { contentType });
      out = JSON.stringify({ id, decision: r.decision, matches: r.matches });
    } catch (err) {
      bad++;
      out = JSON.stringify({
        id,
        decision: 'error',
        matches: [],
        error: `line ${lineNo}: ${(err as Error).message}`,
      });
    }
    if (!output.write(out + '\n')) await once(output, 'drain');
  }
  return bad;
}
