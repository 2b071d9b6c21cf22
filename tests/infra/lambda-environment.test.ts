import { describe, expect, it } from 'vitest';
import {
  LAMBDA_ENVIRONMENTS,
  type LambdaEnvironment,
  parseEnvironment,
} from '../../src/handlers/environment.ts';

// A construct's `environment` is typed by the schema its handler parses (BundledFunction's `handler` prop):
// `npm run typecheck` fails on the @ts-expect-error lines below if a missing or unknown variable compiles.

describe('each construct’s environment is typed by its handler’s schema', () => {
  it('compiles the variables the handler requires and refuses a missing or unknown one', () => {
    // Prepare
    const complete: LambdaEnvironment<'send-fanout'> = {
      SUBSCRIBER_TABLE: 'subscribers',
      SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/send',
    };
    // @ts-expect-error SEND_QUEUE_URL is required by the fan-out's schema
    const missing: LambdaEnvironment<'send-fanout'> = { SUBSCRIBER_TABLE: 'subscribers' };
    const unknown: LambdaEnvironment<'ingest'> = {
      ARTICLES_BUCKET: 'articles',
      ARTICLE_INDEX_TABLE: 'index',
      MAX_ARTICLE_BYTES: '1048576',
      // @ts-expect-error a variable the ingest schema does not read
      MAX_ARTICLE_SIZE: '1048576',
    };

    // Act
    const parsed = parseEnvironment('send-fanout', complete);

    // Assess: what compiles parses, with the schema's defaults.
    expect(parsed).toEqual({ ...complete, BATCH_SIZE: 50 });
    expect(() => parseEnvironment('send-fanout', missing)).toThrow(
      /invalid Lambda environment[\s\S]*SEND_QUEUE_URL/,
    );
    expect(() => parseEnvironment('ingest', unknown)).not.toThrow();
  });

  it('names a schema for every handler file in functions/', async () => {
    // Prepare
    const { handlerEntries } = await import('../../bench/bundles.ts');

    // Act
    const handlers = handlerEntries().map((file) => file.replace(/\.ts$/, ''));

    // Assess
    expect(handlers.sort()).toEqual(Object.keys(LAMBDA_ENVIRONMENTS).sort());
  });
});
