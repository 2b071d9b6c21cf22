import type { Digest } from '../digest.ts';
import { personalise, type Recipient, type RenderedDigest, renderDigestEmail } from './email.ts';
import { composeMime } from './mime.ts';
import type { EmailSettings } from './settings.ts';
import type { EmailTemplates } from './templates.ts';

/**
 * The stand-in subscriber of `digest build` and the preview. example.com is reserved for documentation, so
 * nothing built from these can reach a real person.
 */
export const SAMPLE_RECIPIENT = {
  name: 'Sample Reader',
  address: 'reader@example.com',
  unsubscribeUrl: 'https://digest.example.com/unsubscribe?token=sample',
  preferencesUrl: 'https://digest.example.com/preferences?token=sample',
} as const satisfies Recipient & { address: string };

export const SAMPLE_SENDER = { name: 'News digest', address: 'digest@example.com' } as const;
export const SAMPLE_LIST_ID = 'news.digest.example.com';

export interface SampleEmail {
  rendered: RenderedDigest;
  html: string;
  text: string;
  eml: Buffer;
}

/** What `digest build` writes and the preview shows: the digest rendered once and filled for the sample reader. */
export async function renderSampleEmail(
  digest: Digest,
  templates: EmailTemplates,
  settings: EmailSettings,
): Promise<SampleEmail> {
  const rendered = await renderDigestEmail(digest, templates, settings);
  const email = personalise(rendered, SAMPLE_RECIPIENT);
  const eml = await composeMime({
    from: SAMPLE_SENDER,
    to: { name: SAMPLE_RECIPIENT.name, address: SAMPLE_RECIPIENT.address },
    subject: email.subject,
    html: email.html,
    text: email.text,
    listUnsubscribeUrl: SAMPLE_RECIPIENT.unsubscribeUrl,
    listId: SAMPLE_LIST_ID,
    listName: digest.title,
    date: new Date(digest.generatedAt),
  });
  return { rendered, html: email.html, text: email.text, eml };
}
