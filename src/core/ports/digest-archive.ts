/** One archived rendition of a digest (digest.json, digest.html, digest.txt, digest.eml). */
export interface ArchiveFile {
  name: string;
  body: string | Uint8Array;
  contentType: string;
}

/** The reader page of an archived digest, which the public archive site serves once it is published. */
export const ARCHIVE_PAGE = 'digest.html';

/**
 * The object tag that publishes an archive page: the archive site's bucket policy lets CloudFront read only
 * pages that carry it, so a pending, rejected or dropped digest stays private at its predictable address.
 */
export const PUBLISHED_PAGE_TAG = { key: 'archive', value: 'public' } as const;

export interface DigestArchive {
  put(prefix: string, files: readonly ArchiveFile[]): Promise<void>;
  /** The text of one archived file, or undefined when there is none. */
  get(prefix: string, name: string): Promise<string | undefined>;
  /** Makes the digest's reader page public on the archive site: done when the digest is handed to sending. */
  publish(prefix: string): Promise<void>;
}
