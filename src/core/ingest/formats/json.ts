import { type Extracted, metaString, metaTags, plainTextBlocks } from '../blocks.ts';
import { htmlReader } from './readers.ts';

/**
 * .json: `{ title, body | text | html, url, source, published, tags? }`. The HTML reader (linkedom) is loaded
 * only for a body that is markup.
 */
export async function extractJson(text: string): Promise<Extracted> {
  if (nestingDepth(text) > MAX_JSON_DEPTH)
    return { skipped: `JSON nested more than ${MAX_JSON_DEPTH} levels deep; not read` };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { skipped: `invalid JSON: ${withoutExcerpt(error)}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { skipped: 'JSON is not an object with title and body fields' };
  }
  const fields = data as Record<string, unknown>;
  const body = metaBody(fields.body) ?? metaBody(fields.text);
  const html = metaBody(fields.html);
  if (body === undefined && html === undefined) {
    return { skipped: 'JSON has no body: none of "body", "text" or "html" is a non-empty string' };
  }
  // Feeds often put markup in "body": read it as HTML when it starts with a tag.
  const blocks =
    body !== undefined && !STARTS_WITH_TAG.test(body)
      ? plainTextBlocks(body)
      : (await htmlReader()).htmlFragmentBlocks(body ?? html ?? '');
  if ('skipped' in blocks) return blocks;
  return {
    meta: {
      title: metaString(fields.title),
      source: metaString(fields.source),
      url: metaString(fields.url),
      published: fields.published,
      tags: metaTags(fields.tags),
    },
    blocks,
  };
}

const STARTS_WITH_TAG = /^\s*<[a-z!]/i;

function metaBody(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** An article is one flat object; deeper nesting is not an article and is refused before parsing. */
const MAX_JSON_DEPTH = 20;

/**
 * The parser's message less the excerpt of the text V8 quotes after an unexpected token ("Unexpected token
 * 'T', "The minist"... is not valid JSON"): a reason reaches logs and the article index, never article text.
 */
function withoutExcerpt(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const excerpt = message.search(/, (?:\.\.\.)?"/);
  return excerpt === -1 ? message : message.slice(0, excerpt);
}

/** Deepest nesting of arrays and objects, outside strings, in one pass (by character code: no string per character). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) deepest = Math.max(deepest, ++depth);
    else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
  }
  return deepest;
}

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
