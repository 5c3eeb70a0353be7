import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerPlatformCommands } from './commands/platform.js';

/**
 * The `custodian` command line; each command also answers `--help`. The engine commands load their engines
 * (dictionaries, tables) only when they are asked for or listed, so `serve` starts fast.
 */
/** Commands registered only when asked for. */
const LAZY = ['pii', 'screen', 'consents', 'retention'];

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('custodian')
    .description('Custodian: network-information protection platform')
    .version(VERSION, '-v, --version')
    .showHelpAfterError();
  registerPlatformCommands(program);
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  // A command name nobody knows (a typo) lists every command, engine commands included.
  const known = program.commands.some((c) => c.name() === first) || LAZY.includes(first ?? '');
  const wants = (name: string) => first === undefined || first === 'help' || !known || first === name;
  if (wants('pii')) {
    (await import('./commands/pii.js')).registerPiiCommands(program);
    const pii = program.commands.find((c) => c.name() === 'pii');
    if (pii) (await import('./commands/pii-scan-db.js')).registerPiiScanDb(pii);
  }
  if (wants('screen')) (await import('./commands/screen.js')).registerScreenCommands(program);
  if (wants('consents') || wants('retention'))
    (await import('./commands/rules.js')).registerRulesCommands(program);
  return program;
}

// A reader that stops early (`| head`) closes the pipe: that ends the output, it is no error to report.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

await (await buildProgram()).parseAsync(process.argv);
