import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { readTemplateFiles } from '../../../src/adapters/precompiled-template-folder.ts';
import { DEFAULT_TEMPLATES_DIR } from '../../../src/adapters/template-folder.ts';
import { renderDigestEmail } from '../../../src/core/render/email.ts';
import { precompileTemplates } from '../../../src/core/render/precompile.ts';
import { parseEmailSettings } from '../../../src/core/render/settings.ts';
import { compileTemplates, HTML_TEMPLATE, MJML_TEMPLATE } from '../../../src/core/render/templates.ts';
import { buildEmailView } from '../../../src/core/render/view.ts';
import { hostileDigest, text } from '../../support/hostile-digests.ts';
import { normaliseHtml, renderedAtRunTime } from '../../support/mjml-reference.ts';

/**
 * Differential test of the precompiled email template: for seeded random digests and settings full of
 * hostile text (Unicode, Handlebars, MJML and HTML look-alikes, very long words, empty optional fields, up to
 * thirty themes), the HTML the precompiled template renders must be the document mjml renders at run time
 * from the MJML with Handlebars (the reference of precompile.test.ts); and so for generated templates, since
 * templates/ is the user's to change.
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

/** A piece of MJML, or the same inside a Handlebars block (over the view's flag or items). */
const inBlock = (mjml: fc.Arbitrary<string>) =>
  fc.tuple(mjml, fc.constantFrom('', 'if', 'unless', 'else', 'each', 'with')).map(([body, block]) => {
    if (block === 'else') return `{{#if flag}}${body}{{else}}<!-- none -->{{/if}}`;
    if (block === 'each') return `{{#each items}}${body}{{/each}}`;
    if (block === 'with') return `{{#with item}}${body}{{/with}}`;
    return block ? `{{#${block} flag}}${body}{{/${block}}}` : body;
  });

/** An element of a column: every kind of content, with expressions in its text and attributes. */
const element = inBlock(
  fc.constantFrom(
    '<mj-text css-class="{{cls}}"><p>{{text}}</p>{{#if flag}}<a href="{{link}}">{{label}}</a>{{/if}}</mj-text>',
    '<mj-button href="{{url}}" title="{{label}}">{{label}}</mj-button>',
    '<mj-image src="{{url}}" alt="{{text}}" href="{{url}}" />',
    '<mj-divider />',
    '<mj-spacer height="12px" />',
    '<mj-raw><p class="{{cls}}">{{text}}</p></mj-raw>',
    '<mj-table><tr><td>{{label}}</td><td>{{text}}</td></tr></mj-table>',
    '<mj-social><mj-social-element name="web" href="{{url}}">{{label}}</mj-social-element></mj-social>',
  ),
);
// Not in a block: Handlebars between columns is refused (mjml sizes columns by their count; precompile.test.ts).
const column = fc
  .array(element, { minLength: 1, maxLength: 3 })
  .map((elements) => `<mj-column>${elements.join('')}</mj-column>`);

