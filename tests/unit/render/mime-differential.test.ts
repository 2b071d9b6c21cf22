import { domainToUnicode } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { quoteString } from 'nodemailer/lib/mime-funcs';
import { beforeAll, describe, expect, it } from 'vitest';
import { templateFolder } from '../../../src/adapters/template-folder.ts';
import { personalise, recipientValues, renderDigestEmail } from '../../../src/core/render/email.ts';
import { MimeTemplate } from '../../../src/core/render/mime.ts';
import { parseEmailSettings } from '../../../src/core/render/settings.ts';
import { type EmailTemplates, loadTemplates } from '../../../src/core/render/templates.ts';
import { DigestMessages } from '../../../src/core/sending/message.ts';
import { encodeTagValue } from '../../../src/core/sending/tags.ts';
import { TokenSigner } from '../../../src/core/signed-links.ts';
import { subscriberLinks } from '../../../src/core/subscribers/links.ts';
import { themesForSubscriber } from '../../../src/core/subscribers/preferences.ts';
import { asciiEmail, createSubscriber } from '../../../src/core/subscribers/subscriber.ts';
import { hostileDigest, text } from '../../support/hostile-digests.ts';
import {
  mailComposerMessage,
  type PythonParse,
  parsedByMailparser,
  parsedByPython,
  type ReferenceMessage,
} from '../../support/mime-reference.ts';

/**
 * Differential test of the MIME fast path: for digests and recipients full of hostile values, the copy
 * MimeTemplate splices (and DigestMessages builds) must read, in mailparser and in Python's email package,
 * exactly as the message MailComposer composes from the same personalised parts, and as what was meant.
 * Deterministic: every input comes from fast-check with a fixed seed.
 */
const SEED = 20261126;

/** Local parts normaliseEmail() accepts: plus-addressing and every other atext character. */
const localPart = fc.constantFrom(
  'ana',
  'ana+digest',
  'first.last+tag-1',
  "o'brien",
  'a&b',
  'x/y=z?',
  '{curly}|pipe~',
  '#hash!$%*^`',
);
const domains = [
  'example.org',
  'bücher.example',
  'xn--bcher-kva.example',
  'пример.испытание',
  'mail.例え.テスト',
];
/** The characters of a link token that need encoding in a URL, or are read as its delimiters. */
const tokenText = fc.constantFrom('', 'abc', '%', ' ', '+/=', '?&', '#frag', 'é', '<>"', '\\', '%zz', '~._-');

const recipientArbitrary = fc.record({
  name: fc.option(text(4), { nil: undefined }),
  local: localPart,
  domain: fc.constantFrom(...domains),
  token: fc.tuple(tokenText, tokenText),
  encodeToken: fc.boolean(),
});

const caseArbitrary = fc.record({
  digest: hostileDigest(6),
  maxThemes: fc.integer({ min: 1, max: 10 }),
  lang: fc.constantFrom('en', 'ar', 'he', 'ja', 'de-CH'),
  archiveUrl: fc.option(
    fc.constantFrom('https://archive.example.com/d/1.html', 'https://bücher.example/a?b=c&d'),
    {
      nil: undefined,
    },
  ),
  // The sender's name and the list's are configuration, not input: hostile, but no look-alike encoded words,
  // which MailComposer reads back as other text (see assessPairs).
  fromName: text(3)
    .map((name) => name.replaceAll('=?', '= ?'))
    .filter((name) => headerText(name).trim() !== ''),
  listName: fc.option(
    text(2).map((name) => name.replaceAll('=?', '= ?')),
    { nil: undefined },
  ),
  replyTo: fc.boolean(),
  // What DigestMessages puts there: encodeTagValue(digestId).
  digestHeader: text(2).map((value) => encodeTagValue(value.slice(0, 40))),
  date: fc.date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2099-12-31T23:59:59Z'),
    noInvalidDate: true,
  }),
  recipients: fc.array(recipientArbitrary, { minLength: 1, maxLength: 8 }),
});

/** A fast copy, the reference copy of the same input, and what the reader must see. */
interface Pair {
  label: string;
  fast: Buffer;
  reference: Buffer;
  subject: string;
  to: { name: string; address: string };
  /** The personalised text and HTML parts. */
  parts: [string, string];
  /** The other headers' values as Python must read them. */
  headers: Record<'Message-ID' | 'X-Digest-Id' | 'List-Id' | 'List-Unsubscribe', string>;
  /** This recipient's unique marks (in the address and in the token, matching MARK); no other copy may carry them. */
  marks: string[];
}

