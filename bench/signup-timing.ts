// Signup timing: POST /subscribe through the real handler against moto (DynamoDB, SQS, Secrets Manager),
// for addresses that are active subscribers and addresses never seen, interleaved. The endpoint only checks
// the syntax and the client's limit and queues the signup, so both medians should match (target: 10 %).
import { performance } from 'node:perf_hooks';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import {
  DynamoDbRateLimiter,
  DynamoDbSubscriberRepository,
  SUBSCRIBERS_SCHEMA,
} from '../src/adapters/dynamodb-subscribers.ts';
import { createTableInput } from '../src/adapters/dynamodb-table-schema.ts';
import { SqsSignupQueue } from '../src/adapters/sqs-signup-queue.ts';
import { parseKeySecret, TokenSigner } from '../src/core/signed-links.ts';
import { SubscriptionService } from '../src/core/subscribers/service.ts';
import { createSubscriber, keyedHasher } from '../src/core/subscribers/subscriber.ts';
import { createSubscriptionHandler } from '../src/handlers/subscription-endpoint.ts';
import { startMoto } from '../tests/support/moto.ts';
import { median } from './stats.ts';

export interface SignupTiming {
  pairs: number;
  knownMedianMs: number;
  unknownMedianMs: number;
  /** |known - unknown| / the larger median. */
  difference: number;
}

const signer = new TokenSigner({
  keys: async () =>
    parseKeySecret(
      JSON.stringify({ current: 'k1', keys: { k1: 'bench-key-0123456789abcdefghijklmnopqrstuvwxyz' } }),
    ),
});

function signupEvent(email: string): LambdaFunctionURLEvent {
  return {
    rawPath: '/subscribe',
    rawQueryString: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `email=${encodeURIComponent(email)}&name=Reader`,
    isBase64Encoded: false,
    requestContext: {
      domainName: 'bench.lambda-url.eu-west-1.on.aws',
      http: { method: 'POST', sourceIp: '198.51.100.7' },
    },
  } as unknown as LambdaFunctionURLEvent;
}

export async function measureSignupTiming(pairs: number): Promise<SignupTiming> {
  const moto = await startMoto();
  try {
    const config = {
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    };
    const dynamo = new DynamoDBClient(config);
    const sqs = new SQSClient(config);
    const table = 'bench-signups';
    await dynamo.send(new CreateTableCommand(createTableInput(table, SUBSCRIBERS_SCHEMA)));
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-signups' }));
    const repository = new DynamoDbSubscriberRepository(dynamo, table);
    const service = new SubscriptionService({
      repository,
      limiter: new DynamoDbRateLimiter(dynamo, table),
      tokens: signer,
      queue: new SqsSignupQueue(sqs, QueueUrl),
      clientHash: keyedHasher(Buffer.from('bench-hash-key-0123456789abcdefghijklmnop')),
      addressHash: keyedHasher(Buffer.from('bench-hash-key-0123456789abcdefghijklmnop')),
      limits: { perClient: { max: 1_000_000, windowMs: 3_600_000 } },
    });
    const handler = createSubscriptionHandler({ service, newsletter: 'Bench', signupEnabled: true });
    const known: string[] = [];
    for (let i = 0; i < pairs; i++) {
      const subscriber = createSubscriber(
        {
          email: `known${i}@example.org`,
          consent: { source: 'cli', at: new Date().toISOString() },
          confirmed: true,
        },
        new Date(),
      );
      await repository.create(subscriber);
      known.push(subscriber.email);
    }
    // Warm-up: the first requests pay for connections and JIT.
    for (let i = 0; i < 20; i++) await handler(signupEvent(`warmup${i}@example.org`));
    const timings = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < pairs; i++) {
      // Alternate which goes first, so drift on a shared machine falls on both sides alike.
      const order = i % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const);
      for (const kind of order) {
        const email = kind === 'known' ? (known[i] ?? '') : `unknown${i}@example.org`;
        const start = performance.now();
        await handler(signupEvent(email));
        timings[kind].push(performance.now() - start);
      }
    }
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    const knownMedianMs = median(timings.known);
    const unknownMedianMs = median(timings.unknown);
    return {
      pairs,
      knownMedianMs,
      unknownMedianMs,
      difference: Math.abs(knownMedianMs - unknownMedianMs) / Math.max(knownMedianMs, unknownMedianMs),
    };
  } finally {
    await moto.stop();
  }
}

export function printSignupTiming(t: SignupTiming): void {
  console.log(
    `\nSignup timing: POST /subscribe against moto, ${t.pairs} active and ${t.pairs} unknown addresses`,
  );
  console.log(`  median, active subscriber: ${t.knownMedianMs.toFixed(2)} ms`);
  console.log(`  median, unknown address:   ${t.unknownMedianMs.toFixed(2)} ms`);
  console.log(
    `  difference: ${(t.difference * 100).toFixed(1)} % (${t.difference <= 0.1 ? 'within' : 'NOT within'} 10 %)`,
  );
}
