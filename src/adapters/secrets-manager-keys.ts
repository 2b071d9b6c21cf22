import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../core/errors.ts';
import type { KeyProvider, TokenKeySet } from '../core/ports/token-keys.ts';
import { parseKeySecret } from '../core/signed-links.ts';

/**
 * Token keys from a Secrets Manager secret (format: see parseKeySecret), cached for a few minutes
 * so a warm Lambda does not read the secret on every request and still sees a rotation soon.
 */
export class SecretsManagerKeyProvider implements KeyProvider {
  private cached: { keys: TokenKeySet; until: number } | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly cacheMs = 5 * 60 * 1000,
  ) {}

  async keys(): Promise<TokenKeySet> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.keys;
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    if (!SecretString) throw new ConfigError(`secret ${this.secretId} has no string value`);
    const keys = parseKeySecret(SecretString, `secret ${this.secretId}`);
    this.cached = { keys, until: Date.now() + this.cacheMs };
    return keys;
  }
}
