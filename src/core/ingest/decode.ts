// Bytes to text, refusing what is not UTF-8 text. A BOM and CRLF line ends are accepted.

export type Decoded = { ok: true; text: string } | { ok: false; reason: string };

// C0 controls other than tab, line feed, vertical tab, form feed and carriage return, plus DEL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_CHARS = /[\u0001-\u0008\u000E-\u001F\u007F]/g;
/** Everything the checks and replacements below act on: most files have none and are read in one scan. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const TO_NORMALISE = /[\u0001-\u0008\u000B-\u001F\u007F\u2028\u2029]/;
// fatal: reject malformed sequences instead of silently replacing them with U+FFFD. Without `stream` a
// decoder keeps no state between calls, so one serves every file.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const NUL_BYTES: Decoded = { ok: false, reason: 'binary content (NUL bytes); expected UTF-8 text' };

/**
 * Why a file that opens with a UTF-16 byte order mark is refused: text (Windows Notepad's "Unicode"), but not
 * UTF-8, and every ASCII letter has a NUL byte beside it, which would otherwise name it binary.
 */
export function utf16Reason(bytes: Uint8Array): string | undefined {
  const order =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'little-endian'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'big-endian'
        : undefined;
  return order && `UTF-16 text (${order}); expected UTF-8: save the file as UTF-8`;
}

export function decodeText(bytes: Uint8Array): Decoded {
  if (bytes.byteLength === 0) return { ok: false, reason: 'empty file' };
  const utf16 = utf16Reason(bytes);
  if (utf16) return { ok: false, reason: utf16 };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    if (bytes.includes(0)) return NUL_BYTES;
    const at = firstInvalidUtf8Offset(bytes);
    return { ok: false, reason: `invalid UTF-8${at === undefined ? '' : ` at byte ${at}`}` };
  }
  // A NUL byte is always a NUL character of its own in UTF-8; a string is searched for it faster than the bytes.
  if (text.includes('\0')) return NUL_BYTES;
  if (TO_NORMALISE.test(text)) {
    const controls = text.match(CONTROL_CHARS)?.length ?? 0;
    // A stray control character is tolerated (some editors leave one); many mean a binary file.
    if (controls > 0 && controls * 100 > text.length) {
      return { ok: false, reason: `binary content (${controls} control characters); expected UTF-8 text` };
    }
    text = text
      .replace(CONTROL_CHARS, ' ')
      .replace(/\r\n?/g, '\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: vertical tab and form feed are line breaks.
      .replace(/[\u000B\u000C\u2028\u2029]/g, '\n');
  }
  if (text.trim() === '') return { ok: false, reason: 'empty file (only whitespace)' };
  return { ok: true, text };
}

/** Byte offset of the first malformed UTF-8 sequence, for a precise message. */
function firstInvalidUtf8Offset(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead < 0xe0
          ? 2
          : lead >= 0xe0 && lead < 0xf0
            ? 3
            : lead >= 0xf0 && lead < 0xf5
              ? 4
              : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += length;
  }
  return undefined;
}
