import { createHash } from 'node:crypto';
import mjml2html from 'mjml';
import type { Digest } from '../digest.ts';
import { TemplateError } from '../errors.ts';
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
 * Largest rendered parts, in bytes. Gmail clips HTML over 102 KB; both stay under the product's limits
 * (HTML 100 KB, text 40 KB) with room for the per-recipient values personalise() fills in.
 */
export const MAX_HTML_BYTES = 96_000;
export const MAX_TEXT_BYTES = 38_000;

/**
 * The single expensive step: templates to MJML, MJML to HTML (strict validation), text and subject.
 * Size is bounded for any digest: the view caps every list and text, and should the parts still be too
 * large (many long themes with a high maxThemes), fewer themes are shown in full and the rest become
 * "Also in this issue" headlines.
 */
export async function renderDigestEmail(
  digest: Digest,
  templates: EmailTemplates,
  settings: EmailSettings,
): Promise<RenderedDigest> {
  const placeholders = placeholderTokens(digest, settings);
  let shown = Math.max(1, Math.min(settings.maxThemes, digest.themes.length));
  for (;;) {
    const { mjml, ...rest } = renderParts(digest, templates, { ...settings, maxThemes: shown }, placeholders);
    const textFits = MAX_TEXT_BYTES / Buffer.byteLength(rest.text);
    // MJML only adds markup: MJML over the HTML budget need not be compiled to know it is too long.
    let fits = Math.min(textFits, MAX_HTML_BYTES / Buffer.byteLength(mjml));
    if (fits >= 1 || shown === 1) {
      const rendered = { ...rest, html: await mjmlToHtml(mjml) };
      fits = Math.min(textFits, MAX_HTML_BYTES / Buffer.byteLength(rendered.html));
      if (fits >= 1 || shown === 1) return rendered;
    }
    shown = Math.max(1, Math.min(shown - 1, Math.floor(shown * fits)));
  }
}

/** The templates' output before MJML compiles it; the benchmark feeds the same MJML to the `mjml` CLI. */
export function renderDigestMjml(
  digest: Digest,
  templates: EmailTemplates,
  settings: EmailSettings,
): Omit<RenderedDigest, 'html'> & { mjml: string } {
  return renderParts(digest, templates, settings, placeholderTokens(digest, settings));
}

function renderParts(
  digest: Digest,
  templates: EmailTemplates,
  settings: EmailSettings,
  placeholders: RecipientPlaceholders,
): Omit<RenderedDigest, 'html'> & { mjml: string } {
  const view = buildEmailView(digest, settings, placeholders);
  const subject = oneLine(templates.subject(view));
  const mjml = templates.mjml({ ...view, subject });
  const text = `${templates
    .text(view)
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
  return { subject, mjml, text, placeholders };
}

/** Validates MJML strictly and returns the HTML; invalid MJML raises a TemplateError listing every problem. */
export async function mjmlToHtml(mjml: string): Promise<string> {
  try {
    const result = await mjml2html(mjml, { validationLevel: 'strict', keepComments: false });
    return result.html;
  } catch (error) {
    const problems = (error as { errors?: { formattedMessage?: string; message: string }[] }).errors;
    throw new TemplateError(
      'the email template does not produce valid MJML',
      (problems ?? [{ message: (error as Error).message }]).map((p) => p.formattedMessage ?? p.message),
      { cause: error },
    );
  }
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
