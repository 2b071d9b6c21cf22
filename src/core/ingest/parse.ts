import { createHash } from 'node:crypto';
import type { Article, ParseOutcome, SourceFile } from '../article.ts';

export interface ParseOptions {
  /** Files larger than this are skipped. @default 1 MiB */
  maxBytes?: number;
}

export const DEFAULT_MAX_ARTICLE_BYTES = 1024 * 1024;

// FIRST CUT: plain text only; replaced by the full ingest (txt, md, html, json, cleaning, sentence splitting).
export function parseArticle(file: SourceFile, options: ParseOptions = {}): ParseOutcome {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ARTICLE_BYTES;
  if (file.bytes.byteLength > maxBytes) return skip(file, `larger than ${maxBytes} bytes`);
  const raw = new TextDecoder('utf-8').decode(file.bytes);
  const lines = raw
    .split(/\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const [title, ...body] = lines;
  if (!title || body.length === 0) return skip(file, 'no text');
  const text = body.join('\n\n');
  const article: Article = {
    id: file.id,
    title,
    text,
    sentences: body.flatMap((p) => p.split(/(?<=[.!?])\s+/)),
    contentHash: createHash('sha256').update(text).digest('hex'),
  };
  return { kind: 'article', article };
}

function skip(file: SourceFile, reason: string): ParseOutcome {
  return { kind: 'skipped', id: file.id, reason };
}
