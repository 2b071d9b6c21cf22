import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { templateFolder } from '../../src/adapters/template-folder.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { loadTemplates } from '../../src/core/render/templates.ts';
import { archivePageUrl, DigestMessages } from '../../src/core/sending/message.ts';
import { TokenSigner } from '../../src/core/signed-links.ts';
import { createSubscriber } from '../../src/core/subscribers/subscriber.ts';
import { parseEnvironment } from '../../src/handlers/environment.ts';
import { busyDigest } from '../support/digests.ts';

const KEY = { id: 'k1', secret: Buffer.from('unit-key-0123456789abcdefghijklmnopqrstuvwxyz') };

async function messages() {
  return new DigestMessages({
    templates: await loadTemplates(templateFolder()),
    settings: parseEmailSettings({}),
    signer: new TokenSigner({ keys: async () => ({ current: KEY, all: [KEY] }) }),
    identity: {
      from: { name: 'Morning Brief', address: 'digest@news.example.org' },
      listId: 'morning.news.example.org',
      linkBase: 'https://subscribe.news.example.org',
    },
  });
}

describe('per-subscriber messages', () => {
  const labels = ['Election results', 'River floods', 'Stock markets'];
  const digest = busyDigest(3);
  digest.themes.forEach((theme, i) => {
    theme.label = labels[i] ?? theme.label;
  });
  const reader = (topics: string[], topicsOnly = false) => ({
    ...createSubscriber(
      {
        email: 'reader@mail.example.com',
        topics,
        consent: { source: 'cli', at: '2026-11-01T00:00:00Z' },
        confirmed: true,
      },
      new Date(),
    ),
    topicsOnly,
  });

  it('puts the themes matching a subscriber topic first, and keeps the digest order for everybody else', async () => {
    // prepare
    const builder = await messages();
    const now = new Date('2026-11-23T07:00:00Z');

    // act
    const plain = await simpleParser((await builder.build('d1', digest, reader([]), now)) ?? '');
    const markets = await simpleParser((await builder.build('d1', digest, reader(['markets']), now)) ?? '');

    // assess
    const order = (text: string) => labels.map((l) => text.indexOf(l));
    const [elections, floods, stocks] = order(plain.text ?? '');
    expect(elections).toBeLessThan(floods ?? 0);
    expect(floods).toBeLessThan(stocks ?? 0);
    const [e2, f2, s2] = order(markets.text ?? '');
    expect(s2).toBeLessThan(e2 ?? 0);
    expect(e2).toBeLessThan(f2 ?? 0);
  });

  it('builds a message for every address a subscriber may sign up with: IDN top-level domains, any atext', async () => {
    // prepare: addresses normaliseEmail() accepts, which z.email() refused ("to: invalid email address")
    const builder = await messages();
    const emails = ['user@пример.испытание', 'a&b+news@example.org', "x/y=z?{o'brien}@例え.テスト"];

    // act
    const raws = await Promise.all(
      emails.map(
        async (email) => (await builder.build('d1', digest, { ...reader([]), email }, new Date())) ?? '',
      ),
    );

    // assess: the domain goes out as A-labels, and mailparser reads the address back
    expect(raws.map((raw) => /^To: (.*)$/m.exec(raw.toString())?.[1])).toEqual([
      'user@xn--e1afmkfd.xn--80akhbyknj4f',
      'a&b+news@example.org',
      "x/y=z?{o'brien}@xn--r8jz45g.xn--zckzah",
    ]);
    const parsed = await Promise.all(raws.map((raw) => simpleParser(raw)));
    expect(parsed.map((mail) => (Array.isArray(mail.to) ? undefined : mail.to?.value[0]?.address))).toEqual(
      emails,
    );
  });

  it('builds nothing for a topics-only subscriber when no theme matches', async () => {
    const builder = await messages();
    expect(await builder.build('d1', digest, reader(['cricket'], true), new Date())).toBeUndefined();
    expect(await builder.build('d1', digest, reader(['floods'], true), new Date())).toBeInstanceOf(Buffer);
  });
});

describe('archive page links', () => {
  it('puts digest.html beside the digest.json, under the https base, with each segment encoded', () => {
    // prepare
    const key = 'digests/2026/11/23/2026-11-23.daily:v2/digest.json';

    // act
    const withSlash = archivePageUrl('https://archive.news.example.org/', key);
    const withoutSlash = archivePageUrl('https://archive.news.example.org', key);

    // assess
    expect(withSlash).toBe(
      'https://archive.news.example.org/digests/2026/11/23/2026-11-23.daily%3Av2/digest.html',
    );
    expect(withoutSlash).toBe(withSlash);
  });

  it('refuses a base that is not https, and the worker environment refuses it too', () => {
    expect(() => archivePageUrl('http://archive.news.example.org', 'digests/x/digest.json')).toThrow(
      /archive base URL must be an https:\/\/ URL/,
    );
    expect(() =>
      parseEnvironment('send-worker', { ...WORKER_ENV, ARCHIVE_BASE_URL: 'http://archive.news.example.org' }),
    ).toThrow(/ARCHIVE_BASE_URL/);
    expect(parseEnvironment('send-worker', WORKER_ENV).ARCHIVE_BASE_URL).toBeUndefined();
    expect(
      parseEnvironment('send-worker', { ...WORKER_ENV, ARCHIVE_BASE_URL: 'https://d1.cloudfront.net' })
        .ARCHIVE_BASE_URL,
    ).toBe('https://d1.cloudfront.net');
  });
});

/** The worker's required settings as infra/constructs/sending.ts sets them. */
const WORKER_ENV = {
  SUBSCRIBER_TABLE: 'subscribers',
  SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/send',
  LEDGER_TABLE: 'ledger',
  ARCHIVE_BUCKET: 'articles',
  TOKEN_KEY_SECRET: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keys',
  HASH_KEY_SECRET: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hash-key',
  SENDER_ADDRESS: 'digest@news.example.org',
  SENDER_NAME: 'Morning Brief',
  LIST_ID: 'morning.news.example.org',
  LINK_BASE: 'https://subscribe.news.example.org',
  SES_CONFIGURATION_SET: 'digest-sending',
  MAX_WORKERS: '2',
  LEASE_SECONDS: '300',
};
