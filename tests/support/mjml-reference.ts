import Handlebars from 'handlebars';
import { mjmlToHtml } from '../../src/core/render/precompile.ts';
import { MJML_TEMPLATE } from '../../src/core/render/templates.ts';

/**
 * What the email was before precompiling: Handlebars over the MJML (partials registered), then mjml on every
 * render. Outlook conditional comments (which mjml merges when neighbours touch) and indentation aside, the
 * precompiled HTML template must render the very same document (see normaliseHtml).
 */
export async function renderedAtRunTime(files: ReadonlyMap<string, string>, view: object): Promise<string> {
  const env = Handlebars.create();
  for (const [path, source] of files) {
    const name = /^partials\/(.+)\.mjml\.hbs$/.exec(path)?.[1];
    if (name) env.registerPartial(name, source);
  }
  return mjmlToHtml(env.compile(files.get(MJML_TEMPLATE) ?? '')(view));
}

/** The document without Outlook conditional comments, an empty preview and indentation. */
export const normaliseHtml = (html: string) =>
  html
    .replace(/<!--\[if mso \| IE\]>[\s\S]*?<!\[endif\]-->/g, '')
    // mjml leaves out the hidden preview text when it is empty; the precompiled template keeps an empty div.
    .replace(/<div style="display:none;[^"]*">\s*<\/div>/g, '')
    .replace(/>\s+/g, '>')
    .replace(/\s+</g, '<')
    .replace(/\s+/g, ' ');
