import { CORE_SCHEMA, load as parseYaml } from 'js-yaml';
import { isAsciiLetter } from '../../text/chars.ts';
import { type Block, type Extracted, metaString, metaTags, plainTextBlocks } from '../blocks.ts';

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/;

/** .md: YAML front matter (title, url, source, published, tags) and a Markdown body reduced to blocks. */
export function extractMarkdown(text: string): Extracted {
  const front = FRONT_MATTER.exec(text);
  let fields: Record<string, unknown> = {};
  if (front) {
    let data: unknown;
    try {
      data = parseYaml(front[1] ?? '', { schema: CORE_SCHEMA });
    } catch (error) {
      return { skipped: `invalid YAML front matter: ${yamlProblem(error)}` };
    }
    if (data !== null && data !== undefined) {
      if (typeof data !== 'object' || Array.isArray(data))
        return { skipped: 'YAML front matter is not a mapping' };
      fields = data as Record<string, unknown>;
    }
  }
  const body = front ? text.slice(front[0].length) : text;
  return {
    meta: {
      title: metaString(fields.title),
      source: metaString(fields.source),
      url: metaString(fields.url),
      published: fields.published ?? fields.date,
      tags: metaTags(fields.tags),
    },
    blocks: markdownBlocks(body),
  };
}

function markdownBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push(...plainTextBlocks(paragraph.join(' ')));
    paragraph = [];
  };
  let inFence = false;
  for (const raw of markdown.split('\n')) {
    // A line of prose opens with a letter: no rule below but the inline one applies to it.
    if (isAsciiLetter(raw.charCodeAt(0))) {
      if (!inFence) paragraph.push(inline(raw.trim()));
      continue;
    }
    // An empty line only ends a paragraph (the rules below find nothing else in it).
    if (raw === '') {
      if (!inFence) flush();
      continue;
    }
    if (/^\s*(?:```|~~~)/.test(raw)) {
      flush();
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const line = raw.replace(/^\s{0,3}(?:>\s?)+/, '').trim();
    const heading = /^#{1,6}(?:\s+|$)/.exec(line);
    if (heading) {
      flush();
      // The text without its optional closing run of #s ("## Title ##").
      const title = line.slice(heading[0].length).replace(/(^|\s)#+$/, '$1');
      blocks.push({ kind: 'heading', text: inline(title) });
    } else if (/^(?:={3,}|-{3,})$/.test(line) && paragraph.length === 1) {
      // Setext heading: the single line above is underlined.
      blocks.push({ kind: 'heading', text: inline(paragraph[0] ?? '') });
      paragraph = [];
    } else if (line === '' || /^(?:[-*_]\s*){3,}$/.test(line)) {
      flush();
    } else if (/^(?:[-*+]|\d{1,2}[.)])\s+/.test(line)) {
      flush();
      blocks.push({ kind: 'bullet', text: inline(line.replace(/^(?:[-*+]|\d{1,2}[.)])\s+/, '')) });
    } else {
      paragraph.push(inline(line));
    }
  }
  flush();
  return blocks.filter((b) => b.text !== '');
}

/**
 * Inline Markdown to plain text: images dropped, links to their text, emphasis and code marks removed.
 * Brackets and parentheses do not nest beyond one level in a link target, so no match scans past the next
 * opening bracket: the time stays linear on a line of "[[[[" or "![a](![a](".
 */
function inline(text: string): string {
  // Every replacement below needs one of these characters; most lines of prose have none.
  if (!INLINE_MARK.test(text)) return text.trim();
  return text
    .replace(/!\[[^[\]]*\]\([^()[\]]*\)/g, '')
    .replace(/\[([^[\]]*)\]\((?:[^()[\]]|\([^()[\]]*\))*\)/g, '$1')
    .replace(/<[^<>]+>/g, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\s][^*_]*?)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!>])/g, '$1')
    .trim();
}

const INLINE_MARK = /[[<*_`\\]/;

/** The node kinds js-yaml names in quotes ("it should be "mapping", not "scalar""): its words, not the file's. */
const YAML_KINDS = new Set(['scalar', 'sequence', 'mapping']);

/**
 * What js-yaml found wrong and where, without the text it quotes: its messages name the tag, alias, tag handle
 * or prefix it could not resolve (`unknown tag !<...>`, `unidentified alias "..."`), which is front matter of
 * any length, and a reason reaches logs and the article index (whose items stop at 400 KB), never article text.
 */
function yamlProblem(error: unknown): string {
  const { reason, mark } = error as { reason?: unknown; mark?: { line?: unknown; column?: unknown } };
  if (typeof reason !== 'string') return 'unknown error';
  const at =
    typeof mark?.line === 'number' && typeof mark.column === 'number'
      ? ` (${mark.line + 1}:${mark.column + 1})`
      : '';
  // An alias may hold quotes itself; a tag handle is checked first (`!`, `!!` or `!letters!`).
  if (reason.startsWith('unidentified alias ')) return `unidentified alias "…"${at}`;
  const words = elideTags(reason.replace(/^(tag (?:prefix|name) [a-z ]*): [\s\S]*$/, '$1')).replace(
    /"[^"]*"/g,
    (quoted) => (YAML_KINDS.has(quoted.slice(1, -1)) ? quoted : '"…"'),
  );
  return `${words}${at}`;
}

/** `!<tag>` as `!<…>` (but js-yaml's own `!<?>`), found by indexOf: a pattern would rescan from every `!<`. */
function elideTags(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const start = text.indexOf('!<', from);
    if (start === -1) return out + text.slice(from);
    const end = text.indexOf('>', start + 2);
    if (end === -1) return `${out}${text.slice(from, start)}!<…`;
    const tag = text.slice(start, end + 1);
    out += `${text.slice(from, start)}${tag === '!<?>' ? tag : '!<…>'}`;
    from = end + 1;
  }
}
