import HandlebarsRuntime from 'handlebars/runtime.js';
import { TemplateError } from '../errors.ts';
import type { TemplateSource } from '../ports/template-source.ts';
import { TEXT_WIDTH, textColumns, wrapText } from './text.ts';
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
const TEXT_PARTIAL = /^partials\/(.+)\.txt\.hbs$/;
/** Where precompile.ts puts the JavaScript Handlebars makes of template NAME. */
export const compiledName = (name: string) => `${name}.js`;

/**
 * The templates a renderer runs, each with the Handlebars option it is compiled with: the HTML escapes every
 * {{ }}, the plain text parts (main templates and partials `partials/NAME.txt.hbs`) escape nothing.
 */
export function templatesToCompile(
  files: ReadonlyMap<string, string>,
): { name: string; noEscape: boolean }[] {
  return [
    { name: MAIN.html, noEscape: false },
    { name: MAIN.text, noEscape: true },
    { name: MAIN.subject, noEscape: true },
    ...[...files.keys()].filter((name) => TEXT_PARTIAL.test(name)).map((name) => ({ name, noEscape: true })),
  ];
}

/** The Handlebars runtime alone: the parser and compiler stay at build time (precompile.ts). */
const Handlebars = HandlebarsRuntime as unknown as typeof import('handlebars');
/** The Handlebars that runs compiled templates: a cache of them is only good for the same one. */
export const HANDLEBARS_VERSION = Handlebars.VERSION;

/**
 * Loads precompiled templates (precompile.ts: MJML compiled to HTML and every template to JavaScript by
 * Handlebars) into two Handlebars runtime environments: one for the HTML, where every {{ }} is HTML-escaped,
 * and one for plain text, where nothing is. Text partials `partials/NAME.txt.hbs` are called `NAME`; the
 * MJML partials are already inlined in the HTML.
 */
export function compileTemplates(files: ReadonlyMap<string, string>): EmailTemplates {
  const html = Handlebars.create();
  const text = Handlebars.create();
  const load = (env: typeof Handlebars, name: string) => {
    const compiled = files.get(compiledName(name));
    if (compiled === undefined)
      throw new TemplateError(
        files.has(name) || name === HTML_TEMPLATE
          ? `template ${name} is not compiled: \`digest templates\` compiles the templates folder`
          : `template ${name} is missing`,
      );
    // The JavaScript Handlebars.precompile() wrote from our own templates (precompile.ts), as trusted as code.
    return env.template(new Function(`return ${compiled}`)());
  };
  text.registerHelper('wrap', function (this: unknown, first: string, rest: string, options) {
    return wrapText(options.fn(this), { first, rest });
  });
  // As wide as the text: CJK characters take two columns, bidi isolates (view.ts) none.
  text.registerHelper('underline', (value: string) =>
    '-'.repeat(Math.min(TEXT_WIDTH, textColumns(String(value)))),
  );
  text.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  // Spaces as wide as a text: the hanging indent under a list item's prefix ("10. ").
  text.registerHelper('blank', (value: string) => ' '.repeat(textColumns(String(value))));
  for (const path of files.keys()) {
    const partial = TEXT_PARTIAL.exec(path)?.[1];
    if (partial) text.registerPartial(partial, load(text, path));
  }
  const compile = (env: typeof Handlebars, name: string) => {
    const template = load(env, name);
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
