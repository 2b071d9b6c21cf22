// What the stack writes to the articles bucket itself, beside the uploads (no CDK import: infra/config.ts checks
// the upload prefix against these before any construct is made).

/** Prefix of the normalised article documents in the articles bucket. */
export const NORMALISED_PREFIX = 'normalised/';

/** Prefix of archived digests in the articles bucket. */
export const DIGESTS_PREFIX = 'digests/';
