import { createHash } from 'node:crypto';
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
import { UsageError } from '../core/errors.ts';
import type { DigestRecord } from '../core/ports/digest-records.ts';
import type { DigestRenderer } from '../core/ports/digest-renderer.ts';
import type { TemplateSource } from '../core/ports/template-source.ts';
import {
  type ArchiveRendering,
  EmailArchiveRenderer,
  parseRendering,
  RENDERING_FILE,
} from '../core/render/archive.ts';
import type { EmailSettings } from '../core/render/settings.ts';
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
        'email settings JSON (docs/email.md) to render an approved edited digest with, instead of those it was built with',
      )
      .option(
        '--templates <dir>',
        'email templates folder to render an approved edited digest with, instead of those it was built with',
      ),
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

/** The email settings and templates an approve and the studio render a deployed digest with. */
export interface EditorRendering {
  settings: EmailSettings;
  templates: TemplateSource;
}

/**
 * What a deployed digest's archive was rendered with (RENDERING_FILE, kept beside it by the digest Lambda), so an
 * approve renders the edited digest's archive exactly as the Lambda would: its email settings and templates, not
 * this machine's. `--settings`, `--templates` and `--max-themes` override them, each with a note saying so; a
 * digest archived before the Lambda kept them needs `--settings`. Read before anything is decided.
 */
export async function editorRendering(
  options: EditorOptions,
  digest: Pick<DigestRecord, 'digestId' | 'archivePrefix'>,
): Promise<EditorRendering> {
  const { digestId } = digest;
  const prefix = digest.archivePrefix ?? '';
  let kept: ArchiveRendering | undefined;
  if (!(options.settings && options.templates)) {
    const { bucket } = await stackResources(options, ['bucket']);
    const archive = new S3DigestArchive(namingResources(new S3Client(clientConfig(options))), bucket);
    const text = await archive.get(prefix, RENDERING_FILE);
    if (text !== undefined) kept = parseRendering(text, `s3://${bucket}/${prefix}${RENDERING_FILE}`);
    else if (!options.settings)
      throw new UsageError(
        `digest ${digestId} has no ${RENDERING_FILE} beside its archive (s3://${bucket}/${prefix}; a digest Lambda ` +
          'deployed before it kept the email settings it renders with built it): pass --settings FILE with the ' +
          'deployed email settings (and --templates DIR if the deployed templates are not this package’s)',
      );
  }
  const note = (flag: string, instead: string) =>
    console.error(`note: rendering digest ${digestId} with ${flag} instead of ${instead}`);
  let settings: EmailSettings;
  if (options.settings || !kept) {
    settings = await readEmailSettings(options);
    note(`--settings ${options.settings}`, 'the email settings it was built with');
  } else {
    settings = kept.settings;
    if (options.maxThemes !== undefined) {
      const { maxThemes } = await readEmailSettings({ maxThemes: options.maxThemes });
      settings = { ...settings, maxThemes };
      note(`--max-themes ${maxThemes}`, `the ${kept.settings.maxThemes} it was built with`);
    }
  }
  let templates: TemplateSource;
  if (options.templates || !kept) {
    templates = templateFolder(options.templates);
    if (options.templates) note(`--templates ${options.templates}`, 'the templates it was built with');
  } else {
    templates = keptTemplates(kept, `${prefix}${RENDERING_FILE}`);
  }
  return { settings, templates };
}

/** The templates a digest was rendered with, compiled here by Handlebars (the bucket holds no code to run). */
function keptTemplates(kept: ArchiveRendering, where: string): TemplateSource {
  let compiled: Promise<ReadonlyMap<string, string>> | undefined;
  const hash = createHash('sha256')
    .update(JSON.stringify([...kept.templates]))
    .digest('hex');
  return {
    id: `archived:${where}:${hash}`,
    readAll() {
      compiled ??= import('../core/render/precompile.ts').then(({ precompileHandlebars }) =>
        precompileHandlebars(kept.templates),
      );
      return compiled;
    },
  };
}

/**
 * What the approve of an edited digest renders its archive with, as the digest Lambda does (editorRendering),
 * loaded before anything is decided; it keeps what it rendered with beside the archive again.
 */
export async function archiveRenderer(rendering: EditorRendering): Promise<DigestRenderer> {
  return new EmailArchiveRenderer(
    await loadTemplates(rendering.templates),
    rendering.settings,
    await rendering.templates.readAll(),
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
