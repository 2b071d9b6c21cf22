// Render once, then one whole message per recipient: personalise() and composeMime(), as the sender does.
// Messages are measured and dropped, as a sender streams them out. Prints JSON.
import { performance } from 'node:perf_hooks';
import { personalise, renderDigestEmail } from '../src/core/render/email.ts';
import { composeMime } from '../src/core/render/mime.ts';
import { SAMPLE_LIST_ID, SAMPLE_SENDER } from '../src/core/render/sample.ts';
import { emailInput } from './email-input.ts';
import { countFromEnv, peakRssMiB } from './stats.ts';

const recipients = countFromEnv('BENCH_RECIPIENTS', 10_000);
const recipient = (i: number) => ({
  name: `Reader ${i}`,
  unsubscribeUrl: `https://digest.example.com/unsubscribe?token=${i.toString(36).padStart(40, 'x')}`,
  preferencesUrl: `https://digest.example.com/preferences?token=${i.toString(36).padStart(40, 'x')}`,
});

const { digest, templates, settings } = await emailInput();
const rendered = await renderDigestEmail(digest, templates, settings);
const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = peakRssMiB();

const cpuBefore = process.cpuUsage();
let personaliseMs = 0;
let mimeMs = 0;
let mimeBytes = 0;
for (let i = 0; i < recipients; i++) {
  const reader = recipient(i);
  let started = performance.now();
  const email = personalise(rendered, reader);
  personaliseMs += performance.now() - started;
  started = performance.now();
  const message = await composeMime({
    from: SAMPLE_SENDER,
    to: `reader${i}@example.com`,
    ...email,
    listUnsubscribeUrl: reader.unsubscribeUrl,
    listId: SAMPLE_LIST_ID,
  });
  mimeMs += performance.now() - started;
  mimeBytes += message.length;
}
const cpuTotal = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
process.stdout.write(
  JSON.stringify({
    recipients,
    htmlBytes: Buffer.byteLength(rendered.html),
    personaliseMs,
    mimeMs,
    totalMs: personaliseMs + mimeMs,
    cpuMs: cpuTotal(process.cpuUsage(cpuBefore)),
    mimeMiB: mimeBytes / 2 ** 20,
    peakRssMiB: peakRssMiB(),
    peakRssGrowthMiB: peakRssMiB() - rssBefore,
    heapGrowthMiB: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20,
  }),
);
