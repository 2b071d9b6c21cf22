import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/core/errors.ts';
import { createSubscriber, type Subscriber } from '../../src/core/subscribers/subscriber.ts';
import { createFeedbackHandler } from '../../src/handlers/ses-feedback.ts';
import { recordingObservability } from '../support/logs.ts';
import { KEY_SECRET, sesEvent, subscriberStack } from '../support/subscribers.ts';

const run = promisify(execFile);

/** The AWS CLI and jq the documented replay runs with; without both on PATH the test cannot run. */
const [awsCli, jq] = await Promise.all(
  ['aws', 'jq'].map((tool) =>
    run('sh', ['-c', `command -v ${tool}`]).then(
      (r) => r.stdout.trim(),
      () => '',
    ),
  ),
);
if (!awsCli || !jq)
  console.warn('feedback-replay.test.ts skipped: it needs the AWS CLI (`aws`) and `jq` on PATH');

/** The replay loop of docs/subscribers.md exactly as written there: the second sh block of its section. */
async function documentedReplay(): Promise<string> {
  const doc = await readFile(new URL('../../docs/subscribers.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('### Replaying FeedbackDeadLetters'));
  const blocks = [...section.matchAll(/```sh\n([^`]*)```/g)].map((match) => match[1] ?? '');
  if (!blocks[1]?.includes('aws lambda invoke')) throw new Error('no replay loop in docs/subscribers.md');
  return blocks[1];
}

/**
 * A local Lambda Invoke endpoint that runs the real feedback handler on moto, as Lambda would for `aws lambda
 * invoke` (moto cannot run Lambda code without Docker): a handler that throws answers X-Amz-Function-Error.
 */
async function feedbackFunction(handler: (event: SNSEvent) => Promise<void>) {
  const invoked: { path: string; event: SNSEvent }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', async () => {
      const event = JSON.parse(body) as SNSEvent;
      invoked.push({ path: req.url ?? '', event });
      try {
        await handler(event);
        res.writeHead(200, { 'content-type': 'application/json' }).end('null');
      } catch (error) {
        const answer = { errorType: (error as Error).name, errorMessage: (error as Error).message };
        res
          .writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' })
          .end(JSON.stringify(answer));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { invoked, server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(!awsCli || !jq)(
  'replaying FeedbackDeadLetters as docs/subscribers.md says, against moto',
  () => {
    async function setup(failing: boolean) {
      const stack = await subscriberStack('replay', KEY_SECRET);
      const handler = createFeedbackHandler({
        log: recordingObservability().log,
        repository: stack.repository,
        transientBounceLimit: 3,
        addressHash: stack.hash,
      });
      const lambda = await feedbackFunction(async (event) => {
        if (failing) throw new StorageError('the subscriber table is still unavailable');
        await handler(event);
      });
      const { QueueUrl } = await stack.sqs.send(
        new CreateQueueCommand({ QueueName: `feedback-dead-letters-${Date.now()}` }),
      );
      const subscriber = async (local: string): Promise<Subscriber> => {
        const email = `${local}-${Math.random().toString(36).slice(2, 8)}@mail.example.com`;
        const created = createSubscriber(
          { email, consent: { source: 'cli', at: new Date().toISOString() }, confirmed: true },
          new Date(),
        );
        await stack.repository.create(created);
        return created;
      };
      // What Lambda puts on its dead-letter queue: the event, unchanged, with why it failed as attributes.
      const deadLetter = async (event: SNSEvent) => {
        await stack.sqs.send(
          new SendMessageCommand({
            QueueUrl,
            MessageBody: JSON.stringify(event),
            MessageAttributes: {
              RequestID: { DataType: 'String', StringValue: '3b8e5f3c-1d2a-4a8e-9c61-0d6a1f3e2b71' },
              ErrorCode: { DataType: 'Number', StringValue: '200' },
              ErrorMessage: {
                DataType: 'String',
                StringValue: 'StorageError: ProvisionedThroughputExceeded',
              },
            },
          }),
        );
        return event;
      };
      // `aws` as the operator runs it, pointed at moto and at the local Lambda endpoint.
      const dir = await mkdtemp(join(tmpdir(), 'feedback-replay-'));
      await mkdir(join(dir, 'bin'));
      const wrapper = join(dir, 'bin', 'aws');
      await writeFile(
        wrapper,
        `#!/bin/sh\nif [ "$1" = lambda ]; then exec "${awsCli}" --endpoint-url "${lambda.endpoint}" "$@"; fi\nexec "${awsCli}" --endpoint-url "${stack.endpoint}" "$@"\n`,
      );
      await chmod(wrapper, 0o755);
      // bash reads ~/.bashrc for `bash -c` when its stdin is a socket (Node's pipes are) and SHLVL is below 1, as
      // with sshd; a ~/.bashrc that puts pyenv's shims first on PATH then runs the real `aws`, which tries AWS and
      // fails, and the loop ends as if the queue were empty. --norc and no BASH_ENV: the block runs as written.
      const replay = async () =>
        run('bash', ['--norc', '-c', await documentedReplay()], {
          cwd: dir,
          env: {
            ...process.env,
            BASH_ENV: '',
            PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
            AWS_ACCESS_KEY_ID: 'testing',
            AWS_SECRET_ACCESS_KEY: 'testing',
            AWS_DEFAULT_REGION: 'us-east-1',
            DLQ: QueueUrl ?? '',
            FN: 'NewsletterDigest-SubscribersFeedbackFunction-Ab12Cd34',
          },
        });
      const left = async () => {
        const { Attributes } = await stack.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        return (
          Number(Attributes?.ApproximateNumberOfMessages) +
          Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
        );
      };
      return { stack, lambda, subscriber, deadLetter, replay, left };
    }

    it('invokes the feedback function with each failed event and empties the queue once each succeeded', async () => {
      // Prepare: a bounce and a complaint the function failed on
      const { stack, lambda, subscriber, deadLetter, replay, left } = await setup(false);
      const gone = await subscriber('gone');
      const annoyed = await subscriber('annoyed');
      const bounce = await deadLetter(
        sesEvent('bounce-permanent', { from: 'gone@mail.example.com', to: gone.email }),
      );
      const complaint = await deadLetter(
        sesEvent('complaint', { from: 'annoyed@mail.example.com', to: annoyed.email }),
      );

      // Act
      const { stdout, stderr } = await replay();
      lambda.server.close();

      // Assess
      expect(lambda.invoked, stderr).toEqual([
        {
          path: '/2015-03-31/functions/NewsletterDigest-SubscribersFeedbackFunction-Ab12Cd34/invocations',
          event: bounce,
        },
        {
          path: '/2015-03-31/functions/NewsletterDigest-SubscribersFeedbackFunction-Ab12Cd34/invocations',
          event: complaint,
        },
      ]);
      expect((await stack.repository.get(gone.id))?.status).toBe('bounced');
      expect((await stack.repository.get(annoyed.id))?.status).toBe('complained');
      expect(await left()).toBe(0);
      expect(stdout).not.toContain('failed again');
    }, 60_000);

    it('stops at an event the function fails on again and leaves it on the queue', async () => {
      // Prepare
      const { stack, lambda, subscriber, deadLetter, replay, left } = await setup(true);
      const gone = await subscriber('gone');
      await deadLetter(sesEvent('bounce-permanent', { from: 'gone@mail.example.com', to: gone.email }));

      // Act
      const { stdout, stderr } = await replay();
      lambda.server.close();

      // Assess: tried once, not deleted (it comes back after the visibility timeout), nothing changed
      expect(lambda.invoked, stderr).toHaveLength(1);
      expect(stdout).toContain('the function failed again: {"errorType":"StorageError"');
      expect(await left()).toBe(1);
      expect((await stack.repository.get(gone.id))?.status).toBe('active');
    }, 60_000);
  },
);
