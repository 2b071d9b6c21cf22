import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import {
  type Block,
  type BlockKind,
  collapseWhitespace,
  type Extracted,
  metaString,
  metaTags,
} from '../blocks.ts';

// Elements whose text is never article body: chrome, media and their captions.
const SKIPPED = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'SVG',
  'IFRAME',
  'IMG',
  'PICTURE',
  'VIDEO',
  'AUDIO',
  'FIGURE',
  'FIGCAPTION',
  'NAV',
  'ASIDE',
  'FOOTER',
  'FORM',
  'BUTTON',
  'SELECT',
  'HEADER',
  // Head content a fragment's document puts in the body (parseDocument).
  'TITLE',
]);
const BLOCK_KIND: Record<string, BlockKind> = {
  H1: 'heading',
  H2: 'heading',
  H3: 'heading',
  H4: 'heading',
  H5: 'heading',
  H6: 'heading',
  LI: 'bullet',
  DT: 'bullet',
  DD: 'bullet',
  P: 'paragraph',
  PRE: 'paragraph',
  TD: 'paragraph',
  TH: 'paragraph',
  CAPTION: 'paragraph',
};
const CONTAINERS = new Set([
  'ARTICLE',
  'SECTION',
  'MAIN',
  'DIV',
  'BODY',
  'BLOCKQUOTE',
  'UL',
  'OL',
  'DL',
  'TABLE',
  'THEAD',
  'TBODY',
  'TR',
  'HTML',
]);

