import { type ExtractedDocument, plainTextBlocks } from '../blocks.ts';

/** .txt: no metadata; the title is taken from the first real line after cleaning. */
export function extractText(text: string): ExtractedDocument {
  return { meta: {}, blocks: plainTextBlocks(text) };
}
