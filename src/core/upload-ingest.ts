import { hash } from 'node:crypto';
import type { SourceFile } from './article.ts';
import { utf16Reason } from './ingest/decode.ts';
import { DEFAULT_MAX_ARTICLE_BYTES, parseArticle, SUPPORTED_EXTENSIONS } from './ingest/parse.ts';
import type { ArticleIndex, ArticleIndexEntry } from './ports/article-index.ts';
import type { NormalisedArticles } from './ports/normalised-articles.ts';
import type { UploadedObjectHead, UploadedObjects } from './ports/uploaded-objects.ts';

/** One create or delete of an uploaded object, as reported by the store's event notification. */
export interface ObjectChange {
  kind: 'created' | 'removed';
  bucket: string;
  /** Decoded object key. */
  key: string;
  /** The version the event names, when the store reports one. */
  versionId?: string;
  /** The store's per-key ordering token (S3's hex `sequencer`), when it reports one. */
  sequencer?: string;
  eventTime: Date;
}

/** An index entry before it is written; `ingestedAt` is stamped at the write (see `stamped`). */
type NewEntry = Omit<ArticleIndexEntry, 'status' | 'ingestedAt'>;

export type IngestOutcome = 'ingested' | 'rejected' | 'retracted' | 'unchanged' | 'gone' | 'ignored';

export interface IngestResult {
  objectId: string;
  outcome: IngestOutcome;
  reason?: string;
}

export interface UploadIngestOptions {
  /** Largest accepted object in bytes. @default 1 MiB */
  maxArticleBytes?: number;
  /** Prefix under which normalised articles are written. @default 'normalised/' */
  normalisedPrefix?: string;
  now?: () => Date;
}

// Media types an upload tool may send for those extensions; octet-stream is what S3 records when none was set.
const ACCEPTED_CONTENT_TYPES = new Set([
  'text/plain',
  'text/markdown',
  'text/x-markdown',
  'text/html',
  'application/json',
  'application/octet-stream',
  'binary/octet-stream',
]);

/** S3's longest object key, in bytes of UTF-8. */
const MAX_OBJECT_KEY_BYTES = 1024;

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

// A NUL byte never occurs in text files; looking at the start is enough to tell a renamed binary.
const BINARY_SNIFF_BYTES = 8192;

/**
 * Turns object changes into normalised articles, rejections and retractions, at most once per key version and
 * in the key's own order, whatever order or how often the changes are delivered.
 */
export class UploadIngest {
  private readonly maxBytes: number;
  private readonly normalisedPrefix: string;
  private readonly now: () => Date;

  constructor(
    private readonly objects: UploadedObjects,
    private readonly articles: NormalisedArticles,
    private readonly index: ArticleIndex,
    options: UploadIngestOptions = {},
  ) {
    this.maxBytes = options.maxArticleBytes ?? DEFAULT_MAX_ARTICLE_BYTES;
    this.normalisedPrefix = options.normalisedPrefix ?? 'normalised/';
    this.now = options.now ?? (() => new Date());
  }

  apply(change: ObjectChange): Promise<IngestResult> {
    // The S3 console's "Create folder" puts an empty object named like the folder, "incoming/2026-11/": no file
    // of an editor's, so neither rejected (which would count towards the rejection alarm) nor indexed.
    if (change.key.endsWith('/'))
      return Promise.resolve({
        objectId: objectIdOf(change),
        outcome: 'ignored',
        reason: 'a folder, not a file',
      });
    return change.kind === 'created' ? this.create(change) : this.remove(change);
  }

  private async create(change: ObjectChange): Promise<IngestResult> {
    const objectId = objectIdOf(change);
    const head = await this.objects.head(change.key, change.versionId);
    // Deleted for good since the event was sent: that removal's event brings the key up to date.
    if (!head) return { objectId, outcome: 'gone' };
    const order = changeOrder(change.sequencer, head.lastModified);
    const stored = await this.index.get(objectId);
    if (stored && !isNewer(order, head.versionId ?? head.etag, stored, !change.versionId))
      return { objectId, outcome: 'unchanged' };
    return this.accept(change, head, order, stored);
  }

  /** Ingests, or rejects, the object `head` describes as the key's state at `order` (the change's place). */
  private async accept(
    change: ObjectChange,
    head: UploadedObjectHead,
    order: string,
    stored?: ArticleIndexEntry,
  ): Promise<IngestResult> {
    const versionTag = head.versionId ?? head.etag;
    // The index shows this version already (an old version went, or a removal's event came first and found it
    // current): only the key's order moves on, so late older events stay stale, and no digest sees it twice.
    if (stored && stored.status !== 'retracted' && stored.versionTag === versionTag) {
      const { sequencer: _older, ...entry } = stored;
      await this.index.putIfNewer({
        ...entry,
        ...(change.sequencer && { sequencer: change.sequencer }),
        order,
      });
      return { objectId: stored.objectId, outcome: 'unchanged' };
    }
    const base = {
      objectId: objectIdOf(change),
      key: change.key,
      versionId: head.versionId,
      versionTag,
      sequencer: change.sequencer,
      order,
    };
    const problem = this.precheck(head);
    if (problem) return this.reject({ ...base, reason: problem }, stored);
    return this.ingest(head, base, stored);
  }

