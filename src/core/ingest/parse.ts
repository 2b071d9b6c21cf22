import type { Article, ParseOutcome, SourceFile } from '../article.ts';
import {
  type Block,
  collapseWhitespace,
  type ExtractedDocument,
  endsSentence,
  type FormatExtractor,
} from './blocks.ts';
import { cleanBlocks } from './clean.ts';
import { normalisePublished } from './dates.ts';
import { decodeText } from './decode.ts';
import { extractJson } from './formats/json.ts';
import { htmlReader, markdownReader } from './formats/readers.ts';
import { extractText } from './formats/text.ts';
import { contentHash } from './hash.ts';
import { splitSentences } from './sentences.ts';

export interface ParseOptions {
  /** Files larger than this are skipped. @default 1 MiB */
  maxBytes?: number;
}

export const DEFAULT_MAX_ARTICLE_BYTES = 1024 * 1024;

/** The reader of each extension; the large ones are loaded when the first such file arrives. */
const EXTRACTORS: Record<string, () => Promise<FormatExtractor>> = {
  '.txt': async () => extractText,
  '.md': async () => (await markdownReader()).extractMarkdown,
  '.markdown': async () => (await markdownReader()).extractMarkdown,
  '.html': async () => (await htmlReader()).extractHtml,
  '.htm': async () => (await htmlReader()).extractHtml,
  '.json': async () => extractJson,
};

/** A first line this long that ends like a sentence is the lead, not a headline: it is also body text. */
const LEAD_SENTENCE_WORDS = 15;
/**
 * An article is read up to the paragraph that brings it to this many sentences or characters (a long feature
 * has a few hundred sentences, 60,000 characters): what a digest quotes comes from the top, and every later
 * stage (dedup, themes, summaries) then works on a bounded article whatever the size of the file.
 */
export const MAX_ARTICLE_SENTENCES = 500;
export const MAX_ARTICLE_CHARS = 100_000;
/** Lines without final punctuation up to this many words are sub-headings ("Terror attacks from Afghan soil"). */
const HEADING_MAX_WORDS = 12;
/** Subject-less highlights are this many words at most; a paragraph this long ends the lead. */
const HIGHLIGHT_MAX_WORDS = 25;
const LEAD_END_WORDS = 20;
/**
 * Summary bullets under a headline written without a subject ("Says Pakistan hosted ..."); they
 * restate the body and are not sentences of it.
 */
const SUBJECTLESS_HIGHLIGHT =
  /^(?:Says|Reminds|Urges|Warns|Vows|Calls|Asks|Claims|Insists|Adds|Stresses|Notes|Accuses|Rejects|Denies|Pledges|Seeks|Wants|Blames|Terms|Hopes|Expresses|Lauds|Slams|Hails)\s/;

/** Extensions parseArticle reads, lower case; a file's extension is compared in any case. */
export const SUPPORTED_EXTENSIONS = Object.keys(EXTRACTORS);

/**
 * Turns one raw file into a cleaned article, or a `skipped` outcome naming the reason. Free of I/O (it only
 * loads the reader of a format on first use), so the CLI, the ingest Lambda and the preview share it. It never
 * throws: an unexpected error in a format's parser (a library's stack overflow on odd markup) skips that file
 * with its message.
 */
export async function parseArticle(file: SourceFile, options: ParseOptions = {}): Promise<ParseOutcome> {
  try {
    return await readArticle(file, options);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { kind: 'skipped', id: file.id, reason: `could not be parsed (${message.split('\n')[0]})` };
  }
}

