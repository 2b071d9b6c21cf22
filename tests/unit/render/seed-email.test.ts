/**
 * The golden seed email: the HTML and text parts `npm start` makes from seeds/, reviewed by a person and kept
 * in __snapshots__/. A change to ingest, themes, summaries or templates that changes the email fails here
 * until the new email is reviewed. After reviewing (open __snapshots__/seed-email.html in a browser, read
 * seed-email.txt), regenerate both with one command:
 *
 *   npx vitest run -u tests/unit/render/seed-email.test.ts
 */
import { basename } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSourceFolder } from '../../../src/adapters/local-files.ts';
import { templateFolder } from '../../../src/adapters/template-folder.ts';
import type { Digest } from '../../../src/core/digest.ts';
import { buildDigest } from '../../../src/core/digest-from-files.ts';
import { renderSampleEmail, type SampleEmail } from '../../../src/core/render/sample.ts';
import { parseEmailSettings } from '../../../src/core/render/settings.ts';
import { loadTemplates } from '../../../src/core/render/templates.ts';

// A fixed clock and settings: the snapshot changes only when the email does.
const BUILT_AT = new Date('2026-03-01T07:00:00Z');
const settings = parseEmailSettings({
  lang: 'en-GB',
  footer: {
    reason: 'You receive this digest because you subscribed on example.com and confirmed your address.',
    postalAddress: ['Example Media Ltd', '1 Example Street', 'London N1 1AA'],
    archiveUrl: 'https://archive.example.com/digests/2026-03-01/digest.html',
  },
});

let ids: string[];
let digest: Digest;
let email: SampleEmail;
beforeAll(async () => {
  const files = await readSourceFolder('seeds');
  ids = files.map((f) => f.id);
  digest = await buildDigest(files, { now: () => BUILT_AT });
  email = await renderSampleEmail(digest, await loadTemplates(templateFolder()), settings);
});

describe('the seed email', () => {
  it('matches the reviewed HTML and text', async () => {
    await expect(email.html).toMatchFileSnapshot('__snapshots__/seed-email.html');
    await expect(email.text).toMatchFileSnapshot('__snapshots__/seed-email.txt');
  });

  it('reads as a briefing: headline subject, named or numbered sources, no file names', () => {
    expect(email.rendered.subject.startsWith(digest.themes[0]?.label ?? '?')).toBe(true);
    expect(email.rendered.subject).not.toMatch(/^News digest:/);
    for (const part of [email.html, email.text]) {
      for (const id of ids) {
        expect(part).not.toContain(id);
        expect(part).not.toContain(basename(id, '.txt'));
      }
    }
    // 001 and 003 open with their lead sentence, not a headline: never listed by it.
    const sourcesBlock = email.text.split('Sources:')[1] ?? '';
    expect(sourcesBlock).not.toContain('The Defense Minister of Pakistan Khawaja Asif outlined');
    expect(Buffer.byteLength(email.html)).toBeLessThan(100 * 1000);
  });
});
