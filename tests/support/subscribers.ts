import { readFileSync } from 'node:fs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult, SNSEvent } from 'aws-lambda';
import { type ParsedMail, simpleParser } from 'mailparser';
import { inject } from 'vitest';
import {
  DynamoDbRateLimiter,
  DynamoDbSubscriberRepository,
  SUBSCRIBERS_SCHEMA,
} from '../../src/adapters/dynamodb-subscribers.ts';
import { createTableInput } from '../../src/adapters/dynamodb-table-schema.ts';
import { hasherFromSecret } from '../../src/adapters/secrets-manager-hash-key.ts';
import { SecretsManagerKeyProvider } from '../../src/adapters/secrets-manager-keys.ts';
import { SesConfirmationMailer } from '../../src/adapters/ses-confirmation-mailer.ts';
import { SqsSignupQueue } from '../../src/adapters/sqs-signup-queue.ts';
import type { Logger } from '../../src/core/ports/logger.ts';
import { TokenSigner } from '../../src/core/signed-links.ts';
import { type SignupLimits, SubscriptionService } from '../../src/core/subscribers/service.ts';
import { createSignupWorker } from '../../src/handlers/signup-worker.ts';
import { motoClientConfig } from './aws.ts';
import { recordingObservability } from './logs.ts';
import { MAILS_PATH } from './moto.ts';
import { receiveAsLambdaEvent } from './sqs-lambda.ts';

/** Where confirmation links point in tests (the recorded Function URL fixtures' host). */
export const LINK_BASE = 'https://abcdefghijklmnopqrstuvwxyz0123.lambda-url.eu-west-1.on.aws';

export const SENDER = 'digest@news.example.org';

/** A fresh subscriber table, secret and SES sender in moto, named uniquely for this test file. */
export async function subscriberStack(prefix: string, secret: object, endpoint = inject('motoEndpoint')) {
  const suffix = `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const config = { ...motoClientConfig(), endpoint };
  const dynamo = new DynamoDBClient(config);
  const secrets = new SecretsManagerClient(config);
  const ses = new SESClient(config);
  const table = `subscribers-${suffix}`;
  await dynamo.send(new CreateTableCommand(createTableInput(table, SUBSCRIBERS_SCHEMA)));
  const { ARN } = await secrets.send(
    new CreateSecretCommand({ Name: `token-keys-${suffix}`, SecretString: JSON.stringify(secret) }),
  );
  const hashKey = await secrets.send(
    new CreateSecretCommand({
      Name: `hash-key-${suffix}`,
      SecretString: JSON.stringify({ key: 'hash-key-0123456789abcdefghijklmnopqrstuvwxyz' }),
    }),
  );
  await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: SENDER }));
  const sqs = new SQSClient(config);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `signups-${suffix}` }));
  const repository = new DynamoDbSubscriberRepository(dynamo, table);
  const keys = new SecretsManagerKeyProvider(secrets, ARN ?? '', 0);
  const hashKeyArn = hashKey.ARN ?? '';
  return {
    endpoint,
    dynamo,
    secrets,
    ses,
    sqs,
    table,
    secretArn: ARN ?? '',
    hashKeyArn,
    signupQueueUrl: QueueUrl ?? '',
    repository,
    limiter: new DynamoDbRateLimiter(dynamo, table),
    keys,
    hash: await hasherFromSecret(secrets, hashKeyArn),
  };
}

type SubscriberStack = Awaited<ReturnType<typeof subscriberStack>>;

/** The service as the endpoint and the signup worker build it, on the moto resources of `stack`. */
export function subscriptionService(
  stack: SubscriberStack,
  clock: () => Date = () => new Date(),
  limits: Partial<SignupLimits> = {},
) {
  return new SubscriptionService({
    repository: stack.repository,
    limiter: stack.limiter,
    tokens: new TokenSigner(stack.keys),
    mailer: new SesConfirmationMailer(stack.ses, {
      from: SENDER,
      newsletter: 'Morning Brief',
    }),
    queue: new SqsSignupQueue(stack.sqs, stack.signupQueueUrl),
    clientHash: stack.hash,
    addressHash: stack.hash,
    limits,
    clock,
  });
}

/** Runs the signup worker on every signup waiting on the stack's queue, as the SQS event source would. */
export async function drainSignups(
  stack: SubscriberStack,
  service: SubscriptionService,
  log: Logger = recordingObservability().log,
) {
  const event = await receiveAsLambdaEvent(stack.sqs, stack.signupQueueUrl);
  if (event.Records.length === 0) return { batchItemFailures: [] };
  return createSignupWorker(service, LINK_BASE, log)(event);
}

/** A recorded Function URL event (tests/fixtures/function-url) with the test's token or body filled in. */
export function functionUrlEvent(
  name: string,
  values: { token?: string; body?: string },
): LambdaFunctionURLEvent {
  let text = readFileSync(new URL(`../fixtures/function-url/${name}.json`, import.meta.url), 'utf8');
  text = text.replaceAll('{{token}}', values.token ?? '').replaceAll('{{body}}', values.body ?? '');
  return JSON.parse(text) as LambdaFunctionURLEvent;
}

/** A Function URL handler's answer as status, body and headers. */
export function endpointAnswer(value: LambdaFunctionURLResult) {
  if (typeof value === 'string') throw new Error('expected a structured result');
  return { status: value.statusCode, body: value.body ?? '', headers: value.headers ?? {} };
}

/** A recorded SNS delivery of an SES event (tests/fixtures/ses), its recipient swapped for the test's. */
export function sesEvent(name: string, recipient?: { from: string; to: string }): SNSEvent {
  let text = readFileSync(new URL(`../fixtures/ses/${name}.json`, import.meta.url), 'utf8');
  if (recipient) text = text.replaceAll(recipient.from, recipient.to);
  return JSON.parse(text) as SNSEvent;
}

/** A message moto accepted through SendRawEmail: its MessageId, destinations and the raw MIME. */
export interface MotoRawMessage {
  id: string;
  destinations: string[];
  raw_data: string;
}

/** Every message moto accepted through SendRawEmail in this run, oldest first (tests/support/moto.ts). */
export async function rawMessages(endpoint = inject('motoEndpoint')): Promise<MotoRawMessage[]> {
  const response = await fetch(`${endpoint}${MAILS_PATH}`);
  if (!response.ok)
    throw new Error(`moto's mails answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return (await response.json()) as MotoRawMessage[];
}

/** Whether a message went to this address (moto keeps the To header as written, display name included). */
export function sentTo(message: MotoRawMessage, address: string): boolean {
  return message.destinations.some((d) => d === address || d.endsWith(`<${address}>`));
}

/** Every mail moto accepted through SendRawEmail to this address, parsed, oldest first. */
export async function mailsTo(address: string, endpoint = inject('motoEndpoint')): Promise<ParsedMail[]> {
  const raw = (await rawMessages(endpoint)).filter((m) => sentTo(m, address));
  return Promise.all(raw.map((m) => simpleParser(m.raw_data)));
}

/** The token of the confirmation link in a parsed mail's text part. */
export function confirmToken(mail: ParsedMail): string {
  const match = /\/confirm\?token=([^\s]+)/.exec(mail.text ?? '');
  if (!match?.[1]) throw new Error('no confirmation link in the mail');
  return decodeURIComponent(match[1]);
}

export const KEY_SECRET = {
  current: 'k2',
  keys: {
    k2: 'second-key-0123456789abcdefghijklmnopqrstuvwxyz',
    k1: 'first-key-0123456789abcdefghijklmnopqrstuvwxyz',
  },
  retired: { k1: new Date().toISOString() },
};
