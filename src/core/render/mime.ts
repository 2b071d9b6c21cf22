import MailComposer from 'nodemailer/lib/mail-composer';
import { encodeWord, isPlainText, quoteString } from 'nodemailer/lib/mime-funcs';
import { z } from 'zod';
import { UsageError } from '../errors.ts';

const mailbox = z.object({ name: z.string().optional(), address: z.email() });
const mailboxOrAddress = z.union([z.email(), mailbox]);
/** Headers composeMime writes itself; `headers` may not override them. */
const RESERVED_HEADERS =
  /^(from|to|cc|bcc|reply-to|subject|date|message-id|mime-version|content-.*|list-(unsubscribe|unsubscribe-post|id))$/i;

const mimeMessageSchema = z.object({
  from: mailbox.extend({ name: z.string().min(1) }),
  to: mailboxOrAddress,
  replyTo: mailboxOrAddress.optional(),
  subject: z.string().min(1),
  html: z.string(),
  text: z.string(),
  /** One-click unsubscribe target (RFC 8058): https only. */
  listUnsubscribeUrl: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
  /** List-Id identifier, a domain-like name such as `weekly.digest.example.com` (RFC 2919). */
  listId: z.string().regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'must look like list.example.com'),
  /** Human description shown before the List-Id. */
  listName: z.string().optional(),
  /** `<unique@domain>`; generated from the From domain when omitted. */
  messageId: z
    .string()
    .regex(/^<[^<>\s@]+@[^<>\s@]+>$/, 'must look like <id@domain>')
    .optional(),
  date: z.date().optional(),
  /** Extra headers such as X-Digest-Id; values are encoded by the MIME library, never concatenated raw. */
  headers: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z0-9-]+$/, 'header names are letters, digits and -')
        .refine((name) => !RESERVED_HEADERS.test(name), 'is set by composeMime'),
      z.string().regex(/^[^\r\n]*$/, 'header values are one line'),
    )
    .optional(),
});

export type MimeMessage = z.input<typeof mimeMessageSchema>;

/**
 * Builds a complete multipart/alternative message (text then HTML, UTF-8) with the List-* headers bulk
 * senders need. nodemailer's MailComposer only builds the MIME; sending is somebody else's job.
 */
export async function composeMime(input: MimeMessage): Promise<Buffer> {
  const parsed = mimeMessageSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(`cannot compose the message: ${z.prettifyError(parsed.error)}`);
  const message = parsed.data;
  const listName = message.listName?.replace(/[\r\n]+/g, ' ');
  const headers = [
    ...Object.entries(message.headers ?? {}).map(([key, value]) => ({ key, value })),
    // The URL and the id were validated above (a parsed URL's href has no spaces, <, > or line breaks).
    {
      key: 'List-Unsubscribe',
      value: { prepared: true, value: `<${new URL(message.listUnsubscribeUrl).href}>` },
    },
    { key: 'List-Unsubscribe-Post', value: { prepared: true, value: 'List-Unsubscribe=One-Click' } },
    {
      key: 'List-Id',
      value: {
        prepared: true,
        foldLines: true,
        value: `${listName ? `${isPlainText(listName) ? quoteString(listName) : encodeWord(listName)} ` : ''}<${message.listId}>`,
      },
    },
  ];
  const composer = new MailComposer({
    from: message.from,
    to: message.to,
    replyTo: message.replyTo,
    subject: message.subject.replace(/[\r\n]+/g, ' '),
    messageId: message.messageId,
    date: message.date ?? new Date(),
    text: { content: message.text, contentType: 'text/plain; charset=utf-8' },
    html: { content: message.html, contentType: 'text/html; charset=utf-8' },
    headers,
    textEncoding: 'B',
    newline: 'win',
  });
  return composer.compile().build();
}
