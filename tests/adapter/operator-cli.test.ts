import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createDigestHandler } from '../../src/handlers/digest.ts';
import { motoClientConfig } from '../support/aws.ts';
import { approvedMessages, scheduledDigest } from '../support/digest-resources.ts';
import { seeds } from '../support/ingest-resources.ts';
import { reviewModeSetup } from '../support/review-digest.ts';

const run = promisify(execFile);

/** Runs the real `digest` command in its own process, as an operator would. */
function digestCli(args: string[], endpoint = motoClientConfig().endpoint) {
  return run(process.execPath, ['bin/digest.js', ...args, '--endpoint', endpoint, '--region', 'us-east-1'], {
    env: { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
  });
}

describe('digest operator CLI against moto', () => {
  it('pauses, shows status, approves a pending digest and refuses an unknown one', async () => {
    // Prepare
    const { r, d, slot, cloud } = await reviewModeSetup(await seeds());
    const { digestId } = await cloud.digest.run(slot);
    const table = ['--digests-table', d.digestsTable];
    // Approving publishes the digest's archive page, in the articles bucket.
    const review = [...table, '--bucket', r.bucket, '--approved-queue-url', d.approvedQueueUrl];

    // Act
    const paused = await digestCli(['pause', ...table]);
    const status = await digestCli(['status', ...table]);
    const approved = await digestCli(['approve', digestId, ...review]);
    const unknown = digestCli(['approve', 'digest-19990101T0000Z', ...review]);

    // Assess
    expect(paused.stdout).toBe('digests are paused\n');
    expect(await cloud.records.isPaused()).toBe(true);
    expect(status.stdout).toContain('digests are PAUSED');
    // The seeds are one story: its count in the singular.
    expect(status.stdout).toMatch(new RegExp(`${digestId} .* pending +5 articles, 1 theme, 0 skipped`));
    expect(approved.stdout).toMatch(new RegExp(`${digestId} .* approved`));
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
    await expect(unknown).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('digest: digest digest-19990101T0000Z does not exist\n'),
    });
    // Four starts of the command in a row: seconds each on a busy CI machine.
  }, 120_000);

  it('names the table, bucket or queue that AWS says does not exist, in one line', async () => {
    // Prepare: a pending digest, and names of resources nobody made.
    const { r, d, slot, cloud } = await reviewModeSetup(await seeds());
    const { digestId } = await cloud.digest.run(slot);
    const missing = `missing-${randomUUID().slice(0, 8)}`;
    const missingQueue = d.approvedQueueUrl.replace(/[^/]+$/, missing);

    // Act
    const [table, bucket, queue] = await Promise.all([
      digestCli(['status', '--digests-table', missing]).catch((error) => error),
      digestCli([
        'send-test',
        digestId,
        '--to',
        'ed@example.com',
        '--bucket',
        missing,
        '--digest-key',
        'd.json',
      ]).catch((error) => error),
      digestCli([
        'approve',
        digestId,
        ...['--digests-table', d.digestsTable, '--bucket', r.bucket, '--approved-queue-url', missingQueue],
      ]).catch((error) => error),
    ]);

    // Assess
    const said = (run: { code?: number; stderr?: string }) => [run.code, run.stderr?.trimEnd()];
    const check = "check its name, and that the AWS region and account are the stack's";
    expect(said(table)).toEqual([
      1,
      `digest: DynamoDB table ${missing} does not exist (ResourceNotFoundException: Requested resource not found): ${check}`,
    ]);
    expect(said(bucket)).toEqual([
      1,
      `digest: S3 bucket ${missing} does not exist (NoSuchBucket: The specified bucket does not exist): ${check}`,
    ]);
    // approve records the decision first: the failed handoff names the queue, and the settle hands it over later.
    expect(said(queue)).toEqual([
      1,
      `digest: digest ${digestId} is approved, but handing it to sending failed: The specified queue does not exist (SQS queue ${missingQueue}); the next settle of the digest Lambda (every 15 minutes in review mode) hands it over`,
    ]);
  }, 60_000);

  it('previews from the bucket exactly the digest the scheduled run archived', async () => {
    // Prepare
    const { r, d, slot, cloud } = await reviewModeSetup(await seeds());
    const result = await cloud.digest.run(slot);
    const record = await cloud.records.get(result.digestId);
    const archived = await r.s3.send(
      new GetObjectCommand({ Bucket: r.bucket, Key: `${record?.archivePrefix}digest.json` }),
    );
    const out = await mkdtemp(join(tmpdir(), 'preview-'));

    // Act
    const preview = await digestCli([
      'preview',
      '--bucket',
      r.bucket,
      '--index-table',
      r.table,
      // With the digests table the window is computed from the completed ones, as the scheduled run does.
      '--digests-table',
      d.digestsTable,
      '--window',
      slot.toISOString(),
      '--out',
      out,
    ]);

    // Assess
    expect(preview.stdout).toContain(`${result.digestId}:`);
    expect(await readFile(join(out, 'digest.json'), 'utf-8')).toBe(await archived.Body?.transformToString());
  });

  it('run-now invokes the digest function with the window end as the scheduled time, once the window has ended', async () => {
    // Prepare: a local Lambda invoke endpoint that runs the real digest handler on moto.
    const { d, r, slot } = await reviewModeSetup(await seeds());
    const { digest, log, metrics } = scheduledDigest(r, d);
    const handler = createDigestHandler(digest, log, metrics);
    const invoked: { path: string; event: unknown }[] = [];
    const lambda = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', async () => {
        const event = JSON.parse(body);
        invoked.push({ path: req.url ?? '', event });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await handler(event)));
      });
    });
    await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`;

    // Act: a window that has not ended (the setup's uploads are in the one ending at the next minute), then one that has.
    const ended = new Date(Date.now() - 1000).toISOString();
    const early = await digestCli(
      ['run-now', '--function', 'digest-fn', '--window', new Date(slot.getTime() + 60_000).toISOString()],
      endpoint,
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    const result = await digestCli(['run-now', '--function', 'digest-fn', '--window', ended], endpoint);
    lambda.close();

    // Assess: a window that has not ended is refused before anything runs; uploads until its end would be lost.
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('has not ended yet');
    expect(invoked).toEqual([
      { path: '/2015-03-31/functions/digest-fn/invocations', event: { action: 'run', scheduledTime: ended } },
    ]);
    // The window ending a second ago closed at the last minute, before the uploads: the function's answer, printed.
    expect(JSON.parse(result.stdout)).toMatchObject({ run: { outcome: 'empty', counts: { articles: 0 } } });
  });
});
