import type { Digest } from '../digest.ts';
import { recipientValues, renderDigestEmail } from '../render/email.ts';
import { MimeTemplate } from '../render/mime.ts';
import { type EmailSettings, requireHttpsUrl } from '../render/settings.ts';
import type { EmailTemplates } from '../render/templates.ts';
import type { RecipientPlaceholders } from '../render/view.ts';
import type { TokenSigner } from '../signed-links.ts';
import { subscriberLinks } from '../subscribers/links.ts';
import { themesForSubscriber } from '../subscribers/preferences.ts';
import { asciiEmail, type Subscriber } from '../subscribers/subscriber.ts';
import { encodeTagValue } from './tags.ts';

/** Who the digest comes from and which list it belongs to; validated again by MimeTemplate. */
export interface SenderIdentity {
  /** Verified SES sender with its display name. */
  from: { name: string; address: string };
  replyTo?: string;
  /** List-Id, e.g. `daily.news.example.com`. */
  listId: string;
  listName?: string;
  /** https:// base of the subscription endpoint (unsubscribe and preferences links). */
  linkBase: string;
}

export interface DigestMessagesOptions {
  templates: EmailTemplates;
  settings: EmailSettings;
  signer: TokenSigner;
  identity: SenderIdentity;
}

/**
 * Builds each subscriber's MIME message. The digest is rendered and its MIME parts encoded once per theme
 * order (one order for everybody without topics) and cached, so a recipient costs signed links and a splice of
 * their headers and links into the encoded parts.
 */
export class DigestMessages {
  private readonly messages = new WeakMap<
    Digest,
    Map<string, Promise<MimeTemplate<keyof RecipientPlaceholders>>>
  >();

  constructor(private readonly options: DigestMessagesOptions) {}

  /** The email settings every message is rendered with. */
  get settings(): EmailSettings {
    return this.options.settings;
  }

  /**
   * The raw message, or undefined when a topics-only subscriber has no matching theme in this digest.
   * `archiveUrl`, this digest's public page, overrides the settings' "View in browser" link.
   */
  async build(
    digestId: string,
    digest: Digest,
    subscriber: Subscriber,
    now: Date,
    archiveUrl?: string,
  ): Promise<Buffer | undefined> {
    const themes = themesForSubscriber(digest.themes, subscriber);
    if (themes.length === 0) return undefined;
    const mime = await this.template(digestId, digest, themes, archiveUrl);
    const { identity, signer } = this.options;
    const links = await subscriberLinks(signer, subscriber.id, identity.linkBase, now);
    const values = recipientValues({
      ...(subscriber.name ? { name: subscriber.name } : {}),
      unsubscribeUrl: links.unsubscribeUrl,
      preferencesUrl: links.preferencesUrl,
    });
    const domain = identity.from.address.slice(identity.from.address.lastIndexOf('@') + 1);
    return mime.build(
      {
        to: subscriber.name
          ? { name: subscriber.name, address: asciiEmail(subscriber.email) }
          : asciiEmail(subscriber.email),
        listUnsubscribeUrl: links.unsubscribeUrl,
        messageId: `<${encodeTagValue(digestId)}.${subscriber.id}@${domain}>`,
        date: now,
      },
      values,
    );
  }

  private template(
    digestId: string,
    digest: Digest,
    themes: Digest['themes'],
    archiveUrl?: string,
  ): Promise<MimeTemplate<keyof RecipientPlaceholders>> {
    let byOrder = this.messages.get(digest);
    if (!byOrder) {
      byOrder = new Map();
      this.messages.set(digest, byOrder);
    }
    const order = themes.map((t) => t.id).join('\n');
    const cacheKey = `${digestId}\n${archiveUrl ?? ''}\n${order}`;
    let mime = byOrder.get(cacheKey);
    if (!mime) {
      const ordered = order === digest.themes.map((t) => t.id).join('\n') ? digest : { ...digest, themes };
      const { settings, identity } = this.options;
      mime = renderDigestEmail(
        ordered,
        this.options.templates,
        archiveUrl ? { ...settings, footer: { ...settings.footer, archiveUrl } } : settings,
      ).then(
        (email) =>
          new MimeTemplate(email, {
            from: identity.from,
            ...(identity.replyTo ? { replyTo: identity.replyTo } : {}),
            subject: email.subject,
            listId: identity.listId,
            ...(identity.listName ? { listName: identity.listName } : {}),
            headers: { 'X-Digest-Id': encodeTagValue(digestId) },
          }),
      );
      byOrder.set(cacheKey, mime);
    }
    return mime;
  }
}

/**
 * The public "view in browser" page of an archived digest: `digest.html` beside its `digest.json`, under
 * the archive site's https base (the key is validated with the SQS message), each segment URL-encoded.
 */
export function archivePageUrl(archiveBase: string, digestKey: string): string {
  const base = requireHttpsUrl(archiveBase, 'archive base URL').replace(/(^|[^/])\/+$/, '$1');
  const path = digestKey
    .replace(/digest\.json$/, 'digest.html')
    .split('/')
    .map(encodeURIComponent)
    .join('/');
  return `${base}/${path}`;
}
