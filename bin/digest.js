#!/usr/bin/env node
// Runs the compiled CLI: `npm install` and `npm ci` build dist/ from src/ (the `prepare` script, `npm run build`).
import { existsSync } from 'node:fs';

const launcher = new URL('../dist/cli/launch.js', import.meta.url);
if (!existsSync(launcher)) {
  console.error('digest: the CLI is not built yet; run `npm run build` (npm install runs it)');
  process.exit(1);
}
const { launch } = await import(launcher.href);
await launch(new URL('../dist/cli/main.js', import.meta.url));
