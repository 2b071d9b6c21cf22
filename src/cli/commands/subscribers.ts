import { readFile, writeFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetSendQuotaCommand, SESClient } from '@aws-sdk/client-ses';
import type { Command } from 'commander';
import { DynamoDbRateLimiter, DynamoDbSubscriberRepository } from '../../adapters/dynamodb-subscribers.ts';
import { SecretsManagerKeyProvider } from '../../adapters/secrets-manager-keys.ts';
import { SesConfirmationMailer } from '../../adapters/ses-confirmation-mailer.ts';
import { compareIds } from '../../core/compare-ids.ts';
import { ConfigError, SubscriberRejectedError, UsageError } from '../../core/errors.ts';
import { TokenSigner } from '../../core/signed-links.ts';
import { parseImportCsv, subscribersToCsv } from '../../core/subscribers/csv.ts';
import { PacedMailer } from '../../core/subscribers/paced-mailer.ts';
import { SubscriptionService } from '../../core/subscribers/service.ts';
import type { Subscriber } from '../../core/subscribers/subscriber.ts';
import { type AwsOptions, clientConfig } from '../aws-options.ts';

interface ConnectionOptions extends AwsOptions {
  table: string;
  keySecret?: string;
  from?: string;
  linkBase?: string;
  configurationSet?: string;
  newsletter: string;
}

/** `digest subscribers …`: operator commands against the subscriber table. */
export function registerSubscribers(program: Command): void {
  const subscribers = program
    .command('subscribers')
    .description('manage subscribers in the DynamoDB table')
    .requiredOption('--table <name>', 'subscriber table name')
    .option('--endpoint <url>', 'AWS endpoint for a local stack (e.g. http://127.0.0.1:5000)')
    .option('--region <region>', 'AWS region (default: from the AWS environment)')
    .option('--key-secret <id>', 'Secrets Manager id of the token keys (to sign confirmation links)')
    .option('--from <address>', 'verified SES sender of confirmation mails')
    .option('--link-base <url>', 'https:// base of the subscription endpoint, for confirmation links')
    .option('--configuration-set <name>', 'SES configuration set for confirmation mails')
    .option('--newsletter <name>', 'newsletter name used in confirmation mails', 'the digest');

  subscribers
    .command('add <email>')
    .description('add a subscriber; without --consented they get a confirmation mail and stay pending')
    .option('--name <name>', 'their name')
    .option('--topics <list>', 'topic keywords, comma-separated')
    .option('--time-zone <zone>', 'IANA time zone, e.g. Europe/Paris')
    .option('--consented', 'you hold their consent: make them active at once')
    .action(
      async (
        email: string,
        opts: { name?: string; topics?: string; timeZone?: string; consented?: boolean },
      ) => {
        const connection = subscribers.opts<ConnectionOptions>();
        const outcome = await (await service(connection)).add(
          {
            email,
            ...(opts.name ? { name: opts.name } : {}),
            topics: opts.topics?.split(',') ?? [],
            ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
            consent: { source: 'cli', at: new Date().toISOString() },
            confirmed: opts.consented === true,
          },
          connection.linkBase,
        );
        console.log(`${email}: ${outcome}`);
      },
    );

  subscribers
    .command('remove <email>')
    .description('unsubscribe an address (the record and its consent history stay)')
    .action(async (email: string) => {
      const found = await (await service(subscribers.opts<ConnectionOptions>())).remove(email);
      if (!found) throw new UsageError(`${email}: not a subscriber`);
      console.log(`${email}: unsubscribed`);
    });

  subscribers
    .command('list')
    .description('print subscribers: id, email, status, topics')
    .option('--status <status>', 'only this status')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { status?: string; json?: boolean }) => {
      for await (const s of repository(subscribers.opts<ConnectionOptions>()).list()) {
        if (opts.status && s.status !== opts.status) continue;
        console.log(opts.json ? JSON.stringify(s) : [s.id, s.email, s.status, s.topics.join(';')].join('\t'));
      }
    });

  subscribers
    .command('import <file>')
    .description('import a CSV (columns: email, name, topics, time_zone, consent, consent_at, status)')
    .option('--consented', 'you hold consent for every row: import them as active')
    .action(async (file: string, opts: { consented?: boolean }) => {
      const connection = subscribers.opts<ConnectionOptions>();
      const parsed = parseImportCsv(await readFile(file, 'utf8'), file, {
        consented: opts.consented === true,
        now: new Date(),
      });
      const problems = [...parsed.problems];
      const outcomes = new Map<string, number>();
      const subscriptions = await service(connection);
      for (const { line, subscriber } of parsed.rows) {
        try {
          const outcome = await subscriptions.add(subscriber, connection.linkBase, `${file}:${line}`);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        } catch (error) {
          if (!(error instanceof SubscriberRejectedError)) throw error;
          problems.push({ line, reason: error.reason });
        }
      }
      problems.sort((a, b) => a.line - b.line);
      for (const { line, reason } of problems) console.error(`${file}:${line}: ${reason}`);
      const summary = [...outcomes].map(([outcome, n]) => `${n} ${outcome}`).join(', ') || 'nothing imported';
      console.log(`${summary}; ${problems.length} rows refused`);
      if (problems.length > 0)
        throw new UsageError(`${file}: ${problems.length} rows refused (listed above)`);
    });

  subscribers
    .command('export <file>')
    .description('write every subscriber to a CSV file')
    .action(async (file: string) => {
      const all: Subscriber[] = [];
      for await (const s of repository(subscribers.opts<ConnectionOptions>()).list()) all.push(s);
      all.sort((a, b) => compareIds(a.createdAt, b.createdAt));
      await writeFile(file, subscribersToCsv(all), { mode: 0o600 });
      console.log(`${all.length} subscribers written to ${file}`);
    });

  subscribers
    .command('delete <email>')
    .description('erase a person (privacy request); a hash of the address blocks re-import')
    .action(async (email: string) => {
      const found = await (await service(subscribers.opts<ConnectionOptions>())).erase(email);
      console.log(found ? `${email}: erased and suppressed` : `${email}: no record; suppressed`);
    });
}

function repository(options: ConnectionOptions): DynamoDbSubscriberRepository {
  return new DynamoDbSubscriberRepository(new DynamoDBClient(clientConfig(options)), options.table);
}

async function service(options: ConnectionOptions): Promise<SubscriptionService> {
  if (options.linkBase && !options.linkBase.startsWith('https://')) {
    throw new UsageError('--link-base must be an https:// URL');
  }
  const { keySecret, from, linkBase } = options;
  const keys = keySecret
    ? new SecretsManagerKeyProvider(new SecretsManagerClient(clientConfig(options)), keySecret)
    : { keys: () => Promise.reject(new ConfigError('--key-secret is needed to sign confirmation links')) };
  let mailer: PacedMailer | undefined;
  if (from && linkBase && keySecret) {
    const ses = new SESClient(clientConfig(options));
    const { MaxSendRate } = await ses.send(new GetSendQuotaCommand({}));
    const direct = new SesConfirmationMailer(ses, {
      from,
      newsletter: options.newsletter,
      ...(options.configurationSet ? { configurationSet: options.configurationSet } : {}),
    });
    mailer = new PacedMailer(direct, MaxSendRate && MaxSendRate > 0 ? MaxSendRate : 1);
  }
  return new SubscriptionService({
    repository: repository(options),
    limiter: new DynamoDbRateLimiter(new DynamoDBClient(clientConfig(options)), options.table),
    tokens: new TokenSigner(keys),
    ...(mailer ? { mailer } : {}),
  });
}
