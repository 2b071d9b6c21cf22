import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { readTemplateFiles } from '../../../src/adapters/precompiled-template-folder.ts';
import { DEFAULT_TEMPLATES_DIR } from '../../../src/adapters/template-folder.ts';
import { TemplateError } from '../../../src/core/errors.ts';
import { renderDigestEmail } from '../../../src/core/render/email.ts';
import { precompileTemplates } from '../../../src/core/render/precompile.ts';
import { parseEmailSettings } from '../../../src/core/render/settings.ts';
import { compileTemplates, MJML_TEMPLATE } from '../../../src/core/render/templates.ts';
import { buildEmailView } from '../../../src/core/render/view.ts';
import { busyDigest } from '../../support/digests.ts';
import { normaliseHtml, renderedAtRunTime } from '../../support/mjml-reference.ts';

describe('precompileTemplates', () => {
  it('renders what mjml renders at run time, for digests of every shape', async () => {
    // Prepare
    const files = await readTemplateFiles(DEFAULT_TEMPLATES_DIR);
    const templates = compileTemplates(await precompileTemplates(files));

    for (const themes of [0, 1, 3, 25]) {
      for (const archiveUrl of [undefined, 'https://archive.example.com/d/1.html']) {
        for (const webPage of [false, true]) {
          const settings = parseEmailSettings(archiveUrl ? { footer: { archiveUrl } } : {});
          const digest = busyDigest(themes);
          // Act
          const rendered = await renderDigestEmail(digest, templates, settings, { webPage });
          const view = buildEmailView(digest, settings, rendered.placeholders, webPage);
          const before = await renderedAtRunTime(files, { ...view, subject: rendered.subject });

          // Assess
          expect(normaliseHtml(rendered.html)).toBe(normaliseHtml(before));
        }
      }
    }
  });

  it('precompiles any template: partials with a context, blocks around sections and inside attributes', async () => {
    // Prepare
    const files = new Map([
      [
        MJML_TEMPLATE,
        `<mjml><mj-body>{{#each groups}}{{> group this}}{{/each}}{{#if note}}<mj-section><mj-column><mj-text>{{note}}</mj-text></mj-column></mj-section>{{/if}}</mj-body></mjml>`,
      ],
      [
        'partials/group.mjml.hbs',
        `<mj-section css-class="{{kind}}"><mj-column><mj-button href="{{url}}">{{name}}</mj-button></mj-column></mj-section>`,
      ],
    ]);
    const view = {
      groups: [
        { kind: 'a', url: 'https://a.example.com/?x=1&y=2', name: 'A & <b>' },
        { kind: 'b', url: 'https://b.example.com/', name: 'B' },
      ],
      note: 'Note <i>',
    };

    // Act
    const html = Handlebars.create().compile((await precompileTemplates(files)).get('digest.html.hbs'))(view);

    // Assess
    expect(normaliseHtml(html)).toBe(normaliseHtml(await renderedAtRunTime(files, view)));
    expect(html).toContain('A &amp; &lt;b&gt;');
  });

  it('precompiles expressions whose order mjml changes, as an image writes its link before its source', async () => {
    // Prepare: mjml writes href, then alt and src, which was refused as an expression mjml "moves"
    const files = new Map([
      [
        MJML_TEMPLATE,
        '<mjml><mj-body><mj-section><mj-column><mj-image src="{{src}}" alt="{{alt}}" href="{{href}}" /></mj-column></mj-section></mj-body></mjml>',
      ],
    ]);
    const view = {
      src: 'https://a.example.com/i.png?a=1&b=2',
      alt: 'A & "B"',
      href: 'https://a.example.com/',
    };

    // Act
    const html = Handlebars.create().compile((await precompileTemplates(files)).get('digest.html.hbs'))(view);

    // Assess
    expect(normaliseHtml(html)).toBe(normaliseHtml(await renderedAtRunTime(files, view)));
  });

  it('refuses Handlebars among the columns of a section, whose widths mjml sets from how many there are', async () => {
    // Prepare: compiled with both columns, the column left when `wide` is false rendered at half the width
    const files = new Map([
      [
        MJML_TEMPLATE,
        '<mjml><mj-body><mj-section><mj-column><mj-text>a</mj-text></mj-column>{{#if wide}}<mj-column><mj-text>b</mj-text></mj-column>{{/if}}</mj-section></mj-body></mjml>',
      ],
    ]);
    const grouped = new Map([
      [
        MJML_TEMPLATE,
        '<mjml><mj-body><mj-section><mj-group>{{#each items}}<mj-column><mj-text>{{this}}</mj-text></mj-column>{{/each}}</mj-group></mj-section></mj-body></mjml>',
      ],
    ]);

    // Act / Assess
    await expect(precompileTemplates(files)).rejects.toThrow(/between the columns of mj-section/);
    await expect(precompileTemplates(grouped)).rejects.toThrow(/between the columns of mj-group/);
  });

  it('refuses Handlebars that mjml would move, and invalid MJML, with a TemplateError', async () => {
    // Prepare
    const moved = new Map([
      [
        MJML_TEMPLATE,
        '<mjml><mj-head>{{#if dark}}<mj-style>.a { color: red }</mj-style>{{/if}}</mj-head><mj-body><mj-section><mj-column><mj-text>{{x}}</mj-text></mj-column></mj-section></mj-body></mjml>',
      ],
    ]);
    const invalid = new Map([
      [MJML_TEMPLATE, '<mjml><mj-body><mj-text>outside any column</mj-text></mj-body></mjml>'],
    ]);

    // Act / Assess
    await expect(precompileTemplates(moved)).rejects.toThrow(TemplateError);
    await expect(precompileTemplates(invalid)).rejects.toThrow(/mj-text cannot be used inside mj-body/);
    await expect(precompileTemplates(new Map())).rejects.toThrow(/digest.mjml.hbs is missing/);
  });

  it('names the template and the line of each MJML problem, not the folder the command runs in', async () => {
    // Prepare: an element mjml does not know, on line 3.
    const invalid = new Map([
      [
        MJML_TEMPLATE,
        '<mjml>\n<mj-body>\n<mj-sectionx><mj-column><mj-text>x</mj-text></mj-column></mj-sectionx>\n</mj-body></mjml>',
      ],
    ]);

    // Act
    const error = await precompileTemplates(invalid).catch((e: unknown) => e);

    // Assess: mjml's own message read 'Line 3 of /work/… (mj-sectionx)', naming the working folder as the file.
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).problems).toEqual([
      "line 3 of digest.mjml.hbs with its partials put in (mj-sectionx): Element mj-sectionx doesn't exist or is not registered",
    ]);
    expect((error as TemplateError).message).not.toContain(process.cwd());
  });
});
