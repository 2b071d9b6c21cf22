import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTemplateFiles } from '../../../src/adapters/precompiled-template-folder.ts';
import { DEFAULT_TEMPLATES_DIR } from '../../../src/adapters/template-folder.ts';
import { renderDigestEmail } from '../../../src/core/render/email.ts';
import { precompileTemplates } from '../../../src/core/render/precompile.ts';
import { parseEmailSettings } from '../../../src/core/render/settings.ts';
import { compileTemplates } from '../../../src/core/render/templates.ts';
import { buildEmailView } from '../../../src/core/render/view.ts';
import { hostileDigest, text } from '../../support/hostile-digests.ts';
import { normaliseHtml, renderedAtRunTime } from '../../support/mjml-reference.ts';

/**
 * Differential test of the precompiled email template: for seeded random digests and settings full of
 * hostile text (Unicode, Handlebars, MJML and HTML look-alikes, very long words, empty optional fields, up to
 * twelve themes), the HTML the precompiled template renders must be the document mjml renders at run time
 * from the MJML with Handlebars (the reference of precompile.test.ts).
 */
const SEED = 20261127;

const settingsArbitrary = fc.record({
  lang: fc.constantFrom('en', 'ar', 'he', 'ja', 'de-CH'),
  maxThemes: fc.integer({ min: 1, max: 20 }),
  archiveUrl: fc.option(
    fc.constantFrom('https://archive.example.com/d/1.html', 'https://bücher.example/a?b=c&d'),
    {
      nil: undefined,
    },
  ),
  reason: fc.option(
    text(3).filter((reason) => reason.trim() !== ''),
    { nil: undefined },
  ),
  postalAddress: fc.option(
    fc.array(
      text(2).filter((line) => line.trim() !== ''),
      { minLength: 1, maxLength: 3 },
    ),
    {
      nil: undefined,
    },
  ),
});

describe('precompiled template, differentially', () => {
  it('renders, for hostile digests and settings, the document mjml renders at run time', async () => {
    // Prepare
    const files = await readTemplateFiles(DEFAULT_TEMPLATES_DIR);
    const templates = compileTemplates(await precompileTemplates(files));
    const cases = fc.sample(fc.record({ digest: hostileDigest(30), settings: settingsArbitrary }), {
      seed: SEED,
      numRuns: 40,
    });

    const shapes = new Set<string>();

    for (const [c, { digest, settings: input }] of cases.entries()) {
      const settings = parseEmailSettings({
        lang: input.lang,
        maxThemes: input.maxThemes,
        footer: {
          ...(input.archiveUrl && { archiveUrl: input.archiveUrl }),
          ...(input.reason && { reason: input.reason }),
          ...(input.postalAddress && { postalAddress: input.postalAddress }),
        },
      });
      // Act: the subject and the placeholders as a send makes them, the HTML of the whole view.
      const { subject, placeholders } = await renderDigestEmail(digest, templates, settings);
      const view = { ...buildEmailView(digest, settings, placeholders), subject };
      for (const shape of ['intro', 'archiveUrl', 'unlistedThemes', 'customSubject'] as const)
        if (view[shape]) shapes.add(shape);
      if (view.themes.length === 0) shapes.add('no theme');
      if (view.moreThemes.length > 0) shapes.add('moreThemes');
      const precompiled = templates.html(view);
      const atRunTime = await renderedAtRunTime(files, view);

      // Assess
      expect(normaliseHtml(precompiled), `case ${c}: ${JSON.stringify({ digest, input })}`).toBe(
        normaliseHtml(atRunTime),
      );
    }
    // The sample holds every shape of the email, so none goes untested.
    expect([...shapes].sort()).toEqual(
      ['archiveUrl', 'customSubject', 'intro', 'moreThemes', 'no theme', 'unlistedThemes'].sort(),
    );
  });
});
