import { hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { doIUseEmail } from '@jsx-email/doiuse-email';
import { DEFAULT_TEMPLATES_DIR } from '../adapters/template-folder.ts';

/** The mail clients editors care about, as caniemail names their families. */
export const CHECKED_CLIENTS = ['gmail.*', 'outlook.*', 'apple-mail.*'] as const;

/** One HTML or CSS feature that a client does not (or only partly) support, from caniemail data. */
export interface ClientIssue {
  feature: string;
  client: string;
  support: 'none' | 'partial';
}

/** Where the accepted issues of the committed templates are recorded. */
export const CLIENT_SUPPORT_BASELINE = `${DEFAULT_TEMPLATES_DIR}client-support-baseline.json`;

const MESSAGE = /^`(.+)` is (not|only partially) supported by `(.+?)`/;

/** Checks rendered HTML against caniemail for Gmail, Outlook and Apple Mail; one entry per feature and client. */
export function checkClientSupport(html: string): ClientIssue[] {
  const result = doIUseEmail(html, { emailClients: [...CHECKED_CLIENTS] });
  const messages = [...('errors' in result ? result.errors : []), ...result.warnings];
  const issues = new Map<string, ClientIssue>();
  for (const message of messages) {
    const match = MESSAGE.exec(message);
    if (!match?.[1] || !match[3]) continue;
    const issue: ClientIssue = {
      feature: match[1],
      client: match[3],
      support: match[2] === 'not' ? 'none' : 'partial',
    };
    issues.set(issueKey(issue), issue);
  }
  return [...issues.values()].sort((a, b) => issueKey(a).localeCompare(issueKey(b)));
}

/**
 * checkClientSupport of the last HTML checked, again while the HTML differs from it only in text: the check reads
 * elements, their attributes and stylesheets, never the text between tags. Renaming a theme (but the first, the
 * subject), editing the intro, or swapping a point for one citing the same articles (its links are attributes)
 * changes text only.
 */
export class ClientSupportMemo {
  private last: { key: string; issues: ClientIssue[] } | undefined;

  check(html: string): ClientIssue[] {
    const key = hash('sha256', withoutText(html));
    if (this.last?.key !== key) this.last = { key, issues: checkClientSupport(html) };
    return this.last.issues;
  }
}

/** The HTML without the text between its tags, stylesheets (which the check reads) kept: in linear time. */
function withoutText(html: string): string {
  const parts: string[] = [];
  // Each piece after a "<" is a tag up to its last ">", then text.
  const tagsOnly = (part: string) =>
    part
      .split('<')
      .map((piece) => piece.slice(0, piece.lastIndexOf('>') + 1))
      .join('<');
  for (let at = 0; ; ) {
    const style = indexOfAnyCase(html, STYLE_START, at);
    const end = style < 0 ? -1 : indexOfAnyCase(html, STYLE_END, style);
    if (end < 0) {
      // No stylesheet after `at`, or one left open: the rest is kept whole from there.
      parts.push(
        tagsOnly(html.slice(at, style < 0 ? html.length : style)),
        style < 0 ? '' : html.slice(style),
      );
      return parts.join('');
    }
    parts.push(tagsOnly(html.slice(at, style)), html.slice(style, end));
    at = end;
  }
}

/**
 * Where a stylesheet starts and ends, in any case: the check's HTML parser reads `<STYLE>` (a template may write
 * one in mj-raw) as `<style>`, and a stylesheet taken for text would be left out of the key.
 */
const STYLE_START = /<style/gi;
const STYLE_END = /<\/style>/gi;

/** Where `pattern` (global, a literal) is first found in `text` from `from`, or -1. */
function indexOfAnyCase(text: string, pattern: RegExp, from: number): number {
  pattern.lastIndex = from;
  return pattern.exec(text)?.index ?? -1;
}

export function issueKey(issue: ClientIssue): string {
  return `${issue.feature} | ${issue.client} | ${issue.support}`;
}

export async function readBaseline(path = CLIENT_SUPPORT_BASELINE): Promise<Set<string>> {
  const keys = JSON.parse(await readFile(path, 'utf8')) as string[];
  return new Set(keys);
}

/** Issues the baseline does not accept yet: a template change brought in a feature some client lacks. */
export function newIssues(issues: readonly ClientIssue[], baseline: ReadonlySet<string>): ClientIssue[] {
  return issues.filter((issue) => !baseline.has(issueKey(issue)));
}
