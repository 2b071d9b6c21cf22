// Cold start of one Lambda bundle in this fresh process: time until its `handler` export exists and, given an event,
// how long the first invocation then takes (what a handler defers from its import to its first call shows here).
// Plain JavaScript, so no TypeScript loader adds to the figure. Usage: node handler-ready.mjs BUNDLE [EVENT_JSON]
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const cpuMs = () => {
  const cpu = process.cpuUsage();
  return (cpu.user + cpu.system) / 1000;
};

const started = performance.now();
const bundle = await import(pathToFileURL(process.argv[2]).href);
if (typeof bundle.handler !== 'function') throw new Error(`${process.argv[2]} exports no handler function`);
const ready = performance.now();
const readyCpuMs = cpuMs();
// performance.now() counts from the start of the process; CPU time too (user + system), which a shared machine
// inflates less than wall time.
const figures = { readyMs: ready, importMs: ready - started, readyCpuMs };

if (process.argv[3]) {
  // The bench points the SDK at a closed local port: the call ends at its first AWS request, refused at once.
  let outcome = 'returned';
  try {
    await bundle.handler(JSON.parse(process.argv[3]), {});
  } catch (error) {
    outcome = `threw ${error?.name ?? 'error'}${error?.code ? ` (${error.code})` : ''}`;
  }
  Object.assign(figures, {
    firstCallMs: performance.now() - ready,
    firstCallCpuMs: cpuMs() - readyCpuMs,
    firstCallOutcome: outcome,
  });
}
// The last line of stdout: a handler's own logs (Powertools writes JSON lines to stdout) come before it.
process.stdout.write(`\n${JSON.stringify(figures)}\n`);
