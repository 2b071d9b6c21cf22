// Cold start of one Lambda bundle in this fresh process: time until its `handler` export exists.
// Plain JavaScript, so no TypeScript loader adds to the figure. Usage: node handler-ready.mjs BUNDLE
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const started = performance.now();
const bundle = await import(pathToFileURL(process.argv[2]).href);
if (typeof bundle.handler !== 'function') throw new Error(`${process.argv[2]} exports no handler function`);
const ready = performance.now();
const cpu = process.cpuUsage();
// performance.now() counts from the start of the process; CPU time too (user + system), which a shared machine
// inflates less than wall time.
process.stdout.write(
  JSON.stringify({ readyMs: ready, importMs: ready - started, readyCpuMs: (cpu.user + cpu.system) / 1000 }),
);
