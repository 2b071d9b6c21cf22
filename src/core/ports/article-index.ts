/** State of one uploaded object key: its article, its rejection, or its deletion. */
export type IndexStatus = 'ingested' | 'rejected' | 'retracted';

/** One index entry per uploaded object key; the latest change to the key wins. */
export interface ArticleIndexEntry {
  /** `s3://bucket/key`: the identity every change to the key is ordered under. */
  objectId: string;
  /** The object key, which is also the article id cited in digests. */
  key: string;
  status: IndexStatus;
  /** Why the object was rejected or retracted. */
  reason?: string;
  contentHash?: string;
  versionId?: string;
  /** The version the entry describes: the version id, or the ETag when the bucket is not versioned. */
  versionTag: string;
  sequencer?: string;
  /** Comparable position of the change in the key's history (see `changeOrder`). */
  order: string;
  /** When the entry was written (ISO 8601); digest windows select on it. */
  ingestedAt: string;
  /** Path of the normalised article, when status is `ingested`. */
  articlePath?: string;
}

export interface ArticleIndex {
  get(objectId: string): Promise<ArticleIndexEntry | undefined>;
  /**
   * Writes `entry` only if the stored entry for its key is older (smaller order, or the same order for another
   * version). Returns false, writing nothing, when the stored entry is as new or newer.
   */
  putIfNewer(entry: ArticleIndexEntry): Promise<boolean>;
  /** Entries written at or after `from` and before `to`, in ingest order. */
  listWrittenBetween(from: Date, to: Date): Promise<ArticleIndexEntry[]>;
}
