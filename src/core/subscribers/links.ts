import { ConfigError } from '../errors.ts';
import type { TokenSigner } from '../signed-links.ts';

export interface SubscriberLinks {
  /** Footer link to the unsubscribe page; also the RFC 8058 one-click POST target. */
  unsubscribeUrl: string;
  /** Footer link to the manage-preferences page. */
  preferencesUrl: string;
  /** Headers every digest mail carries, for one-click unsubscribe in mailbox providers (RFC 8058). */
  headers: { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/**
 * The signed links and headers of one subscriber's digest mail. `linkBase` is the endpoint's
 * https:// base (the stack output EndpointUrl, or the custom domain in front of it).
 */
export async function subscriberLinks(
  signer: TokenSigner,
  subscriberId: string,
  linkBase: string,
  now: Date,
): Promise<SubscriberLinks> {
  if (!linkBase.startsWith('https://')) throw new ConfigError('mail links must use https://');
  const base = linkBase.replace(/(^|[^/])\/+$/, '$1');
  const unsubscribe = await signer.sign(subscriberId, 'unsubscribe', now);
  const preferences = await signer.sign(subscriberId, 'preferences', now);
  const unsubscribeUrl = `${base}/unsubscribe?token=${encodeURIComponent(unsubscribe)}`;
  return {
    unsubscribeUrl,
    preferencesUrl: `${base}/preferences?token=${encodeURIComponent(preferences)}`,
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
