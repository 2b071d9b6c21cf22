import type { Digest } from '../digest.ts';
import type { ArchiveFile } from './digest-archive.ts';

/**
 * Renditions archived next to digest.json. INTEGRATION POINT (RENDER): an implementation over
 * `renderDigestEmail` in src/core/render/email.ts returns digest.html, digest.txt and digest.eml; until it is
 * wired in functions/digest.ts, `jsonOnly` archives digest.json alone.
 */
export interface DigestRenderer {
  render(digest: Digest): Promise<ArchiveFile[]>;
}

export const jsonOnly: DigestRenderer = { render: async () => [] };