/** Every recipient's marks: `rcpt<n>addr` and `rcpt<n>token`, or `sub<n>mark` and `sub<n>id`. */
const MARK = /rcpt\d+(?:addr|token)|sub\d+(?:mark|id)/g;

let templates: EmailTemplates;
beforeAll(async () => {
  templates = await loadTemplates(templateFolder());
});

/**
 * MimeTemplate's rule for header text, which the reference is given the same way: a run of control
 * characters (line breaks among them) becomes a space.
 */
const headerText = (value: string) => value.replace(/\p{Cc}+/gu, ' ');
/** A display name as MimeTemplate writes it: header text, trimmed. */
const displayName = (name: string | undefined) => headerText(name ?? '').trim();

/**
 * The List-Id as Python reads it (unstructured: a quoted name keeps its quotes, an encoded one is decoded):
 * a printable ASCII name goes quoted, any other encoded.
 */
function listIdAsRead(listName: string | undefined, listId: string): string {
  const name = headerText(listName ?? '');
  if (!name) return `<${listId}>`;
  return `${/^[\x20-\x7e]*$/.test(name) ? quoteString(name) : name} <${listId}>`;
}

/**
 * Python's reading of a display name written as encoded words: it reads each run of whitespace in a word as
 * one space, and keeps the space between adjacent encoded words (RFC 2047 6.2 says to drop it; mailparser
 * does), so "=?UTF-8?B?QW5h?= =?UTF-8?B?Yg==?=" reads "Ana b". Undefined when To is not encoded words.
 */
function pythonDisplayName(raw: string): string | undefined {
  const to = /^To: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r\n/g, '');
  const words = to?.slice(0, to.lastIndexOf(' <')).split(' ');
  if (!words?.every((word) => /^=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=$/.test(word))) return undefined;
  return words
    .map((word) =>
      Buffer.from(word.slice(10, -2), 'base64')
        .toString()
        .replace(/[ \t]+/g, ' '),
    )
    .join(' ');
}

/**
 * One parser's readings of a copy and of its reference, field by field: the same, except where the reference
 * misreads what was meant. MailComposer sends plain ASCII holding a valid encoded word ("=?UTF-8?B?aGk=?=") as
 * it is and quotes a name holding one (mailparser and Python decode both), and folds a header right after its
 * colon when the first word is long (Python then reads a leading space). A field with a meaning must read as
 * meant in the copy, whatever the reference does.
 */
function expectSameReading(
  label: string,
  fast: Record<string, unknown>,
  reference: Record<string, unknown>,
  meant: Record<string, unknown>,
): void {
  for (const key of new Set([...Object.keys(fast), ...Object.keys(reference)])) {
    if (key in meant) expect.soft(fast[key], `${label}: ${key} as meant`).toEqual(meant[key]);
    else expect.soft(fast[key], `${label}: ${key} as in the reference`).toEqual(reference[key]);
    if (key in meant && !isDeepStrictEqual(fast[key], reference[key]))
      expect
        .soft(reference[key], `${label}: ${key} differs, so the reference misreads it`)
        .not.toEqual(meant[key]);
  }
}

/** Python's reading as flat fields; address headers by their addresses (their str() is made from them). */
function pythonFields(reading: PythonParse | undefined): Record<string, unknown> {
  if (!reading || reading.error) return { error: reading?.error ?? 'no reading' };
  const headers = Object.entries(reading.headers).filter(([key]) => !(key in reading.addresses));
  return {
    ...Object.fromEntries(headers.map(([key, value]) => [`headers.${key}`, value])),
    ...Object.fromEntries(
      Object.entries(reading.addresses).map(([key, value]) => [`addresses.${key}`, value]),
    ),
    defects: reading.defects,
    tree: reading.tree,
    parts: reading.parts,
  };
}

/**
 * Everything checked of each pair: the same reading as the reference in both parsers (or the meant one where
 * the reference misreads), what was meant, 998-octet 7-bit CRLF lines, and no other recipient's token or
 * address anywhere in a copy.
 */
