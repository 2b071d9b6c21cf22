/** What the sending side receives for an approved digest. */
export interface ApprovedDigest {
  digestId: string;
  archivePrefix: string;
  /** Key of the archived digest.json, which the sender renders from. */
  digestKey: string;
  windowStart: string;
  windowEnd: string;
}

/** Hands an approved digest to sending (a message on the "digest approved" queue in AWS). */
export interface DigestHandoff {
  approved(digest: ApprovedDigest): Promise<void>;
}
