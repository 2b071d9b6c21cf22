import { inject } from 'vitest';

/** Client settings that point an SDK v3 client at the moto server started for this run. */
export function motoClientConfig() {
  return {
    endpoint: inject('motoEndpoint'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}