  private async ingest(
    head: UploadedObjectHead,
    base: NewEntry,
    stored?: ArticleIndexEntry,
  ): Promise<IngestResult> {
    const bytes = await this.objects.read(head);
    const utf16 = utf16Reason(bytes);
    if (utf16) return this.reject({ ...base, reason: utf16 }, stored);
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0))
      return this.reject({ ...base, reason: 'binary content' }, stored);
    const file: SourceFile = {
      id: head.key,
      bytes,
      ...(head.contentType && { contentType: head.contentType }),
    };
    const parsed = await parseArticle(file, { maxBytes: this.maxBytes });
    if (parsed.kind === 'skipped') return this.reject({ ...base, reason: parsed.reason }, stored);

    const articlePath = this.articlePathOf(head.key, base.versionTag);
    await this.articles.put(articlePath, parsed.article);
    const written = await this.index.putIfNewer(
      this.stamped({ ...base, status: 'ingested', contentHash: parsed.article.contentHash, articlePath }),
    );
    if (!written) {
      // A newer change won the race; keep the document only if the winner is this same version.
      const winner = await this.index.get(base.objectId);
      if (winner?.articlePath !== articlePath) await this.articles.remove(articlePath);
      return { objectId: base.objectId, outcome: 'unchanged' };
    }
    if (stored?.articlePath !== articlePath) await this.dropArticle(stored);
    return { objectId: base.objectId, outcome: 'ingested' };
  }

  /**
   * Where a version's normalised article is kept: beside the key's name (`normalised/incoming/a.txt/<version>.json`),
   * or, for a key too long for that (S3 keys stop at 1,024 bytes, and an upload's may use them all), under the
   * key's SHA-256: S3 refuses the longer key, and the upload would fail on every delivery into the DLQ.
   */
  private articlePathOf(key: string, versionTag: string): string {
    const file = `/${encodeURIComponent(versionTag)}.json`;
    const path = `${this.normalisedPrefix}${key}${file}`;
    if (new TextEncoder().encode(path).byteLength <= MAX_OBJECT_KEY_BYTES) return path;
    return `${this.normalisedPrefix}by-key-hash/${hash('sha256', key)}${file}`;
  }

  private async reject(
    entry: NewEntry & { reason: string },
    stored?: ArticleIndexEntry,
  ): Promise<IngestResult> {
    const written = await this.index.putIfNewer(this.stamped({ ...entry, status: 'rejected' }));
    if (written) await this.dropArticle(stored);
    return { objectId: entry.objectId, outcome: written ? 'rejected' : 'unchanged', reason: entry.reason };
  }

  private precheck(head: UploadedObjectHead): string | undefined {
    if (head.size > this.maxBytes) return `larger than ${this.maxBytes} bytes (${head.size})`;
    // In any case: "Story.TXT" is a .txt file.
    const extension = /\.[^./]+$/.exec(head.key.toLowerCase())?.[0] ?? '';
    if (!SUPPORTED_EXTENSIONS.includes(extension)) {
      return `unsupported file type "${extension || '(none)'}" (accepted, in any case: ${SUPPORTED_EXTENSIONS.join(' ')})`;
    }
    const mediaType = head.contentType?.split(';')[0]?.trim().toLowerCase();
    if (mediaType && !ACCEPTED_CONTENT_TYPES.has(mediaType)) {
      // The uploader's own text: named only when it has the form of a media type (RFC 6838, at most 127
      // characters a name), so a reason never carries an address or a paragraph into the logs and the index.
      return MEDIA_TYPE.test(mediaType)
        ? `unsupported content type ${mediaType}`
        : 'unsupported content type (not a media type)';
    }
    return undefined;
  }

  private async remove(change: ObjectChange): Promise<IngestResult> {
    const objectId = objectIdOf(change);
    const order = changeOrder(change.sequencer, change.eventTime);
    const stored = await this.index.get(objectId);
    if (stored && order <= stored.order) return { objectId, outcome: 'unchanged' };
    // Deleting one version for good (an old one, or the delete marker: S3's undelete) leaves the key an object.
    const current = await this.objects.head(change.key);
    if (current) return this.accept(change, current, order, stored);
    // Written even for an unknown key: the tombstone makes a late create event for an older version a no-op.
    const written = await this.index.putIfNewer(
      this.stamped({
        objectId,
        key: change.key,
        status: 'retracted',
        reason: 'deleted from the bucket',
        versionId: change.versionId,
        versionTag: change.versionId ?? 'deleted',
        sequencer: change.sequencer,
        order,
      }),
    );
    if (!written) return { objectId, outcome: 'unchanged' };
    await this.dropArticle(stored);
    return { objectId, outcome: 'retracted' };
  }

  /**
   * The entry stamped with the time of its write, not of the event or of the start of the work: a digest run
   * reads the entries stamped before its slot, so one stamped before the slot but written after the run (a read
   * or parse that outlasted it) would belong to a window already built and reach no digest.
   */
  private stamped(entry: Omit<ArticleIndexEntry, 'ingestedAt'>): ArticleIndexEntry {
    return { ...entry, ingestedAt: this.now().toISOString() };
  }

  private async dropArticle(entry: ArticleIndexEntry | undefined): Promise<void> {
    if (entry?.articlePath) await this.articles.remove(entry.articlePath);
  }
}

export function objectIdOf(change: Pick<ObjectChange, 'bucket' | 'key'>): string {
  return `s3://${change.bucket}/${change.key}`;
}

/**
 * A string that sorts like the changes to one key happened. S3's sequencer is hex of varying length, compared
 * after left-padding with zeros; without one (some emulators), the object's LastModified or the event time.
 */
export function changeOrder(sequencer: string | undefined, fallback: Date): string {
  return sequencer ? `s:${sequencer.toUpperCase().padStart(32, '0')}` : `t:${fallback.toISOString()}`;
}

function isNewer(
  order: string,
  versionTag: string,
  stored: ArticleIndexEntry,
  headIsCurrent: boolean,
): boolean {
  if (order > stored.order) return true;
  // LastModified has one-second resolution: in the same second, the version the head found current is the newer.
  return headIsCurrent && order === stored.order && versionTag !== stored.versionTag;
}
