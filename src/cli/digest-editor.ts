import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { namingResources } from '../adapters/aws-errors.ts';
import { DynamoDbDigestRecords } from '../adapters/dynamodb-digest-records.ts';
import { S3DigestArchive } from '../adapters/s3-digest-archive.ts';
import { templateFolder } from '../adapters/template-folder.ts';
import { DigestEditor } from '../core/digest-editing.ts';
import type { DigestRenderer } from '../core/ports/digest-renderer.ts';
import { EmailArchiveRenderer } from '../core/render/archive.ts';
import { loadTemplates } from '../core/render/templates.ts';
import {
  type AwsOptions,
  clientConfig,
  digestsTableOption,
  type ResourceOptions,
  resourceOption,
  stackResources,
  withAwsOptions,
} from './aws-options.ts';
import { readEmailSettings } from './email-settings.ts';

/** Where a deployed digest's record and archive are, and how its archive is rendered. */
export interface EditorOptions extends ResourceOptions {
  settings?: string;
  templates?: string;
  maxThemes?: string;
}

/** The options every command that changes a deployed digest's content takes. */
export function withEditorOptions(command: Command): Command {
  return withAwsOptions(
    command
      .addOption(digestsTableOption())
      .addOption(resourceOption('bucket'))
      .option(
        '--settings <file>',
        'the deployed email settings JSON (docs/email.md): an approve renders an edited digest with it',
      )
      .option('--templates <dir>', 'email templates folder (default: templates/ of this package)'),
  );
}

export async function digestRecords(options: ResourceOptions): Promise<DynamoDbDigestRecords> {
  const { digestsTable } = await stackResources(options, ['digestsTable']);
  const db = DynamoDBDocumentClient.from(namingResources(new DynamoDBClient(clientConfig(options))));
  return new DynamoDbDigestRecords(db, digestsTable);
}

/** The core editor on the deployed table and archive (which it reads the digest as built from). */
export async function digestEditor(options: ResourceOptions): Promise<DigestEditor> {
  const { bucket } = await stackResources(options, ['bucket']);
  const archive = new S3DigestArchive(namingResources(new S3Client(clientConfig(options))), bucket);
  return new DigestEditor({ records: await digestRecords(options), archive });
}

/**
 * What the approve of an edited digest renders its archive with, as the digest Lambda does: the templates
 * (`--templates`) and the deployed email settings (`--settings`), loaded before anything is decided.
 */
export async function archiveRenderer(options: EditorOptions): Promise<DigestRenderer> {
  return new EmailArchiveRenderer(
    await loadTemplates(templateFolder(options.templates)),
    await readEmailSettings(options),
  );
}

/** Who makes an edit: `--by`, else the caller's AWS identity (its ARN). */
export async function editorIdentity(options: AwsOptions & { by?: string }): Promise<string> {
  if (options.by?.trim()) return options.by.trim();
  const { Arn } = await namingResources(new STSClient(clientConfig(options))).send(
    new GetCallerIdentityCommand({}),
  );
  return Arn ?? 'unknown';
}
