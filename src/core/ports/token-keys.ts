/** One HMAC key. A retired key still verifies links until `retiredAt` plus the grace period. */
export interface TokenKey {
  id: string;
  secret: Buffer;
  retiredAt?: Date;
}

export interface TokenKeySet {
  /** The key that signs new tokens. */
  current: TokenKey;
  /** Every key that may verify, the current one included. */
  all: readonly TokenKey[];
}

/** Where token keys come from (Secrets Manager in AWS); never code or plain environment. */
export interface KeyProvider {
  keys(): Promise<TokenKeySet>;
}
