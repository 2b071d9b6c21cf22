// A worker thread of thread-parse-workers.ts: parses the files of a batch, taking the next index from the shared
// counter until none is left, and answers with the outcome of each index it took.
import { parentPort } from 'node:worker_threads';
import { parseArticle } from '../core/ingest/parse.ts';
import { type ParseAnswer, type ParseJob, sharedFile } from './thread-parse-workers.ts';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs as a worker thread (thread-parse-workers.ts starts it)');

port.on('message', async ({ files, next, maxBytes }: ParseJob) => {
  const counter = new Int32Array(next);
  const answer: ParseAnswer = { indices: [], outcomes: [] };
  try {
    for (let i = Atomics.add(counter, 0, 1); i < files.ids.length; i = Atomics.add(counter, 0, 1)) {
      answer.indices.push(i);
      answer.outcomes.push(await parseArticle(sharedFile(files, i), { maxBytes }));
    }
    port.postMessage(answer);
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
