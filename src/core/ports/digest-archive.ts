/** One archived rendition of a digest (digest.json, digest.html, digest.txt, digest.eml). */
export interface ArchiveFile {
  name: string;
  body: string | Uint8Array;
  contentType: string;
}

export interface DigestArchive {
  put(prefix: string, files: readonly ArchiveFile[]): Promise<void>;
}
