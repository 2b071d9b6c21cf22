/** What the store reports about one uploaded object version, before its bytes are read. */
export interface UploadedObjectHead {
  key: string;
  /** Absent when the bucket is not versioned. */
  versionId?: string;
  etag: string;
  size: number;
  contentType?: string;
  lastModified: Date;
}

/** Read access to the objects editors upload. */
export interface UploadedObjects {
  /** The object's metadata (that version when given, else the current one); undefined when it is gone. */
  head(key: string, versionId?: string): Promise<UploadedObjectHead | undefined>;
  /** The bytes of exactly the version described by `head`. */
  read(head: UploadedObjectHead): Promise<Uint8Array>;
}
