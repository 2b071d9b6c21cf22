// The shape every format is reduced to before cleaning: metadata plus blocks of text in reading order.

/** paragraph: body text; heading: a (sub)heading; bullet: a list item. Only paragraphs become sentences. */
export type BlockKind = 'paragraph' | 'heading' | 'bullet';

export interface Block {
  kind: BlockKind;
  text: string;
}

/** Metadata as the file states it, before validation (dates and urls are checked later). */
export interface DocumentMetadata {
  title?: string;
  source?: string;
  url?: string;
  published?: unknown;
  tags?: string[];
}

export interface ExtractedDocument {
  meta: DocumentMetadata;
  blocks: Block[];
}

export type Extracted = ExtractedDocument | { skipped: string };

/** A parser that turns decoded text into a document, or a reason why it cannot (async when it loads a reader). */
export type FormatExtractor = (text: string) => Extracted | Promise<Extracted>;

const BULLET = /^(?:[-*+•·▪◦‣]|\d{1,2}[.)])\s+/;
/** What a BULLET opens with: a line that opens otherwise is not tested against it. */
const BULLET_OPENERS = '-*+•·▪◦‣0123456789';
// With the full stops of Chinese and Japanese (。！？), which splitSentences splits at: without them a paragraph of
// either script ended like a heading, and an article of nothing else was skipped as 'no sentence in the body'.
const SENTENCE_END = '.!?…:;。！？';
const CLOSING = '"\'”’)]」』）';

/**
 * Whether a line ends like a sentence: a stop, then any closing quotes or brackets ("… rules.", "… today.”",
 * "…ない。」").
 * Read from the end of the line, so its cost does not grow with the line.
 */
export function endsSentence(line: string): boolean {
  let i = line.length - 1;
  while (i >= 0 && CLOSING.includes(line.charAt(i))) i--;
  return i >= 0 && SENTENCE_END.includes(line.charAt(i));
}

/**
 * Blocks of plain text: a blank line ends a block and so does a line that ends a sentence; a line that
 * does not end a sentence and is followed by one starting in lower case is a soft wrap and is joined.
 */
export function plainTextBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let previousLine: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      previousLine = undefined;
      continue;
    }
    const last = blocks.at(-1);
    if (last && previousLine !== undefined && !endsSentence(previousLine) && /^[a-z]/.test(line)) {
      last.text = `${last.text} ${line}`;
    } else if (BULLET_OPENERS.includes(line.charAt(0)) && BULLET.test(line)) {
      blocks.push({ kind: 'bullet', text: line.replace(BULLET, '') });
    } else {
      blocks.push({ kind: 'paragraph', text: line });
    }
    previousLine = line;
  }
  return blocks;
}

/**
 * Every run of whitespace as one plain space, trimmed. Single plain spaces are not matched, so text that is
 * already tidy costs one scan and no copy.
 */
export function collapseWhitespace(text: string): string {
  return text.replace(LOOSE_WHITESPACE, ' ').trim();
}

const LOOSE_WHITESPACE = /\s{2,}|[^\S ]/g;

/** Keeps a metadata string only when it has visible text. */
export function metaString(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = collapseWhitespace(String(value));
  return text === '' ? undefined : text;
}

/** Tags from a list or a comma-separated string. */
export function metaTags(value: unknown): string[] | undefined {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  const tags = [...new Set(items.map(metaString).filter((t): t is string => t !== undefined))];
  return tags.length > 0 ? tags : undefined;
}
