import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../core/errors.ts';
import { type KeyedHash, keyedHasher } from '../core/subscribers/subscriber.ts';
import * as z from '../core/zod.ts';

const hashKeySecretSchema = z.strictObject({ key: z.string().check(z.minLength(32)) });

/**
 * The keyed hash of logs and rate-limit keys, from a Secrets Manager secret `{"key":"<random>"}` (the
 * stack generates it). Read once per cold start; it never leaves the function.
 */
export async function hasherFromSecret(client: SecretsManagerClient, secretId: string): Promise<KeyedHash> {
  return keyedHasher(Buffer.from(await keyFromSecret(client, secretId), 'utf8'));
}

/** The key of a Secrets Manager secret `{"key":"<random>"}` of at least 32 characters (the stack generates it). */
export async function keyFromSecret(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  let json: unknown;
  try {
    json = JSON.parse(SecretString ?? '');
  } catch (cause) {
    throw new ConfigError(`secret ${secretId}: not JSON`, { cause });
  }
  const parsed = hashKeySecretSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`secret ${secretId}: ${z.prettifyError(parsed.error)}`);
  return parsed.data.key;
}
