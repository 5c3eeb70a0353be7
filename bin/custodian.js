#!/usr/bin/env node
// The operator's command line. It runs the built code in dist/ (npm run build).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('custodian: dist/ is missing; run `npm run build` first (npm start does it for you).');
  process.exit(1);
}
await import(main.href);
