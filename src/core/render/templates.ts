import Handlebars from 'handlebars';
import { TemplateError } from '../errors.ts';
import type { TemplateSource } from '../ports/template-source.ts';
import { wrapText } from './text.ts';
import type { EmailView } from './view.ts';

/** The compiled email templates: MJML (HTML-escaped data), plain text and subject (no HTML escaping). */
export interface EmailTemplates {
  mjml(view: EmailView): string;
  text(view: EmailView): string;
  subject(view: EmailView): string;
}

const MAIN = { mjml: 'digest.mjml.hbs', text: 'digest.txt.hbs', subject: 'subject.txt.hbs' } as const;
const PARTIAL = /^partials\/(.+)\.(mjml|txt)\.hbs$/;

/**
 * Compiles templates/ into two Handlebars environments: one for MJML, where every {{ }} is HTML-escaped,
 * and one for plain text, where nothing is. Partials `partials/NAME.mjml.hbs` and `partials/NAME.txt.hbs`
 * are both called `NAME`, each in its own environment.
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
    (partial[2] === 'mjml' ? html : text).registerPartial(partial[1], source);
  }
  const compile = (env: typeof Handlebars, name: string) => {
    const source = files.get(name);
    if (source === undefined) throw new TemplateError(`template ${name} is missing`);
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
    mjml: compile(html, MAIN.mjml),
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
