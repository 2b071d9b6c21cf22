import { ConfigError } from '../errors.ts';
import * as z from '../zod.ts';

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });

/** BCP 47 language tag, e.g. en or en-GB. */
export const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/**
 * The email's language (`lang`, also the stack config's `email.lang`): a BCP 47 tag of a language Intl can write
 * the email's dates in. One it does not know would not fail: the dates would silently be in English.
 */
export const emailLanguage = z.string().check(
  z.refine((tag) => LANGUAGE_TAG.test(tag) && isSupportedLocale(tag), {
    error: (issue) =>
      `lang ${JSON.stringify(issue.input)} is not a language this system can write dates in (Intl.DateTimeFormat supports no such locale, and the email's dates would silently be in English): use a BCP 47 language tag such as en, en-GB or de-AT`,
  }),
);

/** The most themes an email shows in full (`maxThemes`, `--max-themes`). */
export const MAX_THEMES_LIMIT = 100;

/**
 * The footer address of local builds and previews. Never sent: the send worker refuses it, and a stack
 * that wires sending needs `email.postalAddress` in its config.
 */
export const PLACEHOLDER_POSTAL_ADDRESS: readonly string[] = [
  'Newsletter Digest',
  '1 Example Street',
  '00000 Example City',
];

/** What the email looks like beyond the digest itself. Read and validated once, where the process starts. */
// Strict objects: a misspelt key (footer.archiveURL) is an error naming it, not a link missing from every email.
export const emailSettingsSchema = z.strictObject({
  /** Language of the document (`lang` attribute) and of its dates. @default 'en' */
  lang: z._default(emailLanguage, 'en'),
  /** Themes shown in full; the rest are listed as "Also in this issue" headlines. @default 8 */
  maxThemes: z._default(z.int().check(z.minimum(1), z.maximum(MAX_THEMES_LIMIT)), 8),
  footer: z.prefault(
    z.strictObject({
      /** Why the reader gets this email. */
      reason: z._default(
        z.string().check(z.trim(), z.minLength(1)),
        'You receive this digest because you subscribed and confirmed your address.',
      ),
      /** The sender's postal address, one line per entry (required by anti-spam law). */
      postalAddress: z._default(z.array(z.string().check(z.trim(), z.minLength(1))).check(z.minLength(1)), [
        ...PLACEHOLDER_POSTAL_ADDRESS,
      ]),
      /** "View in browser" link to the archived digest; omitted when not set. */
      archiveUrl: z.optional(httpsUrl),
    }),
    {},
  ),
});

/**
 * Whether Intl can write dates in `tag`'s language: the email's dates are written with it. A well-formed tag of a
 * language it lacks ("zz") is not refused by Intl.DateTimeFormat, which falls back to its default (English) without
 * a word; supportedLocalesOf lists it only when the language (or the tag itself) is there. A malformed tag throws.
 */
function isSupportedLocale(tag: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf(tag).length > 0;
  } catch {
    return false;
  }
}

export type EmailSettings = z.infer<typeof emailSettingsSchema>;
export type EmailSettingsInput = z.input<typeof emailSettingsSchema>;

export function parseEmailSettings(raw: unknown): EmailSettings {
  const result = emailSettingsSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(`invalid email settings: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** Whether the settings still carry the placeholder postal address (fine for a preview, never for a send). */
export function hasPlaceholderAddress(settings: EmailSettings): boolean {
  const lines = settings.footer.postalAddress;
  return PLACEHOLDER_POSTAL_ADDRESS.some((placeholder) => lines.includes(placeholder));
}

/** Https URLs only: per-recipient links must never be anything else. */
export function requireHttpsUrl(value: string, what: string): string {
  if (!httpsUrl.safeParse(value).success)
    throw new ConfigError(`${what} must be an https:// URL, got ${value}`);
  return new URL(value).href;
}