const section = inBlock(
  fc.tuple(fc.array(column, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([columns, wrapped]) => {
    const body = `<mj-section css-class="{{cls}}">${columns.join('')}</mj-section>`;
    return wrapped ? `<mj-wrapper>${body}</mj-wrapper>` : body;
  }),
);
/** A whole template: a head with expressions where mjml keeps them, then sections. */
const template = fc
  .array(section, { minLength: 1, maxLength: 4 })
  .map(
    (sections) =>
      `<mjml lang="en"><mj-head><mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes><mj-title>{{label}}</mj-title><mj-preview>{{text}}</mj-preview></mj-head><mj-body>${sections.join('')}</mj-body></mjml>`,
  );
/** One-line, trimmed texts, as the email view makes every text it shows (clip). */
const viewText = (maxParts: number) => text(maxParts).map((value) => value.replace(/\s+/g, ' ').trim());
const viewItem = fc.record({
  cls: fc.constantFrom('a', 'b c', ''),
  text: viewText(3),
  // Never empty, as a subject is not: mjml leaves out the body's aria-label for an empty title.
  label: viewText(2).filter((label) => label !== ''),
  // Never empty in an MJML attribute: mjml leaves out an image's link when its href is empty, which a template
  // compiled once cannot (it was compiled with a link); `link`, in HTML that mjml copies, may be empty.
  url: fc.constantFrom(
    'https://a.example.com/?x=1&y="2"',
    'https://bücher.example/<p>',
    'mailto:a@example.com',
  ),
  link: fc.constantFrom('https://a.example.com/?x=1&y="2"', ''),
});
const generatedView = fc
  .tuple(viewItem, fc.array(viewItem, { maxLength: 3 }), fc.boolean())
  .map(([item, items, flag]) => ({ ...item, item, items, flag }));

/** The head's styles and stylesheet links. */
const STYLES = /<style[^>]*>[\s\S]*?<\/style>|<link [^>]*>/g;
const CSS_RULE = /[^{}]+\{[^{}]*\}/g;

/** The head's stylesheet links and CSS rules, each rule with its style element's attributes and media query. */
function headStyles(head: string): string[] {
  const rules: string[] = head.match(/<link [^>]*>/g) ?? [];
  for (const [, attributes, css = ''] of head.matchAll(/<style([^>]*)>([\s\S]*?)<\/style>/g)) {
    const outside = css.replace(
      /@media([^{]+)\{((?:[^{}]*\{[^{}]*\})*)\s*\}/g,
      (_all, media: string, inner: string) => {
        for (const rule of inner.match(CSS_RULE) ?? [])
          rules.push(`${attributes} @media${media.trim()} ${rule.trim()}`);
        return '';
      },
    );
    for (const rule of outside.match(CSS_RULE) ?? []) rules.push(`${attributes} ${rule.trim()}`);
  }
  return rules;
}

/**
 * The same document, but for the head's styles: mjml writes those of the components it sees (column widths,
 * fonts), so the template compiled once carries the styles of every branch, and a render at run time only
 * those of the branches taken. Every rule of the latter must be in the former; the rest is the same.
 */
function expectSameDocument(precompiled: string, atRunTime: string, label: string): void {
  const [compiled, reference] = [precompiled, atRunTime].map((html) => {
    const normalised = normaliseHtml(html);
    const head = normalised.slice(0, normalised.indexOf('</head>'));
    return { styles: headStyles(head), rest: head.replace(STYLES, '') + normalised.slice(head.length) };
  });
  expect(compiled?.rest, label).toBe(reference?.rest);
  expect(compiled?.styles, label).toEqual(expect.arrayContaining(reference?.styles ?? []));
}

describe('precompiled template, differentially', () => {
  it('renders, for hostile digests and settings, the document mjml renders at run time', async () => {
    // Prepare
    const files = await readTemplateFiles(DEFAULT_TEMPLATES_DIR);
    const templates = compileTemplates(await precompileTemplates(files));
    const cases = fc.sample(fc.record({ digest: hostileDigest(30), settings: settingsArbitrary }), {
      seed: SEED,
      numRuns: 30,
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

  it('precompiles generated templates (blocks around sections and elements) to what mjml renders', async () => {
    // Prepare
    const cases = fc.sample(
      fc.record({ source: template, views: fc.array(generatedView, { minLength: 1, maxLength: 3 }) }),
      {
        seed: SEED + 1,
        numRuns: 30,
      },
    );

    for (const [c, { source, views }] of cases.entries()) {
      const files = new Map([[MJML_TEMPLATE, source]]);
      // Act
      const html = Handlebars.create().compile((await precompileTemplates(files)).get(HTML_TEMPLATE));
      for (const view of views) {
        // Assess
        expectSameDocument(
          html(view),
          await renderedAtRunTime(files, view),
          `case ${c}: ${JSON.stringify({ source, view })}`,
        );
      }
    }
  });
});
