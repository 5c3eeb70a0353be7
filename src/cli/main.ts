import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerPlatformCommands } from './commands/platform.js';

/** The `custodian` command line; each command also answers `--help`. */
export function buildProgram(): Command {
  const program = new Command('custodian')
    .description('Custodian: network-information protection platform')
    .version(VERSION, '-v, --version')
    .showHelpAfterError();
  registerPlatformCommands(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
