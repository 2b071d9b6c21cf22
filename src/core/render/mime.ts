import { randomBytes, randomUUID } from 'node:crypto';
import { encodeWord, foldLines, quoteString } from 'nodemailer/lib/mime-funcs';
import { encode as encodeQuotedPrintable, wrap as wrapQuotedPrintable } from 'nodemailer/lib/qp';
import { RecipientAddressError, UsageError } from '../errors.ts';
import * as z from '../zod.ts';
import { cutAtTokens } from './email.ts';

const mailbox = z.object({ name: z.optional(z.string()), address: z.email() });
const mailboxOrAddress = z.union([z.email(), mailbox]);
/** Headers the message writes itself; `headers` may not override them. */
const RESERVED_HEADERS =
  /^(from|to|cc|bcc|reply-to|subject|date|message-id|mime-version|content-.*|list-(unsubscribe|unsubscribe-post|id))$/i;

/** A List-Id identifier (RFC 2919): a domain-like name such as `weekly.digest.example.com`. */
export const LIST_ID = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/** What every copy of one message shares. */
const sharedSchema = z.object({
  from: z.extend(mailbox, { name: z.string().check(z.minLength(1)) }),
  replyTo: z.optional(mailboxOrAddress),
  subject: z.string().check(z.minLength(1)),
  /** List-Id identifier, a domain-like name such as `weekly.digest.example.com` (RFC 2919). */
  listId: z.string().check(z.regex(LIST_ID, 'must look like list.example.com')),
  /** Human description shown before the List-Id. */
  listName: z.optional(z.string()),
  /** Extra headers such as X-Digest-Id; values are encoded, never concatenated raw. */
  headers: z.optional(
    z.record(
      z.string().check(
        z.regex(/^[A-Za-z0-9-]+$/, 'header names are letters, digits and -'),
        z.refine((name) => !RESERVED_HEADERS.test(name), 'is set by the message itself'),
      ),
      z.string().check(z.regex(/^[^\r\n]*$/, 'header values are one line')),
    ),
  ),
});

/** What differs from one recipient's copy to the next; checked by checkRecipient(), per copy. */
export interface RecipientHeaders {
  to: string | { name?: string; address: string };
  /** One-click unsubscribe target (RFC 8058): https only. */
  listUnsubscribeUrl: string;
  /** `<unique@domain>`; generated from the From domain when omitted. */
  messageId?: string;
  date?: Date;
}

const mimeMessageSchema = z.extend(sharedSchema, { html: z.string(), text: z.string() });

export type MimeMessage = z.input<typeof mimeMessageSchema> & RecipientHeaders;
export type SharedHeaders = z.input<typeof sharedSchema>;
const MESSAGE_ID = /^<[^<>\s@]+@[^<>\s@]+>$/;
/**
 * A recipient address as it goes into To: a dot-atom local part (every RFC 5322 atext character, as
 * normaliseEmail() accepts) at an ASCII domain (asciiEmail() gives IDNs as A-labels, top-level ones too).
 * z.email() is narrower and refused subscribers such as a&b@example.org or user@пример.испытание. Nothing
 * here can end the header or add a recipient: no space, quote, comma, angle bracket or line break.
 */
const RECIPIENT_ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z0-9-]{1,63}$/;

/** An HTML and a text part, each with tokens standing for per-recipient values (RenderedDigest's shape). */
export interface PartsWithSlots<K extends string> {
  html: string;
  text: string;
  /** The token of each per-recipient value; a part without tokens has none. */
  placeholders: Record<K, string>;
}

/** One recipient's values for the slots, as they go into each part (HTML-escaped or verbatim). */
export interface SlotValues<K extends string> {
  html: Record<K, string>;
  text: Record<K, string>;
}

/**
 * A complete multipart/alternative message (text then HTML, UTF-8, quoted-printable) with the List-* headers
 * bulk senders need, for many recipients: the parts and the shared headers are encoded once, and each copy
 * splices its own headers (To, Message-ID, Date, List-Unsubscribe) and slot values (greeting, links) between
 * pieces already encoded. Quoted-printable is what makes that splice exact: every piece is encoded on its own
 * lines and ends in a soft line break, so pieces join without re-encoding and decode to the joined text.
 */
