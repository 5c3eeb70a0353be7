// Stand-alone entry for `pii` commands (tests, and running before the main CLI wires them in):
//   node --import tsx src/cli/commands/pii-cli-entry.ts pii scan --input file.jsonl
import { Command } from 'commander';
import { registerPiiCommands } from './pii.js';

const program = new Command('custodian');
registerPiiCommands(program);
await program.parseAsync(process.argv);
