import { createHash } from 'node:crypto';
import type { Digest } from '../digest.ts';
import { escapeHtml } from './html.ts';
import { type EmailSettings, requireHttpsUrl } from './settings.ts';
import type { EmailTemplates } from './templates.ts';
import { buildEmailView, type RecipientPlaceholders } from './view.ts';

/**
 * One digest rendered once for everybody: `html` and `text` carry placeholder tokens where per-recipient
 * values go; personalise() fills them in per subscriber.
 */
export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
  /** The token standing for each per-recipient value in html and text. */
  placeholders: RecipientPlaceholders;
}

export interface RenderOptions {
  /** Render the archive site's public page rather than the email (see EmailView.webPage). @default false */
  webPage?: boolean;
}

/** Who one copy is for. URLs must be https. */
export interface Recipient {
  /** Used in the greeting; omitted gives a greeting without a name. */
  name?: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}

export interface PersonalisedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * Largest rendered parts, in bytes. Gmail clips HTML over 102 KB; both stay under the product's limits
 * (HTML 100 KB, text 40 KB) with room for the per-recipient values personalise() fills in.
 */
export const MAX_HTML_BYTES = 96_000;
export const MAX_TEXT_BYTES = 38_000;
/**
 * Largest archive page (webPage), which lists every source and story the email only counts: no mail client
 * clips it, but it stays bounded for any digest. Its text part is not published, so not bounded.
 */
export const MAX_PAGE_BYTES = 1_000_000;

/**
 * The digest rendered once for everybody: HTML, text and subject. Handlebars only: the MJML was compiled to
 * an HTML template once, when the templates were loaded (precompile.ts). Size is bounded for any digest: the
 * view caps every list and text, and should the parts still be too large (many long themes with a high
 * maxThemes), fewer themes are shown in full and the rest become "Also in this issue" headlines.
 */
export async function renderDigestEmail(
  digest: Digest,
  templates: EmailTemplates,
  settings: EmailSettings,
  options: RenderOptions = {},
): Promise<RenderedDigest> {
  const placeholders = placeholderTokens(digest, settings);
  let shown = Math.max(1, Math.min(settings.maxThemes, digest.themes.length));
  for (;;) {
    const rendered = renderParts(digest, templates, { ...settings, maxThemes: shown }, placeholders, options);
    const fits = options.webPage
      ? MAX_PAGE_BYTES / Buffer.byteLength(rendered.html)
      : Math.min(
          MAX_TEXT_BYTES / Buffer.byteLength(rendered.text),
          MAX_HTML_BYTES / Buffer.byteLength(rendered.html),
        );
    if (fits >= 1 || shown === 1) return rendered;
    shown = Math.max(1, Math.min(shown - 1, Math.floor(shown * fits)));
  }
}

function renderParts(
  digest: Digest,
  templates: EmailTemplates,
  settings: EmailSettings,
  placeholders: RecipientPlaceholders,
  options: RenderOptions,
): RenderedDigest {
  const view = buildEmailView(digest, settings, placeholders, options.webPage);
  const subject = oneLine(templates.subject(view));
  const html = templates.html({ ...view, subject });
  const text = `${templates
    .text(view)
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
  return { subject, html, text, placeholders };
}

/** Fills the per-recipient placeholders: HTML-escaped in the HTML part, verbatim in the text part. */
export function personalise(rendered: RenderedDigest, recipient: Recipient): PersonalisedEmail {
  const values = recipientValues(recipient);
  const { html, text } = splitAtPlaceholders(rendered);
  return { subject: rendered.subject, html: html.fill(values.html), text: text.fill(values.text) };
}

/** One recipient's placeholder values as they go into each part; throws for a link that is not https. */
export function recipientValues(recipient: Recipient): Record<'html' | 'text', RecipientValues> {
  const text: RecipientValues = {
    greeting: recipient.name?.trim() ? `Hello ${oneLine(recipient.name)},` : 'Hello,',
    unsubscribeUrl: requireHttpsUrl(recipient.unsubscribeUrl, 'unsubscribe URL'),
    preferencesUrl: requireHttpsUrl(recipient.preferencesUrl, 'preferences URL'),
  };
  const html: RecipientValues = {
    greeting: escapeHtml(text.greeting),
    unsubscribeUrl: escapeHtml(text.unsubscribeUrl),
    preferencesUrl: escapeHtml(text.preferencesUrl),
  };
  return { html, text };
}

type RecipientValues = Record<keyof RecipientPlaceholders, string>;

/** A rendered part cut at its placeholders, so filling it is a join rather than a search. */
interface Template {
  fill(values: RecipientValues): string;
}

const splits = new WeakMap<RenderedDigest, { html: Template; text: Template }>();

function splitAtPlaceholders(rendered: RenderedDigest): { html: Template; text: Template } {
  let split = splits.get(rendered);
  if (!split) {
    const cut = (part: string): Template => {
      const { texts, keys } = cutAtTokens(part, rendered.placeholders);
      return {
        fill(values) {
          let out = texts[0] ?? '';
          keys.forEach((key, i) => {
            out += values[key] + (texts[i + 1] ?? '');
          });
          return out;
        },
      };
    };
    split = { html: cut(rendered.html), text: cut(rendered.text) };
    splits.set(rendered, split);
  }
  return split;
}

/**
 * A part cut at its tokens: `texts` are the literal pieces and `keys[i]` the placeholder after `texts[i]`.
 * Tokens are [a-z0-9-], safe inside a regular expression.
 */
export function cutAtTokens<K extends string>(
  part: string,
  placeholders: Record<K, string>,
): { texts: string[]; keys: K[] } {
  const byToken = new Map(Object.entries<string>(placeholders).map(([key, token]) => [token, key as K]));
  if (byToken.size === 0) return { texts: [part], keys: [] };
  // With a capturing group, split() alternates literal text and tokens: even indexes are text.
  const pieces = part.split(new RegExp(`(${[...byToken.keys()].join('|')})`));
  const texts = pieces.filter((_, i) => i % 2 === 0);
  const keys = pieces.flatMap((piece, i) => {
    const key = i % 2 === 1 ? byToken.get(piece) : undefined;
    return key ? [key] : [];
  });
  return { texts, keys };
}

/**
 * Tokens made of [a-z0-9-] (untouched by escaping, MJML and URL handling), keyed by a hash of the digest
 * and the settings: article text cannot contain a token derived from its own hash, and the same digest
 * always renders to the same bytes.
 */
function placeholderTokens(digest: Digest, settings: EmailSettings): RecipientPlaceholders {
  const key = createHash('sha256')
    .update(JSON.stringify([digest, settings]))
    .digest('hex')
    .slice(0, 16);
  return {
    greeting: `x-digest-${key}-greeting`,
    unsubscribeUrl: `x-digest-${key}-unsubscribe-url`,
    preferencesUrl: `x-digest-${key}-preferences-url`,
  };
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
