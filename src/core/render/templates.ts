import Handlebars from 'handlebars';
import { TemplateError } from '../errors.ts';
import type { TemplateSource } from '../ports/template-source.ts';
import { wrapText } from './text.ts';
import type { EmailView } from './view.ts';

/** The compiled email templates: HTML (HTML-escaped data), plain text and subject (no HTML escaping). */
export interface EmailTemplates {
  html(view: EmailView): string;
  text(view: EmailView): string;
  subject(view: EmailView): string;
}

/** The email as written in templates/: MJML with Handlebars, compiled once by precompileTemplates(). */
export const MJML_TEMPLATE = 'digest.mjml.hbs';
/** What precompileTemplates() makes of MJML_TEMPLATE: HTML with the same Handlebars expressions. */
export const HTML_TEMPLATE = 'digest.html.hbs';
const MAIN = { html: HTML_TEMPLATE, text: 'digest.txt.hbs', subject: 'subject.txt.hbs' } as const;
const PARTIAL = /^partials\/(.+)\.txt\.hbs$/;

/**
 * Compiles precompiled templates (precompile.ts) into two Handlebars environments: one for the HTML, where
 * every {{ }} is HTML-escaped, and one for plain text, where nothing is. Text partials
 * `partials/NAME.txt.hbs` are called `NAME`; the MJML partials are already inlined in the HTML.
 */
export function compileTemplates(files: ReadonlyMap<string, string>): EmailTemplates {
  const html = Handlebars.create();
  const text = Handlebars.create();
  text.registerHelper('wrap', function (this: unknown, first: string, rest: string, options) {
    return wrapText(options.fn(this), { first, rest });
  });
  text.registerHelper('underline', (value: string) => '-'.repeat(Math.min(72, [...String(value)].length)));
  text.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  for (const [path, source] of files) {
    const partial = PARTIAL.exec(path);
    if (!partial?.[1]) continue;
    text.registerPartial(partial[1], source);
  }
  const compile = (env: typeof Handlebars, name: string) => {
    const source = files.get(name);
    if (source === undefined)
      throw new TemplateError(
        name === HTML_TEMPLATE
          ? `template ${name} is missing: ${MJML_TEMPLATE} is compiled to it by \`digest templates\``
          : `template ${name} is missing`,
      );
    const template = env.compile(source, { noEscape: env === text });
    return (view: EmailView) => {
      try {
        return template(view);
      } catch (error) {
        throw new TemplateError(`template ${name} failed: ${(error as Error).message}`, [], { cause: error });
      }
    };
  };
  return {
    html: compile(html, MAIN.html),
    text: compile(text, MAIN.text),
    subject: compile(text, MAIN.subject),
  };
}

const cache = new Map<string, Promise<EmailTemplates>>();

/** Reads and compiles the templates once per process and source; a failed load is retried next time. */
export function loadTemplates(source: TemplateSource): Promise<EmailTemplates> {
  let loaded = cache.get(source.id);
  if (!loaded) {
    loaded = source.readAll().then(compileTemplates);
    loaded.catch(() => cache.delete(source.id));
    cache.set(source.id, loaded);
  }
  return loaded;
}
