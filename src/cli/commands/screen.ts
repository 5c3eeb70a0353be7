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
    const rules = parseRules(text, ruleFormatOf(file));
    // An empty file (or a wrong one) would let every post through with exit 0.
    if (!rules.length) throw new Error(`rules ${file}: holds no rule`);
    return compileRules(rules);
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
  for await (const raw of lines) {
    lineNo++;
    // A byte-order mark some editors write before the first line is no part of its JSON.
    const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (line.trim() === '') continue;
    let out: string;
    let id: unknown = null;
    try {
      let v: { id?: unknown; text?: unknown };
      try {
        v = JSON.parse(line) as { id?: unknown; text?: unknown };
      } catch {
        // Not the parser's message: it quotes the line, which may hold personal information.
        throw new Error('not valid JSON');
      }
      id = v?.id ?? null;
      if (typeof v !== 'object' || v === null || typeof v.text !== 'string' || v.id === undefined)
        throw new Error('expected {"id","text"} with an id and a string text');
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
