// Render once, personalise many: times one MJML render of a 20-theme digest, personalise() for 10,000
// recipients, and composeMime() for a sample of them. Run: npx tsx bench/render.ts
import { templateFolder } from '../src/adapters/template-folder.ts';
import { personalise, renderDigestEmail } from '../src/core/render/email.ts';
import { composeMime } from '../src/core/render/mime.ts';
import { parseEmailSettings } from '../src/core/render/settings.ts';
import { loadTemplates } from '../src/core/render/templates.ts';
import { busyDigest } from '../tests/support/digests.ts';

const RECIPIENTS = 10_000;
const MIME_SAMPLE = 1_000;

const recipient = (i: number) => ({
  name: `Reader ${i}`,
  unsubscribeUrl: `https://digest.example.com/unsubscribe?token=${i.toString(36).padStart(40, 'x')}`,
  preferencesUrl: `https://digest.example.com/preferences?token=${i.toString(36).padStart(40, 'x')}`,
});

const templates = await loadTemplates(templateFolder());
const digest = busyDigest(20);
for (const maxThemes of [8, 20]) {
  const settings = parseEmailSettings({ maxThemes });
  let started = performance.now();
  const rendered = await renderDigestEmail(digest, templates, settings);
  const renderMs = performance.now() - started;

  started = performance.now();
  let bytes = 0;
  for (let i = 0; i < RECIPIENTS; i++) {
    const { html } = personalise(rendered, recipient(i));
    // Reading a character flattens the concatenated string, as writing it to a socket would.
    bytes += html.length + (html.charCodeAt(html.length >> 1) & 0);
  }
  const personaliseMs = performance.now() - started;

  started = performance.now();
  for (let i = 0; i < MIME_SAMPLE; i++) {
    const email = personalise(rendered, recipient(i));
    await composeMime({
      from: { name: 'News digest', address: 'digest@example.com' },
      to: `reader${i}@example.com`,
      ...email,
      listUnsubscribeUrl: recipient(i).unsubscribeUrl,
      listId: 'news.digest.example.com',
    });
  }
  const mimeMs = performance.now() - started;
  console.log(
    JSON.stringify({
      themes: digest.themes.length,
      maxThemes,
      htmlBytes: Buffer.byteLength(rendered.html),
      renderMs: Math.round(renderMs),
      [`personalise${RECIPIENTS}Ms`]: Math.round(personaliseMs),
      personalisedMB: Math.round(bytes / 1e6),
      composeMimeMsEach: Number((mimeMs / MIME_SAMPLE).toFixed(2)),
    }),
  );
}
