import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startMoto } from './moto.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

/** Builds the CLI, then starts one moto server for the whole run; adapter tests read its endpoint with inject('motoEndpoint'). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Tests that run bin/digest.js run the compiled CLI: rebuild it from the sources under test.
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
