#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step), so `npx digest` works straight after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
