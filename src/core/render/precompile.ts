import Handlebars from 'handlebars';
import mjml2html from 'mjml';
import { TemplateError } from '../errors.ts';
import { compiledName, HTML_TEMPLATE, MJML_TEMPLATE, templatesToCompile } from './templates.ts';

const MJML_PARTIAL = /^partials\/(.+)\.mjml\.hbs$/;
const COMMENT = /^\{\{~?!/;
/** `{{> name args}}`; the arguments (and a closing `~`) are split off after matching, so nothing backtracks. */
const PARTIAL_CALL = /\{\{(~?)>\s*([\w./-]+)([\s~][^{}]*)?\}\}/g;
/** An MJML tag; attribute values never hold `>` once every mustache is a token. */
const MJML_TAG = /<(\/?)(mjml|mj-[a-z]+(?:-[a-z]+)*)(?=[\s/>])([^<>]*)>/g;
/** MJML tags whose content is HTML that mjml copies through: a mustache there stays where it is. */
const ENDING_TAGS = new Set([
  'mj-text',
  'mj-button',
  'mj-raw',
  'mj-table',
  'mj-title',
  'mj-preview',
  'mj-style',
  'mj-navbar-link',
  'mj-accordion-title',
  'mj-accordion-text',
  'mj-social-element',
]);
/** MJML elements whose columns share their width: how many columns there are is fixed when mjml compiles. */
const COLUMN_PARENTS = new Set(['mj-section', 'mj-group']);
const MAX_PARTIAL_DEPTH = 20;

/**
 * Compiles the MJML template once into an HTML template with the same Handlebars expressions, and every
 * template a renderer runs into JavaScript (precompileHandlebars), so rendering a digest needs the Handlebars
 * runtime only (no mjml and no Handlebars parser at run time, in the Lambda bundles or the CLI). Returns the
 * files a renderer needs: `digest.html.hbs` and every non-MJML template (text, subject and their partials),
 * each with its compiled `NAME.js`.
 *
 * How: MJML partials are inlined, every mustache becomes an alphanumeric token (a mustache between MJML
 * elements goes into an mj-raw, which mjml copies where it stands), mjml compiles the result once with strict
 * validation, and the tokens are put back. A mustache whose place mjml changes (around mj-style or
 * mj-attributes, which mjml moves into the head) or whose blocks change what mjml computes (columns, sized by
 * how many share a section) is reported as a TemplateError, since it could not be rendered faithfully.
 */
export async function precompileTemplates(files: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const source = files.get(MJML_TEMPLATE);
  if (source === undefined) throw new TemplateError(`template ${MJML_TEMPLATE} is missing`);
  const partials = new Map<string, string>();
  for (const [path, text] of files) {
    const name = MJML_PARTIAL.exec(path)?.[1];
    if (name) partials.set(name, text);
  }
  const expressions: string[] = [];
  // A nonce no template contains, so a token cannot collide with template text.
  let nonce = 0;
  const inlined = inlinePartials(source, partials);
  while (inlined.includes(`hbs${nonce}x`)) nonce++;
  const tokenOf = (i: number) => `hbs${nonce}x${i}x`;
  const tokenised = replaceMustaches(inlined, (mustache) => {
    if (COMMENT.test(mustache)) return '';
    expressions.push(mustache);
    return tokenOf(expressions.length - 1);
  });
  const html = await mjmlToHtml(wrapStructuralTokens(tokenised, new RegExp(`hbs${nonce}x\\d+x`, 'g')));
  const restored = restoreTokens(html, new RegExp(`hbs${nonce}x(\\d+)x`, 'g'), expressions);
  const precompiled = new Map([...files].filter(([path]) => !path.endsWith('.mjml.hbs')));
  return precompileHandlebars(precompiled.set(HTML_TEMPLATE, restored));
}

/**
 * `files` with each template a renderer runs (templatesToCompile) that is there compiled by Handlebars to JavaScript under
 * `NAME.js`, which compileTemplates() loads into the Handlebars runtime. A template Handlebars cannot parse is
 * a TemplateError naming it.
 */
export function precompileHandlebars(files: ReadonlyMap<string, string>): Map<string, string> {
  const compiled = new Map(files);
  for (const { name, noEscape } of templatesToCompile(files)) {
    const source = files.get(name);
    // A missing one is reported by compileTemplates(), which needs it.
    if (source === undefined) continue;
    try {
      compiled.set(compiledName(name), Handlebars.precompile(source, { noEscape }) as string);
    } catch (error) {
      throw new TemplateError(`template ${name} failed: ${(error as Error).message}`, [], { cause: error });
    }
  }
  return compiled;
}

/** Validates MJML strictly and returns the HTML; invalid MJML raises a TemplateError listing every problem. */
export async function mjmlToHtml(mjml: string): Promise<string> {
  try {
    const result = await mjml2html(mjml, { validationLevel: 'strict', keepComments: false });
    return result.html;
  } catch (error) {
    const problems = (error as { errors?: { line?: number; tagName?: string; message: string }[] }).errors;
    // mjml's own formattedMessage says 'Line 12 of /current/folder': it names the folder the command runs in as the
    // file, since it is given a string. The line is one of the MJML as compiled: the template with its partials put in.
    throw new TemplateError(
      'the email template does not produce valid MJML',
      (problems ?? [{ message: (error as Error).message }]).map((p) =>
        p.line === undefined
          ? p.message
          : `line ${p.line} of ${MJML_TEMPLATE} with its partials put in (${p.tagName}): ${p.message}`,
      ),
      { cause: error },
    );
  }
}

/** `{{> name}}` becomes the partial's source; `{{> name context}}` the source inside `{{#with context}}`. */
function inlinePartials(source: string, partials: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > MAX_PARTIAL_DEPTH)
    throw new TemplateError('MJML partials nest too deeply (a partial calls itself?)');
  return source.replace(PARTIAL_CALL, (call, _open: string, name: string, rest = '') => {
    const args = rest.replace(/~$/, '').trim();
    const partial = partials.get(name);
    if (partial === undefined)
      throw new TemplateError(`partial ${name} (partials/${name}.mjml.hbs) is missing`);
    const body = inlinePartials(partial, partials, depth + 1);
    if (!args) return body;
    if (/[=\s]/.test(args))
      throw new TemplateError(`${call}: MJML partials take at most a context, not hash parameters`);
    return `{{#with ${args}}}${body}{{/with}}`;
  });
}

/** Puts each token that stands between MJML elements (not in an attribute or an ending tag) in an mj-raw. */
function wrapStructuralTokens(mjml: string, token: RegExp): string {
  const open: string[] = [];
  let out = '';
  let last = 0;
  const wrapIn = (text: string) => {
    if (ENDING_TAGS.has(open.at(-1) ?? '')) return text;
    // mjml gathers mj-head's children (styles, attributes) into places of its own: a block there cannot hold.
    if (open.includes('mj-head') && text.search(token) >= 0)
      throw new TemplateError(
        `${MJML_TEMPLATE}: Handlebars between the elements of mj-head cannot be compiled once; put it inside mj-style, mj-title or mj-raw`,
      );
    // mjml shares a section's (or group's) width among the columns it sees: compiled with every column of a
    // block, the columns a render keeps would keep their share (half the width for one of two), silently.
    const parent = open.at(-1) ?? '';
    if (COLUMN_PARENTS.has(parent) && text.search(token) >= 0)
      throw new TemplateError(
        `${MJML_TEMPLATE}: Handlebars between the columns of ${parent} cannot be compiled once, since mjml sizes the columns by how many there are; put the block around the whole ${parent}`,
      );
    return text.replace(token, (t) => `<mj-raw>${t}</mj-raw>`);
  };
  for (const tag of mjml.matchAll(MJML_TAG)) {
    const [whole, closing, name = '', attributes = ''] = tag;
    const selfClosing = attributes.endsWith('/');
    // Inside an ending tag only its own closing tag counts; the rest is HTML.
    const inEndingTag = ENDING_TAGS.has(open.at(-1) ?? '');
    if (inEndingTag && !(closing && name === open.at(-1))) continue;
    out += wrapIn(mjml.slice(last, tag.index)) + whole;
    last = tag.index + whole.length;
    if (closing) open.pop();
    else if (!selfClosing) open.push(name);
  }
  return out + wrapIn(mjml.slice(last));
}

/** A mustache that opens, continues or closes a block: the template's structure. */
const BLOCK_PART = /^\{\{~?\s*(?:[#^/]|else(?![\w.-]))/;

/**
 * Puts the mustaches back, checking that mjml kept each one and the parts of every block in the template's
 * order. A plain expression may move (mjml writes an image's link before its source) or repeat (the title):
 * it renders the same value wherever it stands.
 */
function restoreTokens(html: string, token: RegExp, expressions: readonly string[]): string {
  const seen = new Set<number>();
  const blockParts: number[] = [];
  const restored = html.replace(token, (_t, index: string) => {
    const i = Number(index);
    if (!seen.has(i) && BLOCK_PART.test(expressions[i] ?? '')) blockParts.push(i);
    seen.add(i);
    return expressions[i] ?? '';
  });
  const inOrder = expressions.flatMap((expression, i) => (BLOCK_PART.test(expression) ? [i] : []));
  const dropped = expressions.findIndex((_e, i) => !seen.has(i));
  const misplaced = dropped >= 0 ? dropped : (inOrder.find((i, k) => blockParts[k] !== i) ?? -1);
  if (misplaced >= 0) {
    throw new TemplateError(
      `${MJML_TEMPLATE}: mjml moves or drops the Handlebars expression ${(expressions[misplaced] ?? '').slice(0, 80)}; keep Handlebars blocks inside mj-text or mj-raw, or around whole sections`,
    );
  }
  return restored;
}

/**
 * `text` with each Handlebars comment (which may hold `}}`), triple or double mustache replaced, in one pass:
 * indexOf scans, where a lazy `{{[\s\S]*?}}` pattern would rescan to the end from every unclosed `{{`.
 */
function replaceMustaches(text: string, replace: (mustache: string) => string): string {
  let out = '';
  let done = 0;
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', done)) {
    const end = mustacheEnd(text, open);
    if (end < 0) break;
    out += text.slice(done, open) + replace(text.slice(open, end));
    done = end;
  }
  return out + text.slice(done);
}

/** Where the mustache opening at `open` ends (exclusive), or -1 when it is never closed. */
function mustacheEnd(text: string, open: number): number {
  const body = open + (text[open + 2] === '~' ? 3 : 2);
  if (text.startsWith('!--', body)) {
    for (let dashes = text.indexOf('--', body + 3); dashes >= 0; dashes = text.indexOf('--', dashes + 1)) {
      if (text.startsWith('}}', dashes + 2)) return dashes + 4;
      if (text.startsWith('~}}', dashes + 2)) return dashes + 5;
    }
  }
  if (text[open + 2] === '{') {
    const close = text.indexOf('}}}', open + 3);
    if (close >= 0) return close + 3;
  }
  const close = text.indexOf('}}', open + 2);
  return close < 0 ? -1 : close + 2;
}
