import { CORE_SCHEMA, NOT_RESOLVED, load as parseYaml, type ScalarTagDefinition } from 'js-yaml';
import { isAsciiLetter } from '../../text/chars.ts';
import { type Block, type Extracted, metaString, metaTags, plainTextBlocks } from '../blocks.ts';

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/;

/** .md: YAML front matter (title, url, source, published, tags) and a Markdown body reduced to blocks. */
export function extractMarkdown(text: string): Extracted {
  const front = FRONT_MATTER.exec(text);
  let fields: Record<string, unknown> = {};
  if (front) {
    const source = front[1] ?? '';
    let data: unknown;
    try {
      data = simpleFrontMatter(source) ?? parseYaml(source, { schema: CORE_SCHEMA });
    } catch (error) {
      return { skipped: `invalid YAML front matter: ${firstLine(error)}` };
    }
    if (data !== null && data !== undefined) {
      if (typeof data !== 'object' || Array.isArray(data))
        return { skipped: 'YAML front matter is not a mapping' };
      fields = data as Record<string, unknown>;
    }
  }
  const body = front ? text.slice(front[0].length) : text;
  return {
    meta: {
      title: metaString(fields.title),
      source: metaString(fields.source),
      url: metaString(fields.url),
      published: fields.published ?? fields.date,
      tags: metaTags(fields.tags),
    },
    blocks: markdownBlocks(body),
  };
}

/**
 * Front matter read without the YAML parser when every line is a `key: value` pair whose reading is certain:
 * js-yaml costs about 100 µs for two lines even when warm, more than the rest of the file's parse. The key is
 * lower case and seen once; the value is a double-quoted string with no escape but \" \\ and \/ (as
 * JSON.stringify writes a title), or a plain scalar that none of the core schema's implicit tags (null, bool, int,
 * float) resolves, so a string. Anything else, or a character js-yaml refuses, is left to js-yaml: undefined.
 */
export function simpleFrontMatter(source: string): Record<string, string> | undefined {
  if (!PRINTABLE_LINES.test(source)) return undefined;
  const fields: Record<string, string> = {};
  for (const line of source.split('\n')) {
    const pair = KEY_VALUE.exec(line);
    const key = pair?.[1] as string;
    const text = pair === null || Object.hasOwn(fields, key) ? undefined : scalarString(pair[2] as string);
    if (text === undefined) return undefined;
    fields[key] = text;
  }
  return fields;
}

/** Lines of characters that need no escape in YAML: no tab or other control, no line break but \n, BOM or surrogate. */
const PRINTABLE_LINES = /^[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
const KEY_VALUE = /^([a-z][a-z0-9_]*): (\S.*)$/;
const DOUBLE_QUOTED = /^"(?:[^"\\]|\\["\\/])*"$/;
const IMPLICIT_TAGS = CORE_SCHEMA.tags.filter(
  (tag): tag is ScalarTagDefinition => tag.nodeKind === 'scalar' && tag.implicit,
);

/** The string a one-line YAML value stands for; undefined when it is no string or not one of the simple shapes. */
function scalarString(value: string): string | undefined {
  if (DOUBLE_QUOTED.test(value)) return JSON.parse(value) as string;
  return isPlainText(value) &&
    IMPLICIT_TAGS.every((tag) => tag.resolve(value, false, tag.tagName) === NOT_RESOLVED)
    ? value
    : undefined;
}

/**
 * Whether a plain scalar is its own text: it opens with a letter or digit (no indicator such as - [ & ! | > ' "),
 * and holds no comment (" #"), no mapping (": " or a final ":") and no trailing space, which YAML would drop.
 */
function isPlainText(value: string): boolean {
  return (
    ALPHANUMERIC_FIRST.test(value) &&
    !value.includes(' #') &&
    !value.includes(': ') &&
    !value.endsWith(':') &&
    !value.endsWith(' ')
  );
}

const ALPHANUMERIC_FIRST = /^[A-Za-z0-9]/;

function markdownBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push(...plainTextBlocks(paragraph.join(' ')));
    paragraph = [];
  };
  let inFence = false;
  for (const raw of markdown.split('\n')) {
    // A line of prose opens with a letter: no rule below but the inline one applies to it.
    if (isAsciiLetter(raw.charCodeAt(0))) {
      if (!inFence) paragraph.push(inline(raw.trim()));
      continue;
    }
    // An empty line only ends a paragraph (the rules below find nothing else in it).
    if (raw === '') {
      if (!inFence) flush();
      continue;
    }
    if (/^\s*(?:```|~~~)/.test(raw)) {
      flush();
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const line = raw.replace(/^\s{0,3}(?:>\s?)+/, '').trim();
    const heading = /^#{1,6}(?:\s+|$)/.exec(line);
    if (heading) {
      flush();
      // The text without its optional closing run of #s ("## Title ##").
      const title = line.slice(heading[0].length).replace(/(^|\s)#+$/, '$1');
      blocks.push({ kind: 'heading', text: inline(title) });
    } else if (/^(?:={3,}|-{3,})$/.test(line) && paragraph.length === 1) {
      // Setext heading: the single line above is underlined.
      blocks.push({ kind: 'heading', text: inline(paragraph[0] ?? '') });
      paragraph = [];
    } else if (line === '' || /^(?:[-*_]\s*){3,}$/.test(line)) {
      flush();
    } else if (/^(?:[-*+]|\d{1,2}[.)])\s+/.test(line)) {
      flush();
      blocks.push({ kind: 'bullet', text: inline(line.replace(/^(?:[-*+]|\d{1,2}[.)])\s+/, '')) });
    } else {
      paragraph.push(inline(line));
    }
  }
  flush();
  return blocks.filter((b) => b.text !== '');
}

/**
 * Inline Markdown to plain text: images dropped, links to their text, emphasis and code marks removed.
 * Brackets and parentheses do not nest beyond one level in a link target, so no match scans past the next
 * opening bracket: the time stays linear on a line of "[[[[" or "![a](![a](".
 */
function inline(text: string): string {
  // Every replacement below needs one of these characters; most lines of prose have none.
  if (!INLINE_MARK.test(text)) return text.trim();
  return text
    .replace(/!\[[^[\]]*\]\([^()[\]]*\)/g, '')
    .replace(/\[([^[\]]*)\]\((?:[^()[\]]|\([^()[\]]*\))*\)/g, '$1')
    .replace(/<[^<>]+>/g, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\s][^*_]*?)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!>])/g, '$1')
    .trim();
}

const INLINE_MARK = /[[<*_`\\]/;

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}
