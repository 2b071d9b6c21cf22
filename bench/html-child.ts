// Generated news pages (bench/corpus.ts generateHtmlPages) read as a build reads a folder of them (parseFiles),
// in a fresh process so its peak RSS is its own: one page after another, or (`threads`) on worker threads too,
// as `digest build` parses a folder of 4 MiB or more of HTML (withParseWorkers; here whatever the size). Prints
// JSON: one line of the HTML pages section.

import { performance } from 'node:perf_hooks';
import { defaultThreads, withParseWorkers } from '../src/adapters/thread-parse-workers.ts';
import { parseFiles } from '../src/core/parse-files.ts';
import { generateHtmlPages, loadEventStories } from './corpus.ts';
import { peakRssMiB } from './stats.ts';

const pages = Number(process.argv[2]);
const evalDir = process.argv[3] ?? '../shared/eval';
const threaded = process.argv[4] === 'threads';
const files = generateHtmlPages(loadEventStories(evalDir), pages);
const bytes = files.reduce((sum, file) => sum + file.bytes.length, 0);
const rssBefore = peakRssMiB();

const cpuBefore = process.cpuUsage();
const started = performance.now();
// The first page also loads the HTML reader (linkedom, Readability), as in a build; so does each thread.
const { articles, skipped } = threaded
  ? await withParseWorkers(files, (parseWorkers) => parseFiles(files, { parseWorkers }), { minHtmlBytes: 0 })
  : await parseFiles(files);
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;

process.stdout.write(
  JSON.stringify({
    how: threaded ? `with ${defaultThreads()} worker thread(s) too` : 'one page after another',
    pages,
    kbPerPage: bytes / 1024 / pages,
    ms,
    cpuMs,
    msPerPage: ms / pages,
    cpuMsPerPage: cpuMs / pages,
    peakRssMiB: peakRssMiB(),
    pagesMiB: bytes / 2 ** 20,
    rssBeforeMiB: rssBefore,
    parsed: articles.length,
    skipped: skipped.length,
  }),
);
