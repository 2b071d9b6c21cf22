import { SendRejectedError } from '../errors.ts';
import type { MessageTags } from '../ports/sending.ts';

/** Names of the SES message tags that tie an SES event back to its ledger row. */
export const DIGEST_TAG = 'digest';
export const SUBSCRIBER_TAG = 'subscriber';

/**
 * SES tag values allow only letters, digits, `_` and `-`. Every other character, and `_` itself,
 * becomes `_` and two hex digits per UTF-8 byte, so the value decodes back to the exact id.
 */
export function encodeTagValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9-]/.test(c) ? c : `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out.length > 256) throw new SendRejectedError(`"${value}" is too long for an SES tag value`);
  return out;
}

export function decodeTagValue(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '_') {
      bytes.push(Number.parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(value.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

export function messageTags(digestId: string, subscriberId: string): MessageTags {
  return { [DIGEST_TAG]: encodeTagValue(digestId), [SUBSCRIBER_TAG]: encodeTagValue(subscriberId) };
}

/** The ledger key carried by an SES event's `mail.tags`, when both tags are there. */
export function ledgerKeyFromTags(
  tags: Readonly<Record<string, readonly string[]>> | undefined,
): { digestId: string; subscriberId: string } | undefined {
  const digest = tags?.[DIGEST_TAG]?.[0];
  const subscriber = tags?.[SUBSCRIBER_TAG]?.[0];
  if (!digest || !subscriber) return undefined;
  return { digestId: decodeTagValue(digest), subscriberId: decodeTagValue(subscriber) };
}
