// Sending: 10,000 personalised messages the way the send worker builds them (render once, then per
// recipient signed links, personalise and the MIME build), time and memory, in a fresh process.
// Run alone: npx tsx bench/sending.ts [messages]; `npm run bench` calls sendingSection().
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { templateFolder } from '../src/adapters/template-folder.ts';
import { parseEmailSettings } from '../src/core/render/settings.ts';
import { loadTemplates } from '../src/core/render/templates.ts';
import { DigestMessages } from '../src/core/sending/message.ts';
import { TokenSigner } from '../src/core/signed-links.ts';
import { createSubscriber } from '../src/core/subscribers/subscriber.ts';
import { busyDigest } from '../tests/support/digests.ts';

export interface SendingFigure {
  messages: number;
  firstMessageMs: number;
  totalMs: number;
  perMessageMs: number;
  megabytes: number;
  peakRssMiB: number;
}

async function measure(count: number): Promise<SendingFigure> {
  const key = { id: 'k1', secret: Buffer.from('bench-key-0123456789abcdefghijklmnopqrstuvwxyz') };
  const messages = new DigestMessages({
    templates: await loadTemplates(templateFolder()),
    settings: parseEmailSettings({}),
    signer: new TokenSigner({ keys: async () => ({ current: key, all: [key] }) }),
    identity: {
      from: { name: 'Morning Brief', address: 'digest@news.example.com' },
      replyTo: 'editors@news.example.com',
      listId: 'morning.news.example.com',
      listName: 'Morning Brief',
      linkBase: 'https://subscribe.news.example.com',
    },
  });
  const digest = busyDigest(20);
  const now = new Date('2026-11-23T07:00:00Z');
  const consent = { source: 'cli' as const, at: now.toISOString() };
  let bytes = 0;
  let firstMessageMs = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const subscriber = createSubscriber(
      { email: `reader${i}@mail.example.com`, name: `Reader ${i}`, consent, confirmed: true },
      now,
    );
    const raw = await messages.build('2026-11-23.daily', digest, subscriber, now);
    bytes += raw?.length ?? 0;
    if (i === 0) firstMessageMs = performance.now() - started;
  }
  const totalMs = performance.now() - started;
  return {
    messages: count,
    firstMessageMs,
    totalMs,
    perMessageMs: (totalMs - firstMessageMs) / Math.max(count - 1, 1),
    megabytes: bytes / 2 ** 20,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/** Runs the measurement in a child process (so the memory figure is its own) and prints the section. */
export function sendingSection(count = Number(process.env.BENCH_SEND_MESSAGES ?? 10_000)): SendingFigure {
  const stdout = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), String(count)],
    {
      encoding: 'utf8',
    },
  );
  const figure = JSON.parse(stdout) as SendingFigure;
  console.log(
    '\nSending: personalised messages (render once; per recipient signed links, personalise, MIME)',
  );
  console.log(
    `  ${figure.messages} messages: ${(figure.totalMs / 1000).toFixed(1)} s in all, first (with the render) ` +
      `${figure.firstMessageMs.toFixed(0)} ms, then ${figure.perMessageMs.toFixed(2)} ms each; ` +
      `${figure.megabytes.toFixed(0)} MiB of MIME; peak RSS ${figure.peakRssMiB.toFixed(0)} MiB`,
  );
  return figure;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 10_000);
  const figure = await measure(count);
  // As a child of sendingSection the figure goes to stdout as JSON.
  console.log(process.stdout.isTTY ? figure : JSON.stringify(figure));
}