// linkedom's DOM is typed loosely; this is the part of it the extractor reads.
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
interface DomNode {
  nodeType: number;
  textContent: string | null;
}
interface DomElement extends DomNode {
  tagName: string;
  childNodes: ArrayLike<DomNode>;
  children: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
}
interface DomDocument {
  documentElement: DomElement | null;
  body: DomElement | null;
  title: string;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

/**
 * .html: the main text found by Readability, split into headings, list items and paragraphs, and the
 * metadata of the page (og:title, og:site_name, canonical link or og:url, article:published_time, tags).
 */
export function extractHtml(html: string): Extracted {
  const tooDeep = nestingTooDeep(html);
  if (tooDeep) return { skipped: tooDeep };
  const document = parseDocument(html);
  // Metadata first: Readability rewrites the document it reads. The <meta> elements are gathered in one walk
  // over the page and each key is the first of them with it as property or name, as the selector
  // `meta[property="…"], meta[name="…"]` finds it: one query per key walked the whole page for each absent key.
  const metas = Array.from(document.querySelectorAll('meta'));
  const meta = (key: string) =>
    metaString(
      metas
        .find((m) => m.getAttribute('property') === key || m.getAttribute('name') === key)
        ?.getAttribute('content'),
    );
  const canonical = metaString(document.querySelector('link[rel="canonical"]')?.getAttribute('href'));
  const tagElements = metas.filter((m) => m.getAttribute('property') === 'article:tag');
  const metaTitle = meta('og:title') ?? meta('twitter:title');
  const fallbackTitle = metaString(document.title) ?? metaString(document.querySelector('h1')?.textContent);
  const published =
    meta('article:published_time') ??
    meta('date') ??
    metaString(document.querySelector('time[datetime]')?.getAttribute('datetime'));
  const tags = metaTags(tagElements.map((e) => e.getAttribute('content'))) ?? metaTags(meta('keywords'));

  const article = new Readability(
    document as unknown as ConstructorParameters<typeof Readability>[0],
  ).parse();
  const readable = article?.content ? blocksOf(fragmentBody(article.content)) : [];
  // Readability gives up on very short pages; then the whole body, less its chrome, is the text. Readability
  // has rewritten the document, so the page is parsed again for it (rarely: no generated news page needs it).
  const blocks = readable.some((b) => b.kind === 'paragraph') ? readable : blocksOf(parseDocument(html).body);
  if (blocks.length === 0)
    return { skipped: 'HTML has no readable text (no paragraphs, headings or list items)' };
  return {
    meta: {
      title: metaTitle ?? metaString(article?.title) ?? fallbackTitle,
      source: meta('og:site_name') ?? metaString(article?.siteName),
      url: canonical ?? meta('og:url'),
      published: published ?? article?.publishedTime ?? undefined,
      tags,
    },
    blocks,
  };
}

/** Blocks of an HTML fragment (no Readability): the `html` field of a JSON article. */
export function htmlFragmentBlocks(html: string): Block[] | { skipped: string } {
  const tooDeep = nestingTooDeep(html);
  return tooDeep ? { skipped: tooDeep } : blocksOf(fragmentBody(html));
}

/**
 * Deepest element nesting read. Real pages stay well under it; past it the DOM parser and Readability take
 * time that grows with depth times size, and the block walk runs out of stack.
 */
export const MAX_HTML_DEPTH = 100;
// Elements that never have children, and ones whose content is text, not markup.
const VOID_ELEMENTS = new Set(
  'area base br col embed hr img input link meta param source track wbr'.split(' '),
);
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript']);
// Start tags that end an open element of the same name ("<p>a<p>b", "<li>a<li>b"), as the HTML parser does.
const SELF_ENDING = new Set('p li dt dd tr td th option'.split(' '));

/**
 * The reason to skip a document nested deeper than MAX_HTML_DEPTH, or undefined. One pass over the markup,
 * before any parser builds a tree: an open element is closed by its end tag (and whatever is open inside it)
 * or by a start tag of the same name for the elements whose end tag HTML lets authors leave out.
 */
function nestingTooDeep(html: string): string | undefined {
  const lower = html.toLowerCase();
  const open: string[] = [];
  let at = lower.indexOf('<');
  while (at >= 0) {
    if (lower.startsWith('<!--', at)) {
      const end = lower.indexOf('-->', at + 4);
      if (end < 0) break;
      at = lower.indexOf('<', end + 3);
      continue;
    }
    const closing = lower[at + 1] === '/';
    const name = /^[a-z][a-z0-9-]*/.exec(lower.slice(at + (closing ? 2 : 1), at + 40))?.[0];
    const tagEnd = lower.indexOf('>', at);
    if (tagEnd < 0) break;
    if (name && closing) {
      const index = open.lastIndexOf(name);
      if (index >= 0) open.length = index;
    } else if (name && lower[tagEnd - 1] !== '/' && !VOID_ELEMENTS.has(name)) {
      if (SELF_ENDING.has(name) && open.at(-1) === name) open.pop();
      open.push(name);
      if (open.length > MAX_HTML_DEPTH)
        return `HTML nested more than ${MAX_HTML_DEPTH} elements deep; not read`;
      if (RAW_TEXT_ELEMENTS.has(name)) {
        const end = lower.indexOf(`</${name}`, tagEnd);
        if (end < 0) break;
        at = end;
        continue;
      }
    }
    at = lower.indexOf('<', tagEnd + 1);
  }
  return undefined;
}

/**
 * The document of an HTML file. linkedom adds none of the <html>, <head> and <body> elements that markup may
 * leave out (an HTML parser does): an article saved as a fragment, or a page without <body>, is parsed again
 * inside a whole document, its <head> content (if any) in the head and the rest in the body.
 */
function parseDocument(html: string): DomDocument {
  const document = parseMarkup(html);
  const root = document.documentElement;
  if (root?.tagName === 'HTML' && Array.from(root.children).some((c) => c.tagName === 'BODY'))
    return document;
  const headEnd = html.search(HEAD_END);
  const [head, body] = headEnd < 0 ? ['', html] : [html.slice(0, headEnd), html.slice(headEnd)];
  return parseMarkup(
    `<!doctype html><html><head>${head.replace(DOCUMENT_TAGS, '')}</head><body>${body.replace(DOCUMENT_TAGS, '')}</body></html>`,
  );
}

const HEAD_END = /<\/head\s*>/i;
/** The doctype and the tags of html, head and body; `[^<>]*` ends at the next bracket, so nothing backtracks. */
const DOCUMENT_TAGS = /<!doctype[^<>]*>|<\/?(?:html|head|body)(?![\w-])[^<>]*>/gi;

function parseMarkup(html: string): DomDocument {
  return (parseHTML(html) as unknown as { document: DomDocument }).document;
}

/** The body of an HTML fragment; linkedom needs a whole document around it to build one. */
function fragmentBody(html: string): DomElement | null {
  return parseMarkup(`<!doctype html><html><head></head><body>${html}</body></html>`).body;
}

function blocksOf(root: DomElement | null): Block[] {
  const blocks: Block[] = [];
  const visit = (element: DomElement) => {
    const tag = element.tagName.toUpperCase();
    if (SKIPPED.has(tag)) return;
    const kind = BLOCK_KIND[tag];
    const hasBlockChild = Array.from(element.children).some((c) => isBlockTag(c.tagName));
    if (!hasBlockChild || (kind !== undefined && kind !== 'bullet')) {
      pushText(blocks, kind ?? 'paragraph', textOf(element));
      return;
    }
    // Mixed content: runs of inline text between block children are blocks of their own.
    let inline = '';
    for (const child of Array.from(element.childNodes)) {
      if (isElement(child) && isBlockTag(child.tagName)) {
        pushText(blocks, kind ?? 'paragraph', inline);
        inline = '';
        visit(child);
      } else {
        inline += textOf(child);
      }
    }
    pushText(blocks, kind ?? 'paragraph', inline);
  };
  if (root) visit(root);
  return blocks;
}

/** Visible text of a node: <br> is a space (not nothing, which would glue two lines), skipped elements are silent. */
function textOf(node: DomNode): string {
  if (!isElement(node)) return node.nodeType === TEXT_NODE ? (node.textContent ?? '') : '';
  const tag = node.tagName.toUpperCase();
  if (tag === 'BR') return ' ';
  if (SKIPPED.has(tag)) return '';
  return Array.from(node.childNodes, textOf).join('');
}

function isElement(node: DomNode): node is DomElement {
  return node.nodeType === ELEMENT_NODE;
}

function isBlockTag(tagName: string): boolean {
  const tag = tagName.toUpperCase();
  return BLOCK_KIND[tag] !== undefined || CONTAINERS.has(tag) || SKIPPED.has(tag);
}

function pushText(blocks: Block[], kind: BlockKind, text: string | null): void {
  const clean = collapseWhitespace(text ?? '');
  if (clean !== '') blocks.push({ kind, text: clean });
}
