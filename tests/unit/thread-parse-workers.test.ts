import { readdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ThreadParseWorkers, withParseWorkers } from '../../src/adapters/thread-parse-workers.ts';
import type { SourceFile } from '../../src/core/article.ts';
import { parseArticle } from '../../src/core/ingest/parse.ts';
import { parseFiles } from '../../src/core/parse-files.ts';
import { sourceFile } from '../support/articles.ts';

// Every format and every kind of skip the fixtures have, several times over so each thread takes some, and a file
// whose bytes could not be read and one with a Content-Type: what a thread must hand back as one thread would.
const fixtures = (dir: string, prefix = '') =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => sourceFile(`${dir}/${entry.name}`, `${prefix}${entry.name}`));
const batch: SourceFile[] = [1, 2, 3].flatMap((copy) => [
  ...fixtures('tests/fixtures/articles', `${copy}/`),
  ...fixtures('tests/fixtures/articles/bad', `${copy}/bad/`),
]);
batch.push({ id: 'unreadable.txt', bytes: new Uint8Array(), readError: 'EACCES: permission denied' });
batch.push({ ...sourceFile('tests/fixtures/articles/page.html'), id: 'typed', contentType: 'text/html' });

describe('parsing on worker threads', () => {
  it('gives every file the outcome one thread gives it, in the same order', async () => {
    // Prepare: this thread parses slowly, so the worker threads take files too.
    const alone = await parseFiles(batch);
    const workers = new ThreadParseWorkers({ threads: 2 });
    let here = 0;
    const slowly = async (file: SourceFile) => {
      here++;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return parseArticle(file);
    };

    // Act
    const outcomes = await workers.parseAll(batch, undefined, slowly).finally(() => workers.close());

    // Assess
    expect(here).toBeLessThan(batch.length);
    expect(outcomes).toEqual(await Promise.all(batch.map((file) => parseArticle(file))));
    expect(await parseFiles(batch, { parseWorkers: { parseAll: async () => outcomes } })).toEqual(alone);
    expect(alone.skipped.map((s) => s.id)).toContain('unreadable.txt');
  });

  it('shares the files a bounded batch at a time, and skips a file over the size limit here', async () => {
    // Prepare
    const workers = new ThreadParseWorkers({ threads: 1, sharedBatchBytes: 20_000 });
    const maxArticleBytes = 2_000;

    // Act
    const threaded = await parseFiles(batch, { maxArticleBytes, parseWorkers: workers }).finally(() =>
      workers.close(),
    );

    // Assess
    expect(threaded).toEqual(await parseFiles(batch, { maxArticleBytes }));
    expect(threaded.skipped.some((s) => /bytes/.test(s.reason))).toBe(true);
  });

  it('parses on this thread what a failed thread took, and reports the failure', async () => {
    // Prepare: one thread that exits at once, as one that ran out of memory would.
    const failures: unknown[] = [];
    const workers = new ThreadParseWorkers({
      threads: 1,
      startWorker: () => new Worker('process.exit(3)', { eval: true }),
      onFailure: (error) => failures.push(error),
    });

    // Act
    const threaded = await parseFiles(batch, { parseWorkers: workers }).finally(() => workers.close());

    // Assess
    expect(threaded).toEqual(await parseFiles(batch));
    expect(failures).toHaveLength(1);
    expect(String((failures[0] as Error).cause)).toMatch(/exited with code 3/);
  });

  it('starts threads only for enough HTML, and stops them after', async () => {
    // Prepare
    const html = batch.filter((file) => file.id.endsWith('.html'));
    const bytes = html.reduce((sum, file) => sum + file.bytes.length, 0);
    const given: unknown[] = [];
    const parse = async (workers?: unknown) => given.push(workers);

    // Act
    await withParseWorkers(batch, parse, { threads: 1, minHtmlBytes: bytes + 1 });
    await withParseWorkers(batch, parse, { threads: 1, minHtmlBytes: bytes });
    await withParseWorkers(batch, parse, { threads: 0, minHtmlBytes: 0 });

    // Assess
    expect(given[0]).toBeUndefined();
    expect(given[1]).toBeInstanceOf(ThreadParseWorkers);
    expect(given[2]).toBeUndefined();
  });
});
