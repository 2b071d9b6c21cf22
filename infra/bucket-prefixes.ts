// Where the stack writes in the articles bucket. A module of its own, without aws-cdk-lib, so that infra/config.ts
// can keep the editors' upload prefix out of them.

/** Prefix of the normalised article documents in the articles bucket (ArticleIngest writes them). */
export const NORMALISED_PREFIX = 'normalised/';

/** Prefix of archived digests in the articles bucket (ScheduledDigest writes them). */
export const DIGESTS_PREFIX = 'digests/';
