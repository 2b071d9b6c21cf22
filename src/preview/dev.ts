import { type FSWatcher, watch } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { isHiddenPath, listVisibleFiles } from '../adapters/local-files.ts';
import {
  LocalArticleIndex,
  LocalNormalisedArticles,
  LocalUploadedObjects,
} from '../adapters/local-ingest-store.ts';
import { LOCAL_BUCKET, type LocalObjectChange, localS3QueueEvent } from '../adapters/local-s3-events.ts';
import { noMetrics, powertoolsLogger } from '../adapters/powertools-observability.ts';
import type { Article } from '../core/article.ts';
import type { Skipped } from '../core/digest.ts';
import type { Logger } from '../core/ports/logger.ts';
import { redactAddresses } from '../core/redact-addresses.ts';
import { UploadIngest } from '../core/upload-ingest.ts';
import { createIngestQueueHandler } from '../handlers/ingest.ts';
import { type PreviewServer, type PreviewServerOptions, startPreviewServer } from './server.ts';
import type { StudioSources } from './studio.ts';
import type { CollectedArticles } from './studio-memo.ts';

export interface DevStudioOptions extends Omit<PreviewServerOptions, 'sources'> {
  /** The folder editors drop articles into: it stands for the upload bucket. */
  watchDir: string;
  /** Where the locally ingested articles and their index are kept. */
  stateDir: string;
  sources: Omit<StudioSources, 'inputDir' | 'collectArticles'>;
  /** Largest accepted file, as the Lambda's MAX_ARTICLE_BYTES. @default 1 MiB */
  maxArticleBytes?: number;
  /** The ingest handler's log. @default Powertools JSON lines on stdout, as in Lambda */
  log?: Logger;
}

export interface DevStudio {
  preview: PreviewServer;
  /** Resolves when every change seen so far has been ingested. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Changes closer together than this go to the handler as one batch (an editor copies several files at once). */
const SETTLE_MS = 100;
/** After every real ingest time, so a window reads the whole local index. */
const END_OF_TIME = new Date('9999-12-31T23:59:59.999Z');

/**
 * `digest dev`: the editor's upload flow without AWS. A file dropped, changed or deleted in `watchDir` becomes an
 * S3 event notification in an SQS batch for the ingest Lambda's own handler (createIngestQueueHandler and
 * UploadIngest, as functions/ingest.ts wires them), working on local files instead of S3 and DynamoDB; the
 * preview studio then shows the digest built from what was ingested, and the rejections with their reasons.
 */
export async function startDevStudio(options: DevStudioOptions): Promise<DevStudio> {
  const watchDir = resolve(options.watchDir);
  const objects = new LocalUploadedObjects(watchDir, { maxBytes: options.maxArticleBytes });
  const articles = new LocalNormalisedArticles(join(options.stateDir, 'articles'));
  const index = new LocalArticleIndex(join(options.stateDir, 'index.json'));
  const log = options.log ?? powertoolsLogger('ingest');
  const handler = createIngestQueueHandler({
    ingest: new UploadIngest(objects, articles, index, { maxArticleBytes: options.maxArticleBytes }),
    bucket: LOCAL_BUCKET,
    log,
    // Counts only CloudWatch would read.
    metrics: noMetrics,
  });

  const collectArticles = async (): Promise<CollectedArticles> => {
    const found: Article[] = [];
    const skipped: Skipped[] = [];
    for (const entry of await index.listWrittenBetween(new Date(0), END_OF_TIME)) {
      if (entry.status === 'ingested' && entry.articlePath) {
        // Gone when a change replaced it since the index was read: that change's rebuild follows.
        const article = await articles.get(entry.articlePath);
        if (article) found.push(article);
      } else if (entry.status === 'rejected')
        skipped.push({ id: entry.key, reason: entry.reason ?? 'rejected' });
    }
    return { articles: found, skipped };
  };

  // Set once the catch-up below is ingested, so the first build already shows it.
  let preview: PreviewServer | undefined;
  /** Batches ingested so far: one ingested while the studio's first build runs is built after it. */
  let ingested = 0;
  // One batch at a time, in the order the changes were seen, as one SQS poller delivers them.
  let queue = Promise.resolve();
  const ingest = (keys: readonly string[]) => {
    queue = queue.then(async () => {
      const changes = await changesFor(keys);
      if (changes.length === 0) return;
      await handler(localS3QueueEvent(changes));
      ingested++;
      preview?.refresh();
    });
    // A broken local store fails this batch only; the next change tries again.
    queue = queue.catch((error: Error) =>
      log.error('local ingest failed', { error: error.name, detail: redactAddresses(error.message) }),
    );
    return queue;
  };

  /** What each key is now: a file (created), a folder (its files created) or nothing (it and below removed). */
  const changesFor = async (keys: readonly string[]): Promise<LocalObjectChange[]> => {
    const changes: LocalObjectChange[] = [];
    const stored = await index.listWrittenBetween(new Date(0), END_OF_TIME);
    for (const key of new Set(keys)) {
      const info = await stat(join(watchDir, key)).catch(() => undefined);
      // A link to a folder is not walked, as the catch-up's listing walks none: one to a home folder (or /) would
      // be read whole, a change for each of its files.
      const linked = await lstat(join(watchDir, key)).then(
        (entry) => entry.isSymbolicLink(),
        () => false,
      );
      if (info?.isFile()) changes.push({ kind: 'created', key, size: info.size });
      else if (info?.isDirectory() && !linked) {
        for (const file of await listVisibleFiles(join(watchDir, key)))
          changes.push({ kind: 'created', key: keyOf(file) });
      } else {
        for (const entry of stored) {
          const gone = entry.key === key || entry.key.startsWith(`${key}/`);
          if (gone && entry.status !== 'retracted') changes.push({ kind: 'removed', key: entry.key });
        }
      }
    }
    return changes;
  };
  const keyOf = (path: string) => relative(watchDir, path).split(sep).join('/');

  // Watching starts before the catch-up, so nothing changed in between is missed.
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(watchDir, { recursive: true }, (_event, name) => {
    if (!name || isHiddenPath(name)) return;
    pending.add(name.split(sep).join('/'));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const keys = [...pending];
      pending = new Set();
      void ingest(keys);
    }, SETTLE_MS);
  });

  // Catch up with what changed while nobody was watching: every file now, and every key that is gone.
  const present = (await listVisibleFiles(watchDir)).map(keyOf);
  const known = (await index.listWrittenBetween(new Date(0), END_OF_TIME)).map((entry) => entry.key);
  const presentKeys = new Set(present);
  await ingest([...present, ...known.filter((key) => !presentKeys.has(key))]);

  const ingestedBefore = ingested;
  try {
    preview = await startPreviewServer({
      ...options,
      sources: { ...options.sources, inputDir: watchDir, collectArticles },
    });
  } catch (error) {
    watcher.close();
    throw error;
  }
  if (ingested !== ingestedBefore) preview.refresh();

  return {
    preview,
    async settled() {
      // Changes seen but still in their settle window are handed over first.
      while (pending.size > 0) await new Promise((done) => setTimeout(done, SETTLE_MS / 4));
      await queue;
    },
    async close() {
      clearTimeout(timer);
      watcher.close();
      await queue;
      await preview.close();
    },
  };
}
