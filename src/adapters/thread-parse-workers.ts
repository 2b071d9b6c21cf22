import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ParseOutcome, SourceFile } from '../core/article.ts';
import { DigestError } from '../core/errors.ts';
import { DEFAULT_MAX_ARTICLE_BYTES } from '../core/ingest/parse.ts';
import type { ParseWorkers } from '../core/ports/parse-workers.ts';

export interface ParseWorkersOptions {
  /** Worker threads. @default one per core beyond this thread's, at most MAX_PARSE_THREADS */
  threads?: number;
  /** Told why a thread failed; its files are then parsed on this thread. @default warnFailure */
  onFailure?: (error: unknown) => void;
  /** Starts one worker thread. @default parse-worker.ts's (tests start others) */
  startWorker?: () => Worker;
  /** Bytes of files shared with the threads at a time: memory for them stays bounded however big the folder. @default 64 MiB */
  sharedBatchBytes?: number;
}

/** A batch of files as one worker thread reads them: every file's bytes in one shared buffer, none copied per thread. */
export interface SharedFiles {
  bytes: SharedArrayBuffer;
  /** File i is `bytes[starts[i] .. starts[i + 1])`. */
  starts: number[];
  ids: string[];
  contentTypes: (string | undefined)[];
  readErrors: (string | undefined)[];
  sizes: (number | undefined)[];
}

/** One batch for a worker thread: it parses files by taking the next index from `next` until none is left. */
export interface ParseJob {
  files: SharedFiles;
  /** One Int32: the next file index to parse, shared by every thread of the batch. */
  next: SharedArrayBuffer;
  maxBytes: number | undefined;
}

/** What a worker thread parsed: the outcome of each file index it took. */
export interface ParseAnswer {
  indices: number[];
  outcomes: ParseOutcome[];
}

/** File `index` of a shared batch, its bytes copied out of the shared buffer (a decoder may refuse shared memory). */
export function sharedFile(files: SharedFiles, index: number): SourceFile {
  const start = files.starts[index] as number;
  const file: SourceFile = {
    id: files.ids[index] as string,
    bytes: new Uint8Array(files.bytes, start, (files.starts[index + 1] as number) - start).slice(),
  };
  const contentType = files.contentTypes[index];
  const readError = files.readErrors[index];
  if (contentType !== undefined) file.contentType = contentType;
  if (readError !== undefined) file.readError = readError;
  const size = files.sizes[index];
  if (size !== undefined) file.size = size;
  return file;
}

/**
 * Worker threads that parse files beside this one (parse-worker.ts). Every thread, this one included, takes the
 * next file of a batch from one shared counter, so the threads balance themselves whatever each file costs, and
 * each outcome lands at its file's index: the batch comes out as parsed on one thread. The files' bytes are
 * copied into shared memory once for all threads, a bounded batch at a time.
 */
export class ThreadParseWorkers implements ParseWorkers {
  private readonly threads: ParseThread[] = [];
  private readonly onFailure: (error: unknown) => void;
  private readonly sharedBatchBytes: number;

  constructor(options: ParseWorkersOptions = {}) {
    this.onFailure = options.onFailure ?? warnFailure;
    this.sharedBatchBytes = options.sharedBatchBytes ?? 64 * 1024 * 1024;
    const start = options.startWorker ?? startWorker;
    for (let i = 0; i < (options.threads ?? defaultThreads()); i++) {
      try {
        this.threads.push(new ParseThread(start()));
      } catch (error) {
        this.onFailure(new DigestError('a parse worker thread did not start', { cause: error }));
      }
    }
  }

  async parseAll(
    files: readonly SourceFile[],
    maxBytes: number | undefined,
    here: (file: SourceFile) => Promise<ParseOutcome>,
  ): Promise<ParseOutcome[]> {
    const outcomes = new Array<ParseOutcome>(files.length);
    const limit = maxBytes ?? DEFAULT_MAX_ARTICLE_BYTES;
    // Batches of at most sharedBatchBytes in shared memory; a file over the size limit is skipped for its size
    // alone, here, and never copied.
    let batch: number[] = [];
    let bytes = 0;
    for (const [i, file] of files.entries()) {
      if ((file.size ?? file.bytes.length) > limit) {
        outcomes[i] = await here(file);
        continue;
      }
      if (bytes + file.bytes.length > this.sharedBatchBytes && batch.length > 0) {
        await this.parseBatch(files, batch, maxBytes, here, outcomes);
        batch = [];
        bytes = 0;
      }
      batch.push(i);
      bytes += file.bytes.length;
    }
    if (batch.length > 0) await this.parseBatch(files, batch, maxBytes, here, outcomes);
    return outcomes;
  }

  /** Parses files `indices` on every thread into `outcomes`. */
  private async parseBatch(
    files: readonly SourceFile[],
    indices: readonly number[],
    maxBytes: number | undefined,
    here: (file: SourceFile) => Promise<ParseOutcome>,
    outcomes: ParseOutcome[],
  ): Promise<void> {
    const batch = indices.map((i) => files[i] as SourceFile);
    const parsed = new Array<ParseOutcome | undefined>(batch.length);
    const next = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const counter = new Int32Array(next);
    const job: ParseJob = { files: shareFiles(batch), next, maxBytes };
    // Settled, not awaited: a thread that fails while this one parses is never an unhandled rejection.
    const answers = Promise.allSettled(this.threads.map((thread) => thread.run(job)));
    for (let k = Atomics.add(counter, 0, 1); k < batch.length; k = Atomics.add(counter, 0, 1))
      parsed[k] = await here(batch[k] as SourceFile);
    for (const answer of await answers) {
      if (answer.status === 'rejected') this.onFailure(answer.reason);
      else
        answer.value.indices.forEach((k, n) => {
          parsed[k] = answer.value.outcomes[n];
        });
    }
    // A thread that failed (it ran out of memory, or exited) answered none of its files: they are parsed here.
    for (const [k, i] of indices.entries()) outcomes[i] = parsed[k] ?? (await here(batch[k] as SourceFile));
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((thread) => thread.stop()));
  }
}