export class MimeTemplate<K extends string> {
  private readonly head: string;
  private readonly fromDomain: string;
  private readonly pieces: (Buffer | { part: 'html' | 'text'; key: K })[] = [];

  constructor(parts: PartsWithSlots<K>, shared: SharedHeaders) {
    const parsed = sharedSchema.safeParse(shared);
    if (!parsed.success) throw new UsageError(`cannot compose the message: ${z.prettifyError(parsed.error)}`);
    const message = parsed.data;
    this.fromDomain = message.from.address.slice(message.from.address.lastIndexOf('@') + 1);
    // "=_" never occurs in quoted-printable text, so no part can contain the boundary.
    const boundary = `=_digest_${randomBytes(12).toString('hex')}`;
    const listName = message.listName?.replace(CONTROLS, ' ');
    this.head = [
      header('From', formatMailbox(message.from)),
      message.replyTo ? header('Reply-To', formatMailbox(message.replyTo)) : '',
      // Trimmed like a name: a control character at either end would read as a space.
      header('Subject', encodeText(message.subject.replace(CONTROLS, ' ').trim())),
      header('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'),
      // One encoded word for the description: list headers are read by parsers that do not join several.
      header(
        'List-Id',
        `${listName ? `${isPlainHeaderText(listName) ? quoteString(listName) : encodeWord(listName)} ` : ''}<${message.listId}>`,
      ),
      ...Object.entries(message.headers ?? {}).map(([key, value]) =>
        header(key, encodeText(value.replace(CONTROLS, ' '))),
      ),
      header('MIME-Version', '1.0'),
      header('Content-Type', `multipart/alternative; boundary="${boundary}"`),
      '\r\n',
    ].join('');
    for (const part of ['text', 'html'] as const) {
      this.pieces.push(
        Buffer.from(
          `--${boundary}\r\nContent-Type: text/${part === 'text' ? 'plain' : 'html'}; charset=utf-8\r\n` +
            'Content-Transfer-Encoding: quoted-printable\r\n\r\n',
        ),
      );
      const { texts, keys } = cutAtTokens(parts[part], parts.placeholders);
      texts.forEach((literal, i) => {
        if (literal) this.pieces.push(Buffer.from(encodePiece(literal), 'latin1'));
        const key = keys[i];
        if (key !== undefined) this.pieces.push({ part, key });
      });
      this.pieces.push(Buffer.from('\r\n'));
    }
    this.pieces.push(Buffer.from(`--${boundary}--\r\n`));
  }

  /** One recipient's raw message; throws a UsageError for an invalid address, URL or id. */
  build(recipient: RecipientHeaders, values: SlotValues<K>): Buffer {
    checkRecipient(recipient);
    const { to, listUnsubscribeUrl, messageId, date } = recipient;
    const head =
      header('To', formatMailbox(to)) +
      header('Message-ID', messageId ?? `<${randomUUID()}@${this.fromDomain}>`) +
      header('Date', (date ?? new Date()).toUTCString().replace(/GMT$/, '+0000')) +
      // Unfolded, as receivers read it; a parsed URL's href has no spaces, <, > or line breaks.
      `List-Unsubscribe: <${new URL(listUnsubscribeUrl).href}>\r\n` +
      this.head;
    const encoded = new Map<string, Buffer>();
    const buffers: Buffer[] = [Buffer.from(head, 'utf8')];
    for (const piece of this.pieces) {
      if (Buffer.isBuffer(piece)) {
        buffers.push(piece);
        continue;
      }
      const id = `${piece.part}:${piece.key}`;
      let value = encoded.get(id);
      if (!value) {
        value = Buffer.from(encodePiece(values[piece.part][piece.key]), 'latin1');
        encoded.set(id, value);
      }
      buffers.push(value);
    }
    return Buffer.concat(buffers);
  }
}

