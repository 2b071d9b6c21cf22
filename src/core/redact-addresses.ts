import { hash } from 'node:crypto';

/**
 * `text` (an object key, an object id, an error message) with the local part of every address-like part replaced by
 * the first 8 hex digits of its SHA-256, for a log line: `incoming/jane.doe@example.com.md` becomes
 * `incoming/[sha256:d48722fc]@example.com.md`. Editors name files after people, and no address may reach a log.
 *
 * Address-like: an `@` with at least one local-part character before it (anything but a path separator, white
 * space, another `@` and what RFC 5322 never allows unquoted: `( ) < > [ ] , ; : "`) and a letter or digit (or any
 * non-ASCII character, for an internationalised domain) after it. That also takes `notes@10am.txt`; a part taken
 * too many costs only its readability. The domain and the rest of the key are kept, so the key can still be found
 * among the bucket's: its local part hashes to the same 8 digits (`printf %s jane.doe | sha256sum`).
 *
 * A plain hash, not a keyed one: the ingest Lambda holds no secret, and those who read its logs can list the
 * bucket's keys anyway. It keeps the address out of the logs, but one who guesses a local part can confirm it.
 *
 * One pass over the text, no regular expression: linear in its length whatever it holds. A redacted text is left
 * as it is (`]` ends a local part).
 */
export function redactAddresses(text: string): string {
  let redacted = '';
  /** Where the text not yet copied into `redacted` starts. */
  let copied = 0;
  /** Where the run of local-part characters that ends at the current character starts. */
  let localStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === AT) {
      if (i > localStart && i + 1 < text.length && startsDomain(text.charCodeAt(i + 1))) {
        redacted += `${text.slice(copied, localStart)}[sha256:${shortHash(text.slice(localStart, i))}]`;
        copied = i;
      }
      localStart = i + 1;
    } else if (endsLocalPart(code)) localStart = i + 1;
  }
  return copied === 0 ? text : redacted + text.slice(copied);
}

const AT = 0x40;

/** ASCII characters that no unquoted local part holds, and that separate a key's parts: `/ \ ( ) < > [ ] , ; : "`. */
const NOT_IN_LOCAL_PART = new Set([...'/\\()<>[],;:"'].map((c) => c.charCodeAt(0)));

function endsLocalPart(code: number): boolean {
  return code <= 0x20 || code === 0x7f || NOT_IN_LOCAL_PART.has(code);
}

function startsDomain(code: number): boolean {
  const lower = code | 0x20;
  return (code >= 0x30 && code <= 0x39) || (lower >= 0x61 && lower <= 0x7a) || code >= 0x80;
}

function shortHash(localPart: string): string {
  return hash('sha256', localPart).slice(0, 8);
}
