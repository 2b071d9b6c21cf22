import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Article } from '../core/article.ts';
import { compareIds } from '../core/compare-ids.ts';
import { StorageError } from '../core/errors.ts';
import { DEFAULT_MAX_ARTICLE_BYTES } from '../core/ingest/parse.ts';
import type { ArticleIndex, ArticleIndexEntry } from '../core/ports/article-index.ts';
import type { NormalisedArticles } from '../core/ports/normalised-articles.ts';
import type { UploadedObjectHead, UploadedObjects } from '../core/ports/uploaded-objects.ts';
import { writeFileAtomically } from './local-files.ts';

// Local-filesystem stand-ins for the ingest Lambda's S3 and DynamoDB ports, for `digest dev`: the editor's
// upload flow on one machine. One process writes them, one change at a time.

/** A file below `root` for an object key or store path; a key that climbs out of `root` is refused. */
function inside(root: string, key: string): string {
  const path = resolve(root, key);
  if (!isBelow(root, path)) throw new StorageError(`${key} is not a path inside ${root}`);
  return path;
}

/** Whether `path` lies below the folder `root`. */
function isBelow(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Writes a whole file or nothing, in a folder made if need be. */
async function writeAtomically(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomically(path, data);
}

/**
 * The files of a folder as uploaded objects: key = path relative to the folder, ETag = MD5 as S3 reports it. A
 * file over `maxBytes` is not read (S3 reports the size and ETag of any object without reading it; here the MD5
 * would mean reading a recording of gigabytes, past 2 GiB an error): its tag is its size and change time,
 * and UploadIngest rejects it by its size without asking for its bytes.
 */
export class LocalUploadedObjects implements UploadedObjects {
  private readonly root: string;
  private readonly maxBytes: number;

  constructor(root: string, options: { maxBytes?: number } = {}) {
    this.root = resolve(root);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_ARTICLE_BYTES;
  }

  async head(key: string): Promise<UploadedObjectHead | undefined> {
    const path = inside(this.root, key);
    // A link (the file's or a folder's on its path) to outside the folder is no upload: it is never read.
    const real = await realpath(path).catch(() => undefined);
    if (real === undefined || !isBelow(await realpath(this.root), real)) return undefined;
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const etag = info.size > this.maxBytes ? `"${info.size}-${info.ctimeMs}"` : etagOf(await readFile(path));
    // When the file last changed in the folder (ctime), as S3 dates an object by its upload: the modification time
    // is the file's own, kept by cp -p, unzip or a Finder copy, so a file put back with an older one would order
    // before the delete or the newer version it replaces, and never be ingested.
    return { key, etag, size: info.size, lastModified: info.ctime };
  }

  async read(head: UploadedObjectHead): Promise<Uint8Array> {
    const path = inside(this.root, head.key);
    // Grown since it was checked: not read whole only to find that out.
    const info = await stat(path);
    if (info.size !== head.size) throw new StorageError(`${head.key} changed after it was checked`);
    const bytes = await readFile(path);
    // S3's If-Match: the bytes of exactly the version that was checked, or an error (the newer change follows).
    if (etagOf(bytes) !== head.etag) throw new StorageError(`${head.key} changed after it was checked`);
    return new Uint8Array(bytes);
  }
}

function etagOf(bytes: Uint8Array): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}

/** Normalised articles as JSON files below a folder. */
export class LocalNormalisedArticles implements NormalisedArticles {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(path: string, article: Article): Promise<void> {
    await writeAtomically(inside(this.root, path), JSON.stringify(article));
  }

  async get(path: string): Promise<Article | undefined> {
    // Read synchronously: `digest dev` gets every article at each rebuild, and one fs.promises read is a chain of
    // thread-pool round trips that costs several times the read itself (see readSourceFolder).
    const file = inside(this.root, path);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Article;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async remove(path: string): Promise<void> {
    await rm(inside(this.root, path), { force: true });
  }
}

/** The article index as one JSON file, with the same write condition as the DynamoDB table. */
export class LocalArticleIndex implements ArticleIndex {
  constructor(private readonly file: string) {}

  async get(objectId: string): Promise<ArticleIndexEntry | undefined> {
    return (await this.readAll())[objectId];
  }

  async putIfNewer(entry: ArticleIndexEntry): Promise<boolean> {
    const entries = await this.readAll();
    const stored = entries[entry.objectId];
    const newer =
      !stored ||
      stored.order < entry.order ||
      (stored.order === entry.order && stored.versionTag !== entry.versionTag);
    if (!newer) return false;
    entries[entry.objectId] = entry;
    await writeAtomically(this.file, `${JSON.stringify(entries, null, 2)}\n`);
    return true;
  }

  async listWrittenBetween(from: Date, to: Date): Promise<ArticleIndexEntry[]> {
    const [start, end] = [from.toISOString(), to.toISOString()];
    return Object.values(await this.readAll())
      .filter((entry) => entry.ingestedAt >= start && entry.ingestedAt < end)
      .sort((a, b) => compareIds(a.ingestedAt, b.ingestedAt));
  }

  private async readAll(): Promise<Record<string, ArticleIndexEntry>> {
    const text = await readFile(this.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '{}';
      throw error;
    });
    try {
      return JSON.parse(text) as Record<string, ArticleIndexEntry>;
    } catch (error) {
      throw new StorageError(`${this.file} is not a JSON article index`, { cause: error });
    }
  }
}
