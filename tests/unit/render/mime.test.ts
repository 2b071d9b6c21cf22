import { beforeAll, describe, expect, it } from 'vitest';
import { templateFolder } from '../../../src/adapters/template-folder.ts';
import {
  personalise,
  type RenderedDigest,
  recipientValues,
  renderDigestEmail,
} from '../../../src/core/render/email.ts';
import { MimeTemplate } from '../../../src/core/render/mime.ts';
import { parseEmailSettings } from '../../../src/core/render/settings.ts';
import { loadTemplates } from '../../../src/core/render/templates.ts';
import { busyDigest } from '../../support/digests.ts';
import { mailComposerMessage, parsedByMailparser, parsedByPython } from '../../support/mime-reference.ts';

const shared = {
  from: { name: 'Café Digest — Morning', address: 'digest@news.example.com' },
  replyTo: 'editors@news.example.com',
  listId: 'morning.news.example.com',
  listName: 'Morning “Brief”',
  headers: { 'X-Digest-Id': '2026-11-23.daily' },
};
const readers = [
  { name: 'Zoë Ünïcode <b>& "Co"', address: 'zoe@example.org', token: 'zoe' },
  { name: 'Ana', address: 'ana@example.org', token: 'ana' },
  { name: undefined, address: 'anon@example.org', token: 'anon-with-a-much-longer-token-'.repeat(4) },
];
const date = new Date('2026-11-23T07:00:00Z');

let rendered: RenderedDigest;
beforeAll(async () => {
  const templates = await loadTemplates(templateFolder());
  rendered = await renderDigestEmail(busyDigest(12), templates, parseEmailSettings({ maxThemes: 8 }));
  // A long non-ASCII subject, as a title with accents makes it.
  rendered = { ...rendered, subject: `Revue de presse — été ${rendered.subject} “quoted”` };
});

function recipientOf(reader: (typeof readers)[number], i: number) {
  const link = (kind: string) => `https://subscribe.news.example.com/${kind}?token=${reader.token}&n=${i}`;
  return {
    to: reader.name ? { name: reader.name, address: reader.address } : reader.address,
    recipient: {
      name: reader.name,
      unsubscribeUrl: link('unsubscribe'),
      preferencesUrl: link('preferences'),
    },
    messageId: `<2026-11-23.daily.${i}@news.example.com>`,
  };
}

/** The same message as MailComposer built it before MimeTemplate (base64 parts, nodemailer's headers). */
function mailComposerCopy(reader: (typeof readers)[number], i: number): Promise<Buffer> {
  const { to, recipient, messageId } = recipientOf(reader, i);
  const email = personalise(rendered, recipient);
  return mailComposerMessage({
    ...shared,
    ...email,
    to,
    listUnsubscribeUrl: recipient.unsubscribeUrl,
    messageId,
    date,
  });
}