/** Worker threads at most: each is a JavaScript engine of its own, with its own heap of parsed pages. */
export const MAX_PARSE_THREADS = 4;

/** A Node process warning (stderr, once per failure): the batch still comes out whole, parsed here instead. */
function warnFailure(error: unknown): void {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  process.emitWarning(
    `${error instanceof Error ? error.message : String(error)}${cause}; its files were parsed on the main thread`,
    'ParseThreadWarning',
  );
}

/** The worker threads started by default: one per core beyond this thread's, at most MAX_PARSE_THREADS. */
export const defaultThreads = () => Math.min(availableParallelism() - 1, MAX_PARSE_THREADS);

/** One copy of every file's bytes in shared memory, and what else a SourceFile holds. */
function shareFiles(files: readonly SourceFile[]): SharedFiles {
  const starts = [0];
  for (const file of files) starts.push((starts.at(-1) as number) + file.bytes.length);
  const bytes = new SharedArrayBuffer(starts.at(-1) as number);
  const view = new Uint8Array(bytes);
  for (const [i, file] of files.entries()) view.set(file.bytes, starts[i]);
  return {
    bytes,
    starts,
    ids: files.map((file) => file.id),
    contentTypes: files.map((file) => file.contentType),
    readErrors: files.map((file) => file.readError),
    sizes: files.map((file) => file.size),
  };
}

/** One worker thread running parse-worker.ts, one batch at a time. */
class ParseThread {
  private alive = true;

  constructor(private readonly worker: Worker) {
    // Referenced only while a batch runs, so an idle thread never keeps the process open.
    this.worker.unref();
    this.worker.on('exit', () => {
      this.alive = false;
    });
    // A failure between batches shows at the next batch, as the thread has exited.
    this.worker.on('error', () => {});
  }

  /** Sends a batch and waits for what the thread parsed of it; a thread that fails or exits meanwhile fails it. */
  run(job: ParseJob): Promise<ParseAnswer> {
    const { worker } = this;
    return new Promise((resolve, reject) => {
      const settle = () => {
        worker.off('message', answered).off('error', failed).off('exit', exited).unref();
      };
      const failed = (cause: unknown) => {
        settle();
        reject(new DigestError('a parse worker thread failed', { cause }));
      };
      const exited = (code: number) => failed(new Error(`the thread exited with code ${code}`));
      const answered = (answer: ParseAnswer | { error: string }) => {
        if ('error' in answer) return failed(new Error(answer.error));
        settle();
        resolve(answer);
      };
      if (!this.alive) return failed(new Error('the thread had exited'));
      worker.ref();
      worker.once('message', answered).once('error', failed).once('exit', exited);
      worker.postMessage(job);
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The worker's module: parse-worker.js beside this module's bundle in the built CLI (scripts/build-cli.ts puts it
 * there); the TypeScript source through tsx when the sources run (tests, tsx).
 */
function startWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', self), PARSE_THREAD_OPTIONS);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./parse-worker.ts', self).href);
  return new Worker(`import(${tsx}).then((tsx) => tsx.tsImport(${entry}, ${JSON.stringify(self)}))`, {
    ...PARSE_THREAD_OPTIONS,
    eval: true,
  });
}

/**
 * Each thread's heap is bounded: left to itself, V8 let a parse thread's heap grow by about 200 MB over 300 news
 * pages, garbage mostly, where this bound keeps it to about 25 MB more than one thread's build. A page too big for
 * it fails that thread, and its files are parsed on the main thread.
 */
const PARSE_THREAD_OPTIONS = { resourceLimits: { maxOldGenerationSizeMb: 256 } };

/**
 * HTML files' bytes from which a batch is parsed with worker threads too: about 40 news pages. A thread starts
 * cold (it loads the readers and compiles them again), and on 2 cores it paid that back from about this much:
 * 32 pages took as long either way, 64 and 128 pages 5 to 25 % less time, 1,000 pages 40 % less
 * (docs/benchmarks.md, HTML pages).
 */
export const THREADED_PARSE_HTML_BYTES = 4 * 1024 * 1024;

/**
 * Runs `parse` with worker threads when the files are worth them, and stops the threads after. HTML is what
 * makes them worth it: a news page costs tens of milliseconds (a DOM and Readability), a plain-text article a
 * fraction of one, so a batch of those gains less from a second thread than the thread costs to start
 * (docs/benchmarks.md).
 */
export async function withParseWorkers<T>(
  files: readonly SourceFile[],
  parse: (workers?: ParseWorkers) => Promise<T>,
  options: ParseWorkersOptions & {
    /** HTML bytes from which threads are started. @default THREADED_PARSE_HTML_BYTES */
    minHtmlBytes?: number;
  } = {},
): Promise<T> {
  const threads = options.threads ?? defaultThreads();
  const html = files.reduce((sum, file) => sum + (isHtml(file) ? file.bytes.length : 0), 0);
  if (threads < 1 || html < (options.minHtmlBytes ?? THREADED_PARSE_HTML_BYTES)) return parse();
  const workers = new ThreadParseWorkers({ ...options, threads });
  try {
    return await parse(workers);
  } finally {
    await workers.close();
  }
}

const isHtml = (file: SourceFile) => HTML_EXTENSIONS.has(extname(file.id).toLowerCase());
const HTML_EXTENSIONS = new Set(['.html', '.htm']);
