// Stand-alone entry for `custodian screen` (tests and scripts): node --import tsx src/cli/commands/screen-cli-entry.ts screen …
import { Command } from 'commander';
import { registerScreenCommands } from './screen.js';

const program = new Command('custodian').showHelpAfterError();
registerScreenCommands(program);
await program.parseAsync(process.argv);