describe('MimeTemplate', () => {
  it('builds, per recipient, the message MailComposer built: same headers, structure and decoded parts', async () => {
    // Prepare
    const template = new MimeTemplate(rendered, { ...shared, subject: rendered.subject });

    // Act
    const built = readers.map((reader, i) => {
      const { to, recipient, messageId } = recipientOf(reader, i);
      return template.build(
        { to, listUnsubscribeUrl: recipient.unsubscribeUrl, messageId, date },
        recipientValues(recipient),
      );
    });
    const before = await Promise.all(readers.map(mailComposerCopy));

    // Assess
    for (const [i, raw] of built.entries()) {
      const now = await parsedByMailparser(raw);
      expect(now).toEqual(await parsedByMailparser(before[i] as Buffer));
      expect(now.html).toContain(`token=${readers[i]?.token}&amp;n=${i}`);
    }
    const [python, pythonBefore] = [parsedByPython(built), parsedByPython(before)];
    expect(python).toEqual(pythonBefore);
    expect(python.flatMap((m) => m.defects)).toEqual([]);
  });

  it('writes 7-bit lines of at most 78 characters (but List-Unsubscribe), encoded non-ASCII headers', () => {
    // Prepare
    const template = new MimeTemplate(rendered, { ...shared, subject: rendered.subject });
    const { to, recipient, messageId } = recipientOf(readers[0] as (typeof readers)[number], 0);

    // Act
    const raw = template.build(
      { to, listUnsubscribeUrl: recipient.unsubscribeUrl, messageId, date },
      recipientValues(recipient),
    );

    // Assess
    const text = raw.toString('latin1');
    expect(/^[\x20-\x7e\r\n\t]*$/.test(text)).toBe(true);
    expect(text.split('\r\n').filter((line) => line.length > 78)).toEqual([
      `List-Unsubscribe: <${recipient.unsubscribeUrl}>`,
    ]);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const head = text.split('\r\n\r\n')[0] ?? '';
    expect(head).toContain(`List-Unsubscribe: <${recipient.unsubscribeUrl}>`);
    expect(head).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(head).toContain(`Message-ID: ${messageId}`);
    expect(head).toContain('Date: Mon, 23 Nov 2026 07:00:00 +0000');
    expect(head).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(head).toMatch(/^To: =\?UTF-8\?B\?.*<zoe@example.org>$/m);
  });

  it('ends every line in CRLF when a part holds a lone CR (a digest title can), and decodes it as given', async () => {
    // Prepare: a lone CR went into the quoted-printable as it was, a bare CR in the message
    const parts = { html: '<h1>Morning\rdigest</h1>', text: 'Morning\rdigest\r\r\nnext\n', placeholders: {} };
    const template = new MimeTemplate(parts, { ...shared, subject: 'Morning' });

    // Act
    const raw = template.build(
      { to: 'ana@example.org', listUnsubscribeUrl: 'https://x.example.com/u', date },
      {
        html: {},
        text: {},
      },
    );

    // Assess
    expect(raw.toString('latin1').replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const parsed = await parsedByMailparser(raw);
    expect([parsed.text, parsed.html]).toEqual(['Morning\rdigest\r\nnext\n', '<h1>Morning\rdigest</h1>']);
  });

  it('sends header text a receiver would misread encoded: look-alike encoded words, control characters', async () => {
    // Prepare: plain ASCII went out as it was, so "=?...?=" was decoded by every reader (in a quoted name too),
    // and DEL, which isPlainText() lets through, went out raw (RFC 5322 header text is printable)
    const lookAlike = '=?UTF-8?B?aGlkZGVu?= and =?utf-8?q?x?=';
    const template = new MimeTemplate(
      { html: '<p>x</p>', text: 'x\n', placeholders: {} },
      { ...shared, listName: `List\x7f${lookAlike}`, subject: `\x1bSubject ${lookAlike}\x7f\x00.` },
    );

    // Act
    const raw = template.build(
      {
        to: { name: `Ana ${lookAlike}\x1b`, address: 'ana@example.org' },
        listUnsubscribeUrl: 'https://x.example.com/u',
        date,
      },
      { html: {}, text: {} },
    );

    // Assess
    expect(raw.toString('latin1')).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    const parsed = await parsedByMailparser(raw);
    expect(parsed.subject).toBe(`Subject ${lookAlike} .`);
    expect(parsed.to).toEqual([{ name: `Ana ${lookAlike}`, address: 'ana@example.org' }]);
    const [python] = parsedByPython([raw]);
    expect(python?.headers.Subject).toBe(`Subject ${lookAlike} .`);
    expect(python?.headers['List-Id']).toBe(`List ${lookAlike} <${shared.listId}>`);
    expect(python?.defects).toEqual([]);
  });

  it('keeps a long first word on the header line, where folding would give the value a leading space', async () => {
    // Prepare: "Subject:" then a folded line, which Python reads as " aaa…"
    const subject = `${'a'.repeat(120)} b`;
    const template = new MimeTemplate(
      { html: '<p>x</p>', text: 'x\n', placeholders: {} },
      { ...shared, subject },
    );

    // Act
    const raw = template.build(
      { to: 'ana@example.org', listUnsubscribeUrl: 'https://x.example.com/u', date },
      { html: {}, text: {} },
    );

    // Assess
    expect(raw.toString('latin1')).toContain(`\r\nSubject: ${'a'.repeat(120)}\r\n b\r\n`);
    expect(parsedByPython([raw])[0]?.headers.Subject).toBe(subject);
    expect((await parsedByMailparser(raw)).subject).toBe(subject);
  });

  it('refuses headers and addresses that could inject or mislead', () => {
    // Prepare
    const template = new MimeTemplate(rendered, { ...shared, subject: rendered.subject });
    const values = recipientValues(recipientOf(readers[1] as (typeof readers)[number], 1).recipient);
    const listUnsubscribeUrl = 'https://subscribe.news.example.com/u';

    // Act / Assess
    expect(() => template.build({ to: 'not an address', listUnsubscribeUrl }, values)).toThrow(
      /cannot compose the message/,
    );
    expect(() =>
      template.build({ to: 'a@example.org', listUnsubscribeUrl: 'http://x.example.com/u' }, values),
    ).toThrow(/https/);
    expect(
      () =>
        new MimeTemplate(rendered, {
          ...shared,
          subject: 's',
          headers: { 'X-Note': 'a\r\nBcc: x@example.com' },
        }),
    ).toThrow(/cannot compose the message/);
  });
});
