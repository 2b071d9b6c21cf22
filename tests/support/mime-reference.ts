import { execFileSync } from 'node:child_process';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { encodeWord, isPlainText, quoteString } from 'nodemailer/lib/mime-funcs';

/** One recipient's copy, as the reference composes it from parts already personalised. */
export interface ReferenceMessage {
  from: { name: string; address: string };
  to: string | { name?: string; address: string };
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  listUnsubscribeUrl: string;
  listId: string;
  listName?: string;
  messageId: string;
  date: Date;
  headers?: Record<string, string>;
}

/**
 * The message as MailComposer built it before MimeTemplate (composeMime up to b979e48): base64 parts and
 * nodemailer's own encoding of every header, the List-* headers prepared the same way.
 */
export function mailComposerMessage(message: ReferenceMessage): Promise<Buffer> {
  const listName = message.listName?.replace(/[\r\n]+/g, ' ');
  return new MailComposer({
    from: message.from,
    to: message.to,
    ...(message.replyTo && { replyTo: message.replyTo }),
    subject: message.subject.replace(/[\r\n]+/g, ' '),
    messageId: message.messageId,
    date: message.date,
    text: { content: message.text, contentType: 'text/plain; charset=utf-8' },
    html: { content: message.html, contentType: 'text/html; charset=utf-8' },
    headers: [
      ...Object.entries(message.headers ?? {}).map(([key, value]) => ({ key, value })),
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
    ],
    textEncoding: 'B',
    newline: 'win',
  })
    .compile()
    .build();
}

/** What mailparser makes of a message: every header that matters, the structure and the decoded parts. */
export async function parsedByMailparser(raw: Buffer) {
  const parsed = await simpleParser(raw);
  return {
    from: parsed.from?.value,
    to: parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : parsed.to,
    replyTo: parsed.replyTo?.value,
    subject: parsed.subject,
    messageId: parsed.messageId,
    date: parsed.date?.toISOString(),
    list: parsed.headers.get('list'),
    digestId: parsed.headers.get('x-digest-id'),
    // The boundary is random in both.
    contentType: (parsed.headers.get('content-type') as { value: string }).value,
    mimeVersion: parsed.headers.get('mime-version'),
    text: parsed.text,
    html: parsed.html,
    attachments: parsed.attachments.length,
  };
}

/** Python's reading of one message (email.policy.default). */
export interface PythonParse {
  /** Each header's decoded value, or null when absent. */
  headers: Record<string, string | null>;
  /** Each address of From, To and Reply-To: display name, local part and domain. */
  addresses: Record<string, [string, string, string][]>;
  defects: string[];
  tree: [string, string | null][];
  /** The decoded leaf parts, CRLF read as LF (a base64 part keeps the LF it was given). */
  parts: string[];
  /** Why Python could not read the message (then nothing else is there). */
  error?: string;
}

/** What Python's email package makes of messages: one python3 process for all of them. */
export function parsedByPython(raws: readonly Buffer[]): PythonParse[] {
  const script = `
import email, email.policy, json, sys
out = []
def read(raw):
    m = email.message_from_bytes(raw.encode('latin-1'), policy=email.policy.default)
    return {
        'headers': {k: None if m[k] is None else str(m[k]) for k in ['From', 'To', 'Reply-To', 'Subject', 'Message-ID', 'Date', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Id', 'X-Digest-Id', 'MIME-Version']},
        'addresses': {k: [[a.display_name, a.username, a.domain] for a in m[k].addresses] for k in ['From', 'To', 'Reply-To'] if m[k] is not None},
        'defects': [str(d) for p in m.walk() for d in p.defects] + [str(d) for k in m.keys() for d in m[k].defects],
        'tree': [(p.get_content_type(), p.get_content_charset()) for p in m.walk()],
        'parts': [p.get_content().replace('\\r\\n', '\\n') for p in m.walk() if not p.is_multipart()],
    }
for raw in json.load(sys.stdin):
    try:
        out.append(read(raw))
    except Exception as error:
        out.append({'error': repr(error)})
json.dump(out, sys.stdout)
`;
  const stdout = execFileSync('python3', ['-c', script], {
    input: JSON.stringify(raws.map((raw) => raw.toString('latin1'))),
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(stdout.toString()) as PythonParse[];
}
