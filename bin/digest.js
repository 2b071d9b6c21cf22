#!/usr/bin/env node
// Runs the compiled CLI: `npm install` and `npm ci` build dist/ from src/ (the `prepare` script, `npm run build`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('digest: the CLI is not built yet; run `npm run build` (npm install runs it)');
  process.exit(1);
}
await import(main.href);
