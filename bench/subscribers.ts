// Measures the subscriber code paths: `npx tsx bench/subscribers.ts`. Figures go to docs/subscribers.md.
import { performance } from 'node:perf_hooks';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import {
  DynamoDbRateLimiter,
  DynamoDbSubscriberRepository,
  SUBSCRIBERS_SCHEMA,
} from '../src/adapters/dynamodb-subscribers.ts';
import { createTableInput } from '../src/adapters/dynamodb-table-schema.ts';
import { parseKeySecret, TokenSigner } from '../src/core/signed-links.ts';
import { parseImportCsv } from '../src/core/subscribers/csv.ts';
import { SubscriptionService } from '../src/core/subscribers/service.ts';
import { createSubscriber, keyedHasher } from '../src/core/subscribers/subscriber.ts';
import { createSubscriptionHandler } from '../src/handlers/subscription-endpoint.ts';
import { startMoto } from '../tests/support/moto.ts';
import { measureSignupTiming, printSignupTiming } from './signup-timing.ts';
import { percentile } from './stats.ts';

const keys = parseKeySecret(
  JSON.stringify({ current: 'k1', keys: { k1: 'bench-key-0123456789abcdefghijklmnopqrstuvwxyz' } }),
);
const signer = new TokenSigner({ keys: async () => keys });

async function tokens(): Promise<void> {
  const n = 20_000;
  const now = new Date();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const token = await signer.sign(`id-${i}`, 'unsubscribe', now);
    await signer.verify(token, 'unsubscribe', now);
  }
  const ms = performance.now() - start;
  console.log(`tokens: ${n} sign+verify in ${ms.toFixed(0)} ms = ${((n / ms) * 1000).toFixed(0)} pairs/s`);
}

function csv(): void {
  const rows = 10_000;
  const lines = ['email,name,topics,consent'];
  for (let i = 0; i < rows; i++)
    lines.push(`reader${i}@example.org,Reader ${i},ai;energy,${i % 10 === 0 ? 'maybe' : 'yes'}`);
  const start = performance.now();
  const parsed = parseImportCsv(lines.join('\n'), 'bench.csv', { consented: false, now: new Date() });
  const ms = performance.now() - start;
  console.log(
    `csv: ${rows} rows parsed and validated in ${ms.toFixed(0)} ms (${parsed.rows.length} good, ${parsed.problems.length} refused)`,
  );
}

async function unsubscribeAgainstMoto(): Promise<void> {
  const moto = await startMoto();
  try {
    const client = new DynamoDBClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    const table = 'bench-subscribers';
    await client.send(new CreateTableCommand(createTableInput(table, SUBSCRIBERS_SCHEMA)));
    const repository = new DynamoDbSubscriberRepository(client, table);
    const service = new SubscriptionService({
      repository,
      limiter: new DynamoDbRateLimiter(client, table),
      tokens: signer,
      addressHash: keyedHasher(Buffer.from('bench-hash-key-0123456789abcdefghijklmnop')),
    });
    const handler = createSubscriptionHandler({ service, newsletter: 'Bench', signupEnabled: false });
    const n = 200;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const s = createSubscriber(
        {
          email: `r${i}@example.org`,
          consent: { source: 'cli', at: new Date().toISOString() },
          confirmed: true,
        },
        new Date(),
      );
      await repository.create(s);
      ids.push(s.id);
    }
    const timings: number[] = [];
    for (const id of ids) {
      const token = await signer.sign(id, 'unsubscribe', new Date());
      const event = {
        rawPath: '/unsubscribe',
        rawQueryString: `token=${token}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from('List-Unsubscribe=One-Click').toString('base64'),
        isBase64Encoded: true,
        requestContext: { domainName: 'bench.lambda-url.eu-west-1.on.aws', http: { method: 'POST' } },
      } as unknown as LambdaFunctionURLEvent;
      const start = performance.now();
      await handler(event);
      timings.push(performance.now() - start);
    }
    timings.sort((a, b) => a - b);
    console.log(
      `one-click unsubscribe through the handler against moto DynamoDB: n=${n} p50=${percentile(timings, 50).toFixed(1)} ms p95=${percentile(timings, 95).toFixed(1)} ms`,
    );
  } finally {
    await moto.stop();
  }
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
await tokens();
csv();
await unsubscribeAgainstMoto();
printSignupTiming(await measureSignupTiming(200));
