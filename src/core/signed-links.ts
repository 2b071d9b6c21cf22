import { createHmac } from 'node:crypto';
import { ConfigError, InvalidTokenError } from './errors.ts';
import type { KeyProvider, TokenKey, TokenKeySet } from './ports/token-keys.ts';
import { sameSecret } from './same-secret.ts';
import * as z from './zod.ts';

export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences';

export interface TokenClaims {
  subscriberId: string;
  purpose: TokenPurpose;
  expiresAt: Date;
}

export interface TokenOptions {
  /**
   * How long a retired key keeps verifying links already sent; never shorter than the longest token
   * lifetime, so a rotation cannot break a link before it expires. @default the longest lifetime (400 days)
   */
  rotationGraceMs?: number;
}

const PART = /^[A-Za-z0-9_-]{1,64}$/;
const DAY = 24 * 60 * 60 * 1000;

/** Default lifetimes: a confirmation link is short-lived, footer links must outlive an archived mail. */
export const DEFAULT_TOKEN_LIFETIME_MS: Readonly<Record<TokenPurpose, number>> = {
  confirm: 2 * DAY,
  unsubscribe: 400 * DAY,
  preferences: 400 * DAY,
};

/** The longest token lifetime in days: the shortest allowed key-rotation grace period. */
export function longestTokenLifetimeDays(): number {
  return Math.max(...Object.values(DEFAULT_TOKEN_LIFETIME_MS)) / DAY;
}

/**
 * Signed, expiring link tokens: `v1.<keyId>.<subscriberId>.<purpose>.<expiry seconds>.<HMAC-SHA256>`.
 * The key id lets keys rotate while links already sent keep working for the grace period.
 */
export class TokenSigner {
  private readonly graceMs: number;

  constructor(
    private readonly keyProvider: KeyProvider,
    options: TokenOptions = {},
  ) {
    this.graceMs = options.rotationGraceMs ?? longestTokenLifetimeDays() * DAY;
    if (this.graceMs < longestTokenLifetimeDays() * DAY) {
      throw new ConfigError(
        `token key rotation grace of ${this.graceMs / DAY} days is shorter than the longest token lifetime (${longestTokenLifetimeDays()} days)`,
      );
    }
  }

  async sign(subscriberId: string, purpose: TokenPurpose, now: Date, lifetimeMs?: number): Promise<string> {
    if (!PART.test(subscriberId)) throw new InvalidTokenError('subscriber id cannot be put in a token');
    if (lifetimeMs !== undefined && lifetimeMs > this.graceMs)
      throw new ConfigError('a token may not outlive the key-rotation grace period');
    const { current } = await this.keyProvider.keys();
    const expiry = Math.floor((now.getTime() + (lifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS[purpose])) / 1000);
    const body = ['v1', current.id, subscriberId, purpose, String(expiry)].join('.');
    return `${body}.${mac(current, body)}`;
  }

  /** Returns the claims, or throws InvalidTokenError without saying which check failed. */
  async verify(token: string, purpose: TokenPurpose, now: Date): Promise<TokenClaims> {
    const parts = token.split('.');
    const [version, keyId, subscriberId, tokenPurpose, expiry, signature] = parts;
    if (
      parts.length !== 6 ||
      version !== 'v1' ||
      !keyId ||
      !PART.test(keyId) ||
      !subscriberId ||
      !PART.test(subscriberId) ||
      !expiry ||
      !/^\d{1,12}$/.test(expiry) ||
      !signature
    ) {
      throw new InvalidTokenError('malformed token');
    }
    const key = usableKey(await this.keyProvider.keys(), keyId, now, this.graceMs);
    const body = parts.slice(0, 5).join('.');
    const signatureOk = sameSecret(signature, mac(key ?? FALLBACK_KEY, body));
    if (!key || !signatureOk) throw new InvalidTokenError('bad signature');
    if (tokenPurpose !== purpose) throw new InvalidTokenError('wrong purpose');
    const expiresAt = new Date(Number(expiry) * 1000);
    if (expiresAt.getTime() <= now.getTime()) throw new InvalidTokenError('expired');
    return { subscriberId, purpose, expiresAt };
  }
}

/** Used when the key id is unknown, so an unknown key costs the same time as a bad signature. */
const FALLBACK_KEY: TokenKey = { id: 'none', secret: Buffer.alloc(32) };

function usableKey(set: TokenKeySet, keyId: string, now: Date, graceMs: number): TokenKey | undefined {
  const key = set.all.find((k) => k.id === keyId);
  if (!key) return undefined;
  if (key.retiredAt && key.retiredAt.getTime() + graceMs <= now.getTime()) return undefined;
  return key;
}

function mac(key: TokenKey, body: string): string {
  return createHmac('sha256', key.secret).update(body).digest('base64url');
}

/**
 * The secret's JSON: `{"current":"k2","keys":{"k2":"<random>","k1":"<random>"},"retired":{"k1":"<ISO instant>"}}`.
 * Only the `keys` object verifies tokens; any other field is an error. The one exception is the form the
 * stack generates for its first key (CloudFormation can only generate a top-level field):
 * `{"current":"k1","k1":"<random>"}`, read as `keys: {k1}`. Secrets are at least 32 characters.
 */
const keySecret = z.string().check(z.minLength(32, 'a key must be at least 32 characters'));
const keySecretSchema = z.strictObject({
  current: z.string().check(z.regex(PART)),
  keys: z.record(z.string().check(z.regex(PART, 'key ids are letters, digits, _ and -')), keySecret),
  retired: z.optional(z.record(z.string(), z.iso.datetime({ offset: true }))),
});
/** The stack-generated first key: `current` and that one key, nothing else. */
const generatedSecretSchema = z.pipe(
  z.catchall(z.object({ current: z.string().check(z.regex(PART)) }), keySecret).check(
    z.refine((v) => Object.keys(v).length === 2 && v.current in v, {
      message: 'expected {"current", "keys": {...}, "retired"?: {...}}; other fields never hold keys',
    }),
  ),
  z.transform((v) => ({
    current: v.current,
    keys: { [v.current]: (v as Record<string, string>)[v.current] as string },
    retired: {} as Record<string, string>,
  })),
);

export function parseKeySecret(json: string, where = 'token key secret'): TokenKeySet {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    throw new ConfigError(`${where}: not JSON`, { cause });
  }
  const schema = raw && typeof raw === 'object' && 'keys' in raw ? keySecretSchema : generatedSecretSchema;
  const result = schema.safeParse(raw);
  if (!result.success) throw new ConfigError(`${where}: ${z.prettifyError(result.error)}`);
  const { current, keys, retired = {} } = result.data;
  const all: TokenKey[] = Object.entries(keys).map(([id, value]) => {
    const retiredAt = retired[id];
    return {
      id,
      secret: Buffer.from(value, 'utf8'),
      ...(retiredAt ? { retiredAt: new Date(retiredAt) } : {}),
    };
  });
  const currentKey = all.find((k) => k.id === current);
  if (!currentKey) throw new ConfigError(`${where}: current key "${current}" has no secret`);
  if (currentKey.retiredAt) throw new ConfigError(`${where}: current key "${current}" is retired`);
  return { current: currentKey, all };
}
