import type { Digest } from '../digest.ts';
import type { ArchiveFile } from './digest-archive.ts';

/** Renditions archived next to digest.json: the email's HTML, plain text and .eml (src/core/render/archive.ts). */
export interface DigestRenderer {
  render(digest: Digest): Promise<ArchiveFile[]>;
}
