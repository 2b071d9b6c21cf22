import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { namingResources } from '../../adapters/aws-errors.ts';
import { S3DigestArchive } from '../../adapters/s3-digest-archive.ts';
import { SqsDigestHandoff } from '../../adapters/sqs-digest-handoff.ts';
import { DigestError, UsageError } from '../../core/errors.ts';
import type { DigestRecord } from '../../core/ports/digest-records.ts';
import type { DigestRenderer } from '../../core/ports/digest-renderer.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { DigestReview } from '../../core/scheduled-digest.ts';
import type { DigestEvent } from '../../handlers/digest.ts';
import {
  approvedQueueOption,
  clientConfig,
  digestsTableOption,
  parseWindowEnd,
  resourceOption,
  stackResources,
  withAwsOptions,
} from '../aws-options.ts';
import {
  archiveRenderer,
  digestRecords,
  type EditorOptions,
  editorRendering,
  withEditorOptions,
} from '../digest-editor.ts';
import { count } from '../output.ts';
import { printSendReport } from './send.ts';

interface OperatorOptions extends EditorOptions {
  window?: string;
}

interface StatusOptions extends OperatorOptions {
  json?: boolean;
}

const records = digestRecords;

/** Approve and reject on the deployed digests; `renderer` to approve an edited digest (see archiveRenderer). */
export async function reviewer(options: OperatorOptions, renderer?: DigestRenderer): Promise<DigestReview> {
  const quiet: Logger = { info() {}, warn() {}, error() {} };
  const { approvedQueueUrl, bucket } = await stackResources(options, ['approvedQueueUrl', 'bucket']);
  const handoff = new SqsDigestHandoff(
    namingResources(new SQSClient(clientConfig(options))),
    approvedQueueUrl,
  );
  const archive = new S3DigestArchive(namingResources(new S3Client(clientConfig(options))), bucket);
  return new DigestReview({ records: await records(options), archive, handoff, renderer, log: quiet });
}

function describe(record: DigestRecord): string {
  const counts = record.counts
    ? `${count(record.counts.articles, 'article')}, ${count(record.counts.themes, 'theme')}, ${record.counts.skipped} skipped`
    : '-';
  const review = record.reviewDeadline ? `  review by ${record.reviewDeadline}` : '';
  const edits = record.edits?.length ? `  ${count(record.edits.length, 'edit')}` : '';
  return `${record.digestId}  ${record.windowStart} → ${record.windowEnd}  ${record.state.padEnd(8)}  ${counts}${review}${edits}`;
}

export function registerOperations(program: Command): void {
  withAwsOptions(
    program
      .command('status [digestId]')
      .description(
        'recent digests (or one, with its send report) with window, counts and state; and whether digests are paused',
      )
      .addOption(digestsTableOption())
      .addOption(resourceOption('ledgerTable'))
      .addOption(resourceOption('subscriberTable'))
      .option('--json', 'print the send report as JSON'),
  ).action(async (digestId: string | undefined, options: StatusOptions) => {
    const store = await records(options);
    if (digestId) {
      const record = await store.get(digestId);
      if (!record) throw new DigestError(`digest ${digestId} does not exist`);
      console.log(describe(record));
      // A stack without sending has no ledger: then there is no send report to print.
      const { ledgerTable } = await stackResources(options, [], ['ledgerTable']);
      if (ledgerTable) {
        const { subscriberTable } = await stackResources(options, ['subscriberTable']);
        await printSendReport(digestId, { ...options, ledgerTable, subscriberTable });
      }
      return;
    }
    console.log(`digests are ${(await store.isPaused()) ? 'PAUSED' : 'running'}`);
    for (const record of await store.recent(10)) console.log(describe(record));
  });

  for (const [name, verb] of [
    ['approve', 'hand a pending digest to sending'],
    ['reject', 'never send a pending digest'],
  ] as const) {
    withEditorOptions(
      program
        .command(`${name} <digestId>`)
        .description(`review mode: ${verb}`)
        .addOption(approvedQueueOption()),
    ).action(async (digestId: string, options: OperatorOptions) => {
      if (name === 'reject') return console.log(describe(await (await reviewer(options)).reject(digestId)));
      // The digest as read now is what is approved: an edit that lands meanwhile fails the decision (its write is
      // conditional on this version). The hand-over renders an edited digest's archive from the decided record.
      const read = await (await records(options)).get(digestId);
      const edited = read?.editVersion !== undefined;
      // Rendered with the settings and templates kept beside its archive (editorRendering), read before the decision.
      const renderer =
        edited && read ? await archiveRenderer(await editorRendering(options, read)) : undefined;
      const review = await reviewer(options, renderer);
      console.log(describe(await review.approve(digestId, read?.editVersion ?? 0)));
    });
  }

  for (const [name, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    withAwsOptions(
      program
        .command(name)
        .description(paused ? 'stop scheduled digests until resume' : 'let scheduled digests run again')
        .addOption(digestsTableOption()),
    ).action(async (options: OperatorOptions) => {
      await (await records(options)).setPaused(paused);
      console.log(`digests are ${paused ? 'paused' : 'running'}`);
    });
  }

  withAwsOptions(
    program
      .command('run-now')
      .description('invoke the deployed digest Lambda for the window ending at --window (default now)')
      .addOption(resourceOption('function'))
      .option('--window <iso>', 'end of the window, as the schedule would pass it'),
  ).action(async (options: OperatorOptions) => {
    const windowEnd = parseWindowEnd(options.window);
    if (windowEnd.getTime() > Date.now() + CLOCK_SKEW_MS)
      throw new UsageError(
        `--window ${windowEnd.toISOString()} has not ended yet: a run reads its window once and the next window starts ` +
          'where it ends, so articles uploaded until then would be in no digest. Run it once the window has ended ' +
          '(a time without an offset is local time).',
      );
    const event: DigestEvent = { action: 'run', scheduledTime: windowEnd.toISOString() };
    const { function: functionName } = await stackResources(options, ['function']);
    const lambda = namingResources(new LambdaClient(clientConfig(options)));
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const payload = new TextDecoder().decode(response.Payload ?? new Uint8Array());
    if (response.FunctionError) throw new DigestError(`digest run failed: ${payload}`);
    console.log(payload);
  });
}

/** How far ahead of this machine's clock a window given to run-now may end: the clocks of two machines differ. */
const CLOCK_SKEW_MS = 5_000;
