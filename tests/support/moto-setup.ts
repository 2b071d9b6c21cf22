import type { TestProject } from 'vitest/node';
import { type MotoServer, startMoto } from './moto.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

/** One moto server for every project of the run that asks for it (aws, infra, e2e), stopped after the last. */
const shared = globalThis as { moto?: { server: Promise<MotoServer>; users: number } };

/** Global setup of the projects that talk to AWS: they read the endpoint with inject('motoEndpoint'). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.moto ??= { server: startMoto(), users: 0 };
  const moto = shared.moto;
  moto.users++;
  project.provide('motoEndpoint', (await moto.server).endpoint);
  return async () => {
    if (--moto.users > 0) return;
    shared.moto = undefined;
    await (await moto.server).stop();
  };
}