/** One-off message: a MimeTemplate without slots, built once. */
export async function composeMime(input: MimeMessage): Promise<Buffer> {
  const { to, listUnsubscribeUrl, messageId, date, ...rest } = input;
  const parsed = mimeMessageSchema.safeParse(rest);
  if (!parsed.success) throw new UsageError(`cannot compose the message: ${z.prettifyError(parsed.error)}`);
  const { html, text, ...shared } = parsed.data;
  const recipient = { to, listUnsubscribeUrl, ...(messageId && { messageId }), ...(date && { date }) };
  return new MimeTemplate({ html, text, placeholders: {} }, shared).build(recipient, { html: {}, text: {} });
}

/**
 * The per-copy rules, checked without a schema (a zod parse per copy costs more than the rest of the copy):
 * an address (which must not smuggle a line break into To), an https unsubscribe URL, a well-formed id.
 */
function checkRecipient({ to, listUnsubscribeUrl, messageId, date }: RecipientHeaders): void {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(listUnsubscribeUrl);
  } catch {}
  if (url?.protocol !== 'https:') problems.push('listUnsubscribeUrl: must be an https:// URL');
  if (messageId !== undefined && !MESSAGE_ID.test(messageId))
    problems.push('messageId: must look like <id@domain>');
  if (date !== undefined && Number.isNaN(date.getTime())) problems.push('date: invalid date');
  if (problems.length > 0) throw new UsageError(`cannot compose the message: ${problems.join('; ')}`);
  // Checked last: only a copy whose other values are sound fails for its address alone.
  if (!RECIPIENT_ADDRESS.test(typeof to === 'string' ? to : to.address))
    throw new RecipientAddressError('cannot compose the message: to: invalid email address');
}

/** Quoted-printable on lines of its own (CRLF line ends, as text parts require), ending in a soft break. */
function encodePiece(value: string): string {
  // The encoder keeps a CR as it is; one not followed by LF (a title can hold one) would be a bare CR in the
  // message, which RFC 5322 forbids and parsers read as a line break: it goes as =0D, and decodes as given.
  const encoded = encodeQuotedPrintable(value.replace(/\r?\n/g, '\r\n')).replace(/\r(?!\n)/g, '=0D');
  // 75: the closing soft break's "=" still fits the 76-character line.
  return `${wrapQuotedPrintable(encoded, 75)}=\r\n`;
}

/** A header line folded at whitespace to 76 characters (the value is already encoded). */
function header(key: string, value: string): string {
  // foldLines() breaks right after "Key:" when the first word is longer than the line, and Python then reads
  // the value with a leading space: that word stays on the key's line (a line may hold 998 octets).
  return `${foldLines(`${key}: ${value}`, 76).replace(/^([^:]*:)\r\n /, '$1 ')}\r\n`;
}

/**
 * Control characters (line breaks among them) in header text: each run becomes a space. Header text is printable
 * (RFC 5322), and in an encoded word a control character is still one to every reader.
 */
const CONTROLS = /\p{Cc}+/gu;

/**
 * Whether header text can go as it is: printable ASCII (nodemailer's isPlainText() lets DEL through) without
 * "=?", which mailparser and Python read as the start of an encoded word, even in a quoted string: plain
 * "=?UTF-8?B?aGk=?=" would read "hi".
 */
function isPlainHeaderText(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value) && !value.includes('=?');
}

/** Text as is when it is plain, otherwise RFC 2047 encoded words short enough to fold. */
function encodeText(value: string): string {
  return isPlainHeaderText(value) ? value : encodeWord(value, 'B', 52);
}

/** A display name: an atom, a quoted string or encoded words. */
function displayName(name: string): string {
  if (!isPlainHeaderText(name)) return encodeWord(name, 'B', 52);
  return /^[\w ]+$/.test(name) ? name : quoteString(name);
}

function formatMailbox(value: RecipientHeaders['to']): string {
  if (typeof value === 'string') return value;
  const name = value.name?.replace(CONTROLS, ' ').trim();
  return name ? `${displayName(name)} <${value.address}>` : value.address;
}
