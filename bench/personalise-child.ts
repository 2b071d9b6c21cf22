// Render once and encode the MIME parts once (MimeTemplate), then one whole message per recipient: their
// values (escaped, links checked) spliced with their headers, as the sender does. Messages are measured and
// dropped, as a sender streams them out. Prints JSON.
import { performance } from 'node:perf_hooks';
import { recipientValues, renderDigestEmail } from '../src/core/render/email.ts';
import { MimeTemplate } from '../src/core/render/mime.ts';
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
let started = performance.now();
const mime = new MimeTemplate(rendered, {
  from: SAMPLE_SENDER,
  subject: rendered.subject,
  listId: SAMPLE_LIST_ID,
  headers: { 'X-Digest-Id': 'bench' },
});
const encodeOnceMs = performance.now() - started;
started = performance.now();
let mimeBytes = 0;
for (let i = 0; i < recipients; i++) {
  const reader = recipient(i);
  const message = mime.build(
    {
      to: { name: reader.name, address: `reader${i}@example.com` },
      listUnsubscribeUrl: reader.unsubscribeUrl,
      messageId: `<bench.${i}@example.com>`,
    },
    recipientValues(reader),
  );
  mimeBytes += message.length;
}
const perRecipientMs = performance.now() - started;
const cpuTotal = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
process.stdout.write(
  JSON.stringify({
    recipients,
    htmlBytes: Buffer.byteLength(rendered.html),
    encodeOnceMs,
    perRecipientMs,
    totalMs: encodeOnceMs + perRecipientMs,
    cpuMs: cpuTotal(process.cpuUsage(cpuBefore)),
    mimeMiB: mimeBytes / 2 ** 20,
    peakRssMiB: peakRssMiB(),
    peakRssGrowthMiB: peakRssMiB() - rssBefore,
    heapGrowthMiB: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20,
  }),
);
