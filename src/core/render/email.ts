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
 * The digest rendered once for everybody: HTML, text and subject. Handlebars only: the MJML was compiled to an
 * HTML template once, when the templates were loaded (precompile.ts).
 */
export async function renderDigestEmail(
  digest: Digest,
  templates: EmailTemplates,
  settings: EmailSettings,
): Promise<RenderedDigest> {
  const placeholders = placeholderTokens(digest, settings);
  const view = buildEmailView(digest, settings, placeholders);
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
  const values: Record<keyof RecipientPlaceholders, string> = {
    greeting: recipient.name?.trim() ? `Hello ${oneLine(recipient.name)},` : 'Hello,',
    unsubscribeUrl: requireHttpsUrl(recipient.unsubscribeUrl, 'unsubscribe URL'),
    preferencesUrl: requireHttpsUrl(recipient.preferencesUrl, 'preferences URL'),
  };
  const htmlValues: Record<keyof RecipientPlaceholders, string> = {
    greeting: escapeHtml(values.greeting),
    unsubscribeUrl: escapeHtml(values.unsubscribeUrl),
    preferencesUrl: escapeHtml(values.preferencesUrl),
  };
  const { html, text } = splitAtPlaceholders(rendered);
  return { subject: rendered.subject, html: html.fill(htmlValues), text: text.fill(values) };
}

/** A rendered part cut at its placeholders, so filling it is a join rather than a search. */
interface Template {
  fill(values: Record<keyof RecipientPlaceholders, string>): string;
}

const splits = new WeakMap<RenderedDigest, { html: Template; text: Template }>();

function splitAtPlaceholders(rendered: RenderedDigest): { html: Template; text: Template } {
  let split = splits.get(rendered);
  if (!split) {
    const byToken = new Map(
      Object.entries(rendered.placeholders).map(([key, token]) => [
        token,
        key as keyof RecipientPlaceholders,
      ]),
    );
    const pattern = new RegExp(`(${[...byToken.keys()].join('|')})`);
    const cut = (part: string): Template => {
      // With a capturing group, split() alternates literal text and tokens: even indexes are text.
      const pieces = part.split(pattern);
      const texts = pieces.filter((_, i) => i % 2 === 0);
      const keys = pieces.flatMap((piece, i) => {
        const key = i % 2 === 1 ? byToken.get(piece) : undefined;
        return key ? [key] : [];
      });
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
