import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetSendQuotaCommand, SESClient } from '@aws-sdk/client-ses';
import type { Command } from 'commander';
import { namingResources } from '../../adapters/aws-errors.ts';
import { DynamoDbRateLimiter, DynamoDbSubscriberRepository } from '../../adapters/dynamodb-subscribers.ts';
import { writeFileAtomically } from '../../adapters/local-files.ts';
import { hasherFromSecret } from '../../adapters/secrets-manager-hash-key.ts';
import { SecretsManagerKeyProvider } from '../../adapters/secrets-manager-keys.ts';
import { SesConfirmationMailer } from '../../adapters/ses-confirmation-mailer.ts';
import { compareIds } from '../../core/compare-ids.ts';
import { ConfigError, SubscriberRejectedError, UsageError } from '../../core/errors.ts';
import { TokenSigner } from '../../core/signed-links.ts';
import { parseImportCsv, subscribersToCsv } from '../../core/subscribers/csv.ts';
import { PacedMailer } from '../../core/subscribers/paced-mailer.ts';
import { SubscriptionService } from '../../core/subscribers/service.ts';
import type { KeyedHash, Subscriber } from '../../core/subscribers/subscriber.ts';
import {
  clientConfig,
  type ResourceOptions,
  resourceOption,
  stackResources,
  withAwsOptions,
} from '../aws-options.ts';

interface ConnectionOptions extends ResourceOptions {
  /** `--table`: the subscriber table. */
  table?: string;
  newsletter?: string;
}

/** `digest subscribers …`: operator commands against the subscriber table. */
export function registerSubscribers(program: Command): void {
  const subscribers = withAwsOptions(
    program
      .command('subscribers')
      .description('manage subscribers in the DynamoDB table')
      .addOption(resourceOption('subscriberTable', '--table <name>'))
      .addOption(resourceOption('keySecret', undefined, 'to sign confirmation links: '))
      .addOption(resourceOption('hashKeySecret', undefined, 'for the suppression list: '))
      .addOption(resourceOption('from', undefined, 'confirmation mails: '))
      .addOption(resourceOption('linkBase', undefined, 'confirmation links: '))
      .addOption(resourceOption('configurationSet', undefined, 'confirmation mails: '))
      .addOption(resourceOption('fromName', '--newsletter <name>', 'confirmation mails: newsletter name, ')),
  );

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
        const { linkBase, service: subscriptions } = await service(connection);
        const outcome = await subscriptions.add(
          {
            email,
            ...(opts.name ? { name: opts.name } : {}),
            topics: opts.topics?.split(',') ?? [],
            ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
            consent: { source: 'cli', at: new Date().toISOString() },
            confirmed: opts.consented === true,
          },
          linkBase,
        );
        console.log(`${email}: ${outcome}`);
      },
    );

  subscribers
    .command('remove <email>')
    .description('unsubscribe an address (the record and its consent history stay)')
    .action(async (email: string) => {
      const found = await (await service(subscribers.opts<ConnectionOptions>())).service.remove(email);
      if (!found) throw new UsageError(`${email}: not a subscriber`);
      console.log(`${email}: unsubscribed`);
    });

  subscribers
    .command('list')
    .description('print subscribers: id, email, status, topics')
    .option('--status <status>', 'only this status')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { status?: string; json?: boolean }) => {
      for await (const s of (await repository(subscribers.opts<ConnectionOptions>())).list()) {
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
      const { linkBase, service: subscriptions } = await service(connection);
      for (const { line, subscriber } of parsed.rows) {
        try {
          const outcome = await subscriptions.add(subscriber, linkBase, `${file}:${line}`);
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
      for await (const s of (await repository(subscribers.opts<ConnectionOptions>())).list()) all.push(s);
      all.sort((a, b) => compareIds(a.createdAt, b.createdAt));
      // Only its owner may read the new file, whatever the file it replaces allowed (an older export, a name
      // planted in /tmp).
      await writeFileAtomically(file, subscribersToCsv(all), 0o600);
      console.log(`${all.length} subscribers written to ${file}`);
    });

  subscribers
    .command('delete <email>')
    .description('erase a person (privacy request); a hash of the address blocks re-import')
    .action(async (email: string) => {
      const found = await (await service(subscribers.opts<ConnectionOptions>())).service.erase(email);
      console.log(found ? `${email}: erased and suppressed` : `${email}: no record; suppressed`);
    });
}

/** The subscriber table: `--table`, `SUBSCRIBER_TABLE`, else the stack's. */
async function subscriberTable(options: ConnectionOptions): Promise<string> {
  return (await stackResources({ ...options, subscriberTable: options.table }, ['subscriberTable']))
    .subscriberTable;
}

async function repository(options: ConnectionOptions): Promise<DynamoDbSubscriberRepository> {
  return new DynamoDbSubscriberRepository(
    namingResources(new DynamoDBClient(clientConfig(options))),
    await subscriberTable(options),
  );
}

/**
 * The subscription service, able to send confirmation mails when the signing keys, a sender and the link base
 * are known (flags, environment, else the stack's outputs), and the link base its links start with.
 */
async function service(
  options: ConnectionOptions,
): Promise<{ service: SubscriptionService; linkBase: string | undefined }> {
  const table = await subscriberTable(options);
  const { keySecret, hashKeySecret, from, linkBase, configurationSet, fromName } = await stackResources(
    { ...options, fromName: options.newsletter },
    [],
    ['keySecret', 'hashKeySecret', 'from', 'linkBase', 'configurationSet', 'fromName'],
  );
  if (linkBase && !linkBase.startsWith('https://')) {
    throw new UsageError('--link-base must be an https:// URL');
  }
  const keys = keySecret
    ? new SecretsManagerKeyProvider(
        namingResources(new SecretsManagerClient(clientConfig(options))),
        keySecret,
      )
    : { keys: () => Promise.reject(new ConfigError('--key-secret is needed to sign confirmation links')) };
  let mailer: PacedMailer | undefined;
  if (from && linkBase && keySecret) {
    const ses = namingResources(new SESClient(clientConfig(options)));
    const { MaxSendRate } = await ses.send(new GetSendQuotaCommand({}));
    const direct = new SesConfirmationMailer(ses, {
      from,
      newsletter: fromName ?? 'the digest',
      ...(configurationSet ? { configurationSet } : {}),
    });
    mailer = new PacedMailer(direct, MaxSendRate && MaxSendRate > 0 ? MaxSendRate : 1);
  }
  // The suppression and complaint marks are named by the stack's keyed hash (docs/subscribers.md, "Address hashes").
  const addressHash: KeyedHash = hashKeySecret
    ? await hasherFromSecret(namingResources(new SecretsManagerClient(clientConfig(options))), hashKeySecret)
    : () => {
        throw new UsageError(
          '--hash-key-secret is required to read and write the suppression list: pass it, set HASH_KEY_SECRET, or name a deployed stack with --stack',
        );
      };
  const db = namingResources(new DynamoDBClient(clientConfig(options)));
  const service = new SubscriptionService({
    addressHash,
    repository: new DynamoDbSubscriberRepository(db, table),
    limiter: new DynamoDbRateLimiter(db, table),
    tokens: new TokenSigner(keys),
    ...(mailer ? { mailer } : {}),
  });
  return { service, linkBase };
}
