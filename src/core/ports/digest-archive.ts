/** One archived rendition of a digest (digest.json, digest.html, digest.txt, digest.eml). */
export interface ArchiveFile {
  name: string;
  body: string | Uint8Array;
  contentType: string;
}

export interface DigestArchive {
  put(prefix: string, files: readonly ArchiveFile[]): Promise<void>;
  /** The text of one archived file, or undefined when there is none. */
  get(prefix: string, name: string): Promise<string | undefined>;
}
