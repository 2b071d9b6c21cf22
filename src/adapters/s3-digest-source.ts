import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Digest } from '../core/digest.ts';
import { ConfigError } from '../core/errors.ts';
import type { DigestSource } from '../core/ports/sending.ts';

/** Reads an archived digest.json from the archive bucket. */
export class S3DigestSource implements DigestSource {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async load(digestKey: string): Promise<Digest> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: digestKey }));
    const text = await Body?.transformToString('utf8');
    let digest: unknown;
    try {
      digest = JSON.parse(text ?? '');
    } catch (cause) {
      throw new ConfigError(`s3://${this.bucket}/${digestKey}: not a digest.json`, { cause });
    }
    if (!digest || !Array.isArray((digest as Digest).themes))
      throw new ConfigError(`s3://${this.bucket}/${digestKey}: not a digest.json (no themes)`);
    return digest as Digest;
  }
}
