import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { defaultProvider as nodeDefaultProvider } from '@aws-sdk/credential-provider-node';

/**
 * What a Lambda bundle gets in place of @aws-sdk/credential-provider-node (BundledFunction aliases it): Lambda puts
 * the execution role's credentials in the environment, the first place the SDK's default chain looks and the only
 * one it ever reaches there. The rest of the chain (shared ini files, SSO, login, token files, processes, container
 * and instance metadata, with the STS and SSO clients they use) is about 110 KB of a minified bundle that every
 * cold start compiled for nothing, and it loaded node:child_process.
 */
export const defaultProvider: typeof nodeDefaultProvider = (init = {}) => fromEnv(init);