async function assessPairs(pairs: Pair[]): Promise<void> {
  const python = parsedByPython(pairs.flatMap((pair) => [pair.fast, pair.reference]));
  for (const [i, pair] of pairs.entries()) {
    const raw = pair.fast.toString('latin1');
    const at = pair.to.address.lastIndexOf('@');
    const [local, domain] = [pair.to.address.slice(0, at), pair.to.address.slice(at + 1)];
    const mailparser = await parsedByMailparser(pair.fast);
    // mailparser reads some A-label domains back in Unicode, others not.
    const to = mailparser.to as { address?: string }[] | undefined;
    const readAddress = [pair.to.address, `${local}@${domainToUnicode(domain)}`].find(
      (form) => to?.[0]?.address === form,
    );
    expectSameReading(pair.label, mailparser, await parsedByMailparser(pair.reference), {
      // mailparser has no subject for an empty one (a subject of control characters only).
      subject: pair.subject || undefined,
      to: [{ name: pair.to.name, address: readAddress ?? pair.to.address }],
      // mailparser reads CRLF as LF.
      text: pair.parts[0].replace(/\r\n/g, '\n'),
      html: pair.parts[1].replace(/\r\n/g, '\n'),
    });
    expectSameReading(pair.label, pythonFields(python[2 * i]), pythonFields(python[2 * i + 1]), {
      'headers.Subject': pair.subject,
      ...Object.fromEntries(Object.entries(pair.headers).map(([key, value]) => [`headers.${key}`, value])),
      'addresses.To': [[pythonDisplayName(raw) ?? pair.to.name, local, domain]],
      defects: [],
      parts: pair.parts.map((part) => part.replace(/\r\n/g, '\n')),
    });
    // Lines: CRLF only, at most 998 octets, 7-bit: the offending lines are listed.
    expect
      .soft(
        raw
          .split('\r\n')
          .filter((line) => line.length > 998 || /[^\x20-\x7e\t]/.test(line))
          .map((line) => JSON.stringify(line.slice(0, 200))),
        pair.label,
      )
      .toEqual([]);
    // Isolation: another recipient's marks appear in neither the raw copy nor what it decodes to.
    const decoded = `${raw}\n${JSON.stringify(python[2 * i])}\n${mailparser.text}\n${mailparser.html}`;
    const held = new Set(decoded.match(MARK) ?? []);
    expect
      .soft(
        [...held].filter((mark) => !pair.marks.includes(mark)),
        `${pair.label}: others' marks`,
      )
      .toEqual([]);
    expect
      .soft(
        pair.marks.filter((m) => !decoded.includes(m)),
        `${pair.label}: own marks missing`,
      )
      .toEqual([]);
  }
}