async function readArticle(file: SourceFile, options: ParseOptions): Promise<ParseOutcome> {
  const skip = (reason: string): ParseOutcome => ({ kind: 'skipped', id: file.id, reason });
  if (file.readError) return skip(`could not be read: ${file.readError}`);
  const extension = /\.[^./]+$/.exec(file.id.toLowerCase())?.[0] ?? '';
  const loadExtractor = EXTRACTORS[extension];
  if (!loadExtractor) {
    return skip(
      `unsupported file type "${extension || '(none)'}"; expected one of ${SUPPORTED_EXTENSIONS.join(', ')}`,
    );
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ARTICLE_BYTES;
  const size = file.size ?? file.bytes.byteLength;
  if (size > maxBytes) return skip(`file is ${size} bytes, over the ${maxBytes}-byte limit`);
  // Left unread by a reader with a lower limit than this one: its bytes are not here to parse (not an empty file).
  if (file.size !== undefined)
    return skip(
      `file of ${size} bytes left unread: it was read with a lower size limit than ${maxBytes} bytes`,
    );
  const decoded = decodeText(file.bytes);
  if (!decoded.ok) return skip(decoded.reason);
  const extract = await loadExtractor();
  const extracted = await extract(decoded.text);
  if ('skipped' in extracted) return skip(extracted.skipped);
  const built = buildArticle(file.id, extracted);
  return typeof built === 'string' ? skip(built) : { kind: 'article', article: built };
}

function buildArticle(id: string, document: ExtractedDocument): Article | string {
  const { meta } = document;
  const { blocks, stampedDate } = cleanBlocks(document.blocks);
  if (blocks.length === 0)
    return 'no text left after removing boilerplate (captions, credits, date stamps, prompts)';
  let title = meta.title ? cleanTitle(meta.title) : undefined;
  let body = blocks;
  let headline = true;
  if (!title) {
    const [first, ...rest] = blocks as [Block, ...Block[]];
    title = cleanTitle(first.text);
    headline = !isLeadSentence(first.text);
    body = headline ? rest : blocks;
  }
  const paragraphs: string[] = [];
  const sentences: string[] = [];
  let characters = 0;
  for (const paragraph of bodyParagraphs(body)) {
    if (sentences.length >= MAX_ARTICLE_SENTENCES || characters >= MAX_ARTICLE_CHARS) break;
    paragraphs.push(paragraph);
    sentences.push(...splitSentences(paragraph));
    characters += paragraph.length;
  }
  if (sentences.length === 0) return 'no sentence in the body (only a title, headings or list items)';
  const text = paragraphs.join('\n\n');
  const url = httpUrl(meta.url);
  const published = normalisePublished(meta.published) ?? stampedDate;
  return {
    id,
    title,
    ...(!headline && { headline: false }),
    ...(meta.source && { source: meta.source }),
    ...(url && { url }),
    ...(published && { published }),
    ...(meta.tags && { tags: meta.tags }),
    text,
    sentences,
    // Whitespace folds to one space in the hash, so the paragraphs joined by one hash as `text` does, and
    // most articles then have nothing to fold.
    contentHash: contentHash(paragraphs.join(' ')),
  };
}

/** The paragraphs that carry the story: sub-headings, list items and subject-less highlights left out. */
function bodyParagraphs(blocks: readonly Block[]): string[] {
  const paragraphs: string[] = [];
  let inLead = true;
  for (const block of blocks) {
    if (block.kind !== 'paragraph') continue;
    const sentenceEnd = endsSentence(block.text);
    // Past the lead, a paragraph that ends like a sentence is kept whatever its length: its words are counted
    // only for the other rules, and only as far as they look.
    if (!sentenceEnd || inLead) {
      const words = wordCount(block.text, HIGHLIGHT_MAX_WORDS + 1);
      if (!sentenceEnd && words <= HEADING_MAX_WORDS) continue;
      if (inLead && words <= HIGHLIGHT_MAX_WORDS && SUBJECTLESS_HIGHLIGHT.test(block.text)) continue;
      if (words >= LEAD_END_WORDS) inLead = false;
    }
    paragraphs.push(block.text);
  }
  return paragraphs;
}

function isLeadSentence(line: string): boolean {
  return endsSentence(line) && wordCount(line, LEAD_SENTENCE_WORDS) >= LEAD_SENTENCE_WORDS;
}

/** A final full stop that ends neither an ellipsis nor an initial ("U.S."). */
const TITLE_FULL_STOP = /(?<!\.\.)(?<!\b\p{Lu})\.$/u;

/** A headline's trailing full stop is dropped; a lead sentence used as title keeps its text whole. */
function cleanTitle(title: string): string {
  const text = collapseWhitespace(title);
  return isLeadSentence(text) ? text : text.replace(TITLE_FULL_STOP, '');
}

function httpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Words (runs of characters above U+0020) in `text`, counted up to `limit`. */
function wordCount(text: string, limit: number): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length && words < limit; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}