describe('MimeTemplate, differentially', () => {
  it('splices, for hostile digests and recipients, what MailComposer composes from the same parts', async () => {
    // Prepare
    const cases = fc.sample(caseArbitrary, { seed: SEED, numRuns: 20 });
    const pairs: Pair[] = [];
    let serial = 0;

    for (const [c, input] of cases.entries()) {
      const settings = parseEmailSettings({
        lang: input.lang,
        maxThemes: input.maxThemes,
        ...(input.archiveUrl && { footer: { archiveUrl: input.archiveUrl } }),
      });
      const rendered = await renderDigestEmail(input.digest, templates, settings);
      const shared = {
        from: { name: input.fromName, address: 'digest@news.example.com' },
        ...(input.replyTo && { replyTo: 'editors@news.example.com' }),
        listId: 'morning.news.example.com',
        ...(input.listName !== undefined && { listName: input.listName }),
        headers: { 'X-Digest-Id': input.digestHeader },
      };
      // Act
      const template = new MimeTemplate(rendered, { ...shared, subject: rendered.subject });
      for (const recipient of input.recipients) {
        const n = serial++;
        const marks = [`rcpt${n}addr`, `rcpt${n}token`];
        const address = asciiEmail(`${recipient.local}.${marks[0]}@${recipient.domain}`);
        const token = `${recipient.token[0]}${marks[1]}${recipient.token[1]}`;
        const link = (kind: string) =>
          `https://subscribe.news.example.com/${kind}?token=${recipient.encodeToken ? encodeURIComponent(token) : token}`;
        const reader = {
          ...(recipient.name !== undefined && { name: recipient.name }),
          unsubscribeUrl: link('unsubscribe'),
          preferencesUrl: link('preferences'),
        };
        const copy = {
          listUnsubscribeUrl: reader.unsubscribeUrl,
          messageId: `<digest-${c}.${n}@news.example.com>`,
          date: input.date,
        };
        const name = displayName(recipient.name);
        const label = `case ${c}, recipient ${n}: ${JSON.stringify({ recipient, shared, subject: rendered.subject })}`;
        const fast = template.build(
          { to: recipient.name !== undefined ? { name: recipient.name, address } : address, ...copy },
          recipientValues(reader),
        );
        const email = personalise(rendered, reader);
        const reference: ReferenceMessage = {
          ...shared,
          ...email,
          from: { ...shared.from, name: displayName(shared.from.name) },
          ...(shared.listName !== undefined && { listName: headerText(shared.listName) }),
          subject: headerText(email.subject).trim(),
          to: name ? { name, address } : address,
          ...copy,
        };
        pairs.push({
          label,
          fast,
          reference: await mailComposerMessage(reference),
          subject: headerText(rendered.subject).trim(),
          to: { name, address },
          parts: [email.text, email.html],
          headers: {
            'Message-ID': copy.messageId,
            'X-Digest-Id': input.digestHeader,
            'List-Id': listIdAsRead(shared.listName, shared.listId),
            'List-Unsubscribe': `<${new URL(copy.listUnsubscribeUrl).href}>`,
          },
          marks,
        });
      }
    }

    // Assess
    expect(pairs.length).toBeGreaterThan(90);
    await assessPairs(pairs);
    // Twenty hostile digests rendered and over 90 messages parsed twice: 15 s with this file alone on a loaded
    // 2-core machine, 20 s in the unit project, of the default 30 s.
  }, 60_000);

  it('builds per subscriber, with signed links, what MailComposer composes from the personalised digest', async () => {
    // Prepare
    const key = { id: 'k1', secret: Buffer.from('differential-key-0123456789abcdefghijklmnop') };
    const signer = new TokenSigner({ keys: async () => ({ current: key, all: [key] }) });
    const identity = {
      from: { name: 'Café “Brief”, daily', address: 'digest@news.example.org' },
      listId: 'morning.news.example.org',
      listName: 'Morning “Brief” <daily>',
      linkBase: 'https://subscribe.news.example.org/',
    };
    const settings = parseEmailSettings({});
    const builder = new DigestMessages({ templates, settings, signer, identity });
    const cases = fc.sample(
      fc.record({
        digestId: text(2).map((id) => id.slice(0, 40)),
        digest: hostileDigest(6).filter((digest) => digest.themes.length > 0),
        recipients: fc.array(
          fc.record({ recipient: recipientArbitrary, topic: fc.option(fc.nat(), { nil: undefined }) }),
          { minLength: 1, maxLength: 4 },
        ),
      }),
      { seed: SEED + 1, numRuns: 8 },
    );
    const now = new Date('2026-11-23T07:00:00Z');
    const pairs: Pair[] = [];
    let serial = 0;

    for (const [c, { digestId, digest, recipients }] of cases.entries()) {
      // A topic, a word of some theme's label, puts the matching themes first: one cached template per order.
      const words = digest.themes
        .flatMap((theme) => theme.label.toLowerCase().split(/[^\p{L}\p{N}]+/u))
        .filter(Boolean);
      for (const { recipient, topic } of recipients) {
        const n = serial++;
        const subscriber = {
          ...createSubscriber(
            {
              email: `${recipient.local}.sub${n}mark@${recipient.domain}`,
              ...(recipient.name !== undefined && { name: recipient.name }),
              topics: topic === undefined ? [] : [words[topic % words.length] ?? 'none'],
              consent: { source: 'cli', at: '2026-11-01T00:00:00Z' },
              confirmed: true,
            },
            now,
          ),
          id: `sub${n}id`,
        };
        // Act
        const fast = await builder.build(digestId, digest, subscriber, now);
        const links = await subscriberLinks(signer, subscriber.id, identity.linkBase, now);
        const name = displayName(subscriber.name);
        const address = asciiEmail(subscriber.email);
        const domain = identity.from.address.slice(identity.from.address.indexOf('@') + 1);
        const ordered = { ...digest, themes: themesForSubscriber(digest.themes, subscriber) };
        const rendered = await renderDigestEmail(ordered, templates, settings);
        const email = personalise(rendered, { ...(subscriber.name && { name: subscriber.name }), ...links });
        const messageId = `<${encodeTagValue(digestId)}.${subscriber.id}@${domain}>`;
        const reference = await mailComposerMessage({
          ...identity,
          ...email,
          subject: headerText(email.subject).trim(),
          to: name ? { name, address } : address,
          listUnsubscribeUrl: links.unsubscribeUrl,
          messageId,
          date: now,
          headers: { 'X-Digest-Id': encodeTagValue(digestId) },
        });
        expect(fast).toBeInstanceOf(Buffer);
        pairs.push({
          label: `case ${c}, subscriber ${n}: ${JSON.stringify({ recipient, digestId })}`,
          fast: fast as Buffer,
          reference,
          subject: headerText(rendered.subject).trim(),
          to: { name, address },
          parts: [email.text, email.html],
          headers: {
            'Message-ID': messageId,
            'X-Digest-Id': encodeTagValue(digestId),
            'List-Id': listIdAsRead(identity.listName, identity.listId),
            'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
          },
          marks: [`sub${n}mark`, `sub${n}id`],
        });
      }
    }

    // Assess
    await assessPairs(pairs);
  });
});
