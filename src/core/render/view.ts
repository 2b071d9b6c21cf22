import type { Digest, DigestArticle, Theme } from '../digest.ts';
import { displayHost, safeHttpsUrl } from './links.ts';
import type { EmailSettings } from './settings.ts';

/** Per-recipient values, written into the render as placeholder tokens and filled in by personalise(). */
export interface RecipientPlaceholders {
  greeting: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}

/** What the templates see: every link already checked, every label already chosen, every text bounded. */
export interface EmailView {
  lang: string;
  title: string;
  /** The subject line, once rendered (the MJML template puts it in <title>). */
  subject?: string;
  /** `Digest.subject`, when an editor set one: the subject template uses it as it is. */
  customSubject?: string;
  /** The top story's headline, which the subject is made from. */
  topStory?: string;
  /** Themes after the top story, full or not. */
  otherThemeCount: number;
  preheader: string;
  dateLabel: string;
  greeting: string;
  /**
   * The archive site's public page of the digest, not a subscriber's copy: no greeting, no reason for getting
   * it and no unsubscribe or preferences link (a page has no reader to address; its links would be a sample's).
   */
  webPage: boolean;
  archiveUrl?: string;
  /** The editor's note, shown under the greeting. */
  intro?: string[];
  /** One linked headline per full theme; empty when there is only one. */
  topStories: { number: number; label: string; anchor: string }[];
  themes: ThemeView[];
  /** "Also in this issue": at most MAX_MORE_THEMES one-line headlines (PAGE_MAX_MORE_THEMES on the web page). */
  moreThemes: HeadlineView[];
  /** "and 12 more stories": themes neither shown in full nor listed; absent when none. */
  unlistedThemes?: string;
  footer: {
    reason: string;
    postalAddress: string[];
    unsubscribeUrl: string;
    preferencesUrl: string;
  };
}

export interface ThemeView {
  number: number;
  /** The id of the theme's heading, target of its "Top stories" link. */
  anchor: string;
  label: string;
  points: PointView[];
  /** At most MAX_SOURCES articles (PAGE_MAX_SOURCES on the web page), distinct outlets first. */
  sources: SourceView[];
  /** "and 4 more sources": articles and collapsed copies not listed in `sources`; absent when none. */
  moreSources?: string;
}

export interface PointView {
  text: string;
  citations: CitationView[];
  /** "+2" after named citations, "2 other sources" when none is named: cited articles not named. */
  moreCitations?: string;
  /** Whether the citations go in parentheses, comma-separated: yes when one is an outlet name, not for "[1] [2]". */
  parenthesised: boolean;
}

/** How a point names an article it came from: the outlet, else the number of the listed source. */
export interface CitationView {
  label: string;
  url?: string;
}

export interface SourceView {
  /** "[2] " when a citation names this source by its number, else empty. */
  marker: string;
  /** The headline, or the outlet when the article has no headline of its own. */
  title: string;
  /** The outlet beside a headline; absent when `title` already is the outlet or it is unknown. */
  outlet?: string;
  date?: string;
  url?: string;
}

export interface HeadlineView {
  label: string;
  url?: string;
  /** The lead article's outlet (with its link's host when they differ: "Reuters · evil.example"), as a citation names it. */
  outlet?: string;
}

/** Sources listed under a theme; the rest are counted. */
export const MAX_SOURCES = 3;
/** Outlets or numbers named after a point; the rest are counted. */
export const MAX_CITATIONS = 2;
/** Points shown per theme (the summariser makes at most five). */
export const MAX_POINTS = 5;
/** One-line headlines under "Also in this issue". */
export const MAX_MORE_THEMES = 10;
/**
 * The archive site's page lists what the email counts ("and 4 more sources", "and 12 more stories" link to it):
 * every article of a theme and every other theme, up to these bounds (a page is not clipped like an email).
 */
export const PAGE_MAX_SOURCES = 50;
export const PAGE_MAX_MORE_THEMES = 200;
/**
 * Longest texts and links shown. Real headlines, sentences and URLs are far shorter; the limits keep a
 * hostile or broken article from making the email too long to deliver (Gmail clips at 102 KB).
 */
const MAX_CHARS = { label: 160, headline: 160, outlet: 60, point: 600, intro: 1500, url: 400 } as const;
/**
 * Shown for an article that has neither a headline nor a known outlet (a plain-text file with no front
 * matter or link): says what is missing instead of a made-up title, a file name or the article's lead.
 */
const NO_OUTLET = 'Outlet not named';

export function buildEmailView(
  digest: Digest,
  settings: EmailSettings,
  placeholders: RecipientPlaceholders,
  webPage = false,
): EmailView {
  const longDates = new Intl.DateTimeFormat(settings.lang, { dateStyle: 'long', timeZone: 'UTC' });
  const shortDates = new Intl.DateTimeFormat(settings.lang, { dateStyle: 'medium', timeZone: 'UTC' });
  const formatDate = (iso: string | undefined, format: Intl.DateTimeFormat) => {
    const time = iso ? Date.parse(iso) : Number.NaN;
    return Number.isNaN(time) ? undefined : format.format(time);
  };
  const maxSources = webPage ? PAGE_MAX_SOURCES : MAX_SOURCES;
  const maxMoreThemes = webPage ? PAGE_MAX_MORE_THEMES : MAX_MORE_THEMES;
  const themes = digest.themes
    .slice(0, settings.maxThemes)
    .map((theme, index) =>
      themeView(theme, index + 1, (iso) => formatDate(iso, shortDates), { max: maxSources, fill: !webPage }),
    );
  const rest = digest.themes.slice(settings.maxThemes);
  const labels = digest.themes.map((t) => isolate(clip(t.label, MAX_CHARS.label)));
  const customSubject = digest.subject?.trim() ? clip(digest.subject, 200) : undefined;
  const intro = digest.intro?.trim() ? paragraphs(digest.intro, MAX_CHARS.intro) : undefined;
  return {
    lang: settings.lang,
    title: digest.title,
    ...(customSubject && { customSubject }),
    ...(labels[0] && { topStory: labels[0] }),
    otherThemeCount: Math.max(0, digest.themes.length - 1),
    preheader: preheader(digest, labels),
    dateLabel: formatDate(digest.generatedAt, longDates) ?? '',
    greeting: placeholders.greeting,
    webPage,
    // The page itself is what "View in browser" would open.
    ...(!webPage && { archiveUrl: settings.footer.archiveUrl }),
    ...(intro && { intro }),
    topStories:
      themes.length > 1 ? themes.map(({ number, label, anchor }) => ({ number, label, anchor })) : [],
    themes,
    moreThemes: rest.slice(0, maxMoreThemes).map(headline),
    ...(rest.length > maxMoreThemes && {
      unlistedThemes: `and ${count(rest.length - maxMoreThemes, 'more story', 'more stories')}`,
    }),
    footer: {
      reason: settings.footer.reason,
      postalAddress: settings.footer.postalAddress,
      unsubscribeUrl: placeholders.unsubscribeUrl,
      preferencesUrl: placeholders.preferencesUrl,
    },
  };
}

/** The headlines after the top story; with a single story, its first point. */
function preheader(digest: Digest, labels: readonly string[]): string {
  const next = labels.slice(1);
  if (next.length === 0) return isolate(clip(digest.themes[0]?.points[0]?.text ?? '', 140));
  let text = '';
  for (const label of next) {
    const joined = text ? `${text} · ${label}` : label;
    if (joined.length > 140) return text || clip(label, 140);
    text = joined;
  }
  return text;
}

interface Candidate {
  article: DigestArticle;
  outlet?: string;
  url?: string;
}

function themeView(
  theme: Theme,
  number: number,
  formatDate: (iso?: string) => string | undefined,
  sourceLimit: SourceLimit,
): ThemeView {
  const candidates = new Map<string, Candidate>(
    theme.articles.map((article) => {
      const url = linkOf(article.url);
      const outlet = outletOf(article, url);
      return [article.id, { article, ...(outlet && { outlet }), ...(url && { url }) }];
    }),
  );
  const points = theme.points.slice(0, MAX_POINTS);
  const listed = pickSources(points, theme.articles, candidates, sourceLimit);
  const refs = new Map(listed.map((c, i) => [c.article.id, i + 1]));
  const numbered = new Set<string>();
  const pointViews = points.map((point) => {
    const citations: CitationView[] = [];
    const seen = new Set<string>();
    let more = 0;
    for (const id of new Set(point.sources)) {
      const cited = candidates.get(id);
      if (!cited) continue;
      const ref = refs.get(id);
      const label = cited.outlet ?? (ref === undefined ? undefined : `[${ref}]`);
      if (label !== undefined && seen.has(label)) continue;
      if (label === undefined || citations.length >= MAX_CITATIONS) {
        more++;
      } else {
        if (!cited.outlet) numbered.add(id);
        citations.push({ label, ...(cited.url && { url: cited.url }) });
      }
      if (label !== undefined) seen.add(label);
    }
    return {
      text: isolate(clip(point.text, MAX_CHARS.point)),
      citations,
      ...(more > 0 && {
        moreCitations: citations.length > 0 ? `+${more}` : count(more, 'other source', 'other sources'),
      }),
      parenthesised: citations.length === 0 || citations.some((c) => !c.label.startsWith('[')),
    };
  });
  const sources = listed.map(({ article, outlet, url }, i): SourceView => {
    const titled = article.headline !== false && article.title.trim() !== '';
    const date = formatDate(article.published);
    return {
      marker: numbered.size > 0 ? `[${i + 1}] ` : '',
      title: titled ? isolate(clip(article.title, MAX_CHARS.headline)) : (outlet ?? NO_OUTLET),
      ...(titled && outlet && { outlet }),
      ...(date && { date }),
      ...(url && { url }),
    };
  });
  const unlisted = theme.articles.reduce((n, a) => n + 1 + (a.duplicates?.length ?? 0), 0) - sources.length;
  return {
    number,
    anchor: `theme-${number}`,
    label: isolate(clip(theme.label, MAX_CHARS.label)),
    points: pointViews,
    sources,
    ...(unlisted > 0 && { moreSources: `and ${count(unlisted, 'more source', 'more sources')}` }),
  };
}

/**
 * How many sources a theme lists, and whether places left are filled with articles a reader cannot tell apart
 * (no headline, no outlet): the email fills its three; the web page, which lists every article, counts those.
 */
interface SourceLimit {
  max: number;
  fill: boolean;
}

/**
 * The articles listed under a theme, one per outlet first: those its points cite (the first source of each
 * point, then the others, so citations name listed sources), then articles a reader can recognise (a
 * headline or a known outlet) in the theme's order; then, with `fill`, any remaining places in that order.
 */
function pickSources(
  points: Theme['points'],
  articles: readonly DigestArticle[],
  candidates: ReadonlyMap<string, Candidate>,
  { max, fill }: SourceLimit,
): Candidate[] {
  const lookup = (ids: Iterable<string>) =>
    [...ids].map((id) => candidates.get(id)).filter((c): c is Candidate => c !== undefined);
  const cited = lookup(
    new Set([...points.flatMap((p) => p.sources.slice(0, 1)), ...points.flatMap((p) => p.sources)]),
  );
  const all = lookup(articles.map((a) => a.id));
  const picked: Candidate[] = [];
  const outlets = new Set<string>();
  const take = (candidate: Candidate, newOutletOnly: boolean) => {
    if (picked.length === max || picked.includes(candidate)) return;
    const key = candidate.outlet?.toLowerCase();
    if (newOutletOnly && key !== undefined && outlets.has(key)) return;
    picked.push(candidate);
    if (key !== undefined) outlets.add(key);
  };
  for (const candidate of cited) take(candidate, true);
  const recognisable = all.filter((c) => c.outlet !== undefined || c.article.headline !== false);
  for (const candidate of recognisable) take(candidate, true);
  for (const candidate of fill ? all : recognisable) take(candidate, false);
  return picked;
}

/**
 * The article's outlet from its metadata, else the host of its link. A claimed outlet never hides where its
 * link goes: when the link's real host differs, it is shown beside the outlet ("Reuters · evil.example"), with a
 * middle dot as a newsroom credit line has it: in parentheses, a citation would read "(Reuters (evil.example))".
 */
function outletOf(article: DigestArticle, url: string | undefined): string | undefined {
  const source = article.source?.trim();
  const host = url ? displayHost(url) : undefined;
  if (!source) return host && isolate(host);
  const outlet = clip(source, MAX_CHARS.outlet);
  return host && !namesHost(outlet, host) ? `${isolate(outlet)} · ${isolate(host)}` : isolate(outlet);
}

/**
 * Whether an outlet's name plainly is the link's site: its letters contain the host's registrable label
 * or are contained in it ("Dawn" and dawn.com, "BBC" and bbc.co.uk, "AP" and apnews.com). Only that label
 * counts, so "Reuters" beside reuters.evil.example still shows the host.
 */
function namesHost(outlet: string, host: string): boolean {
  const name = outlet.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const labels = host.toLowerCase().split('.').slice(0, -1);
  // "co" in bbc.co.uk, "com" in abc.com.au: a short second-level label is not the site's name.
  const site = labels.length > 1 && (labels.at(-1)?.length ?? 0) <= 3 ? labels.at(-2) : labels.at(-1);
  return name.length >= 2 && site !== undefined && (name.includes(site) || site.includes(name));
}

/** A link we may show: checked by safeHttpsUrl and short enough to print. */
function linkOf(value: string | undefined): string | undefined {
  const url = safeHttpsUrl(value);
  return url && url.length <= MAX_CHARS.url ? url : undefined;
}

/** An "Also in this issue" line: the headline, linked to the lead article, and that article's outlet. */
function headline(theme: Theme): HeadlineView {
  const lead = theme.articles[0];
  const url = linkOf(lead?.url);
  const outlet = lead && outletOf(lead, url);
  return {
    label: isolate(clip(theme.label, MAX_CHARS.label)),
    ...(url && { url }),
    ...(outlet && { outlet }),
  };
}

/** Letters of the scripts written right to left. */
const RIGHT_TO_LEFT =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}]/u;

/**
 * Text holding right-to-left letters, between Unicode's first-strong isolate and its pop (U+2068, U+2069), in
 * both parts: the email reads left to right, and without them the bidi algorithm runs an Arabic headline, the
 * " · " after it and an Arabic outlet together (showing the outlet first), moves a Hebrew point's full stop to
 * its start and the parentheses of a citation. Inside, the text takes its own direction. Other text is as is.
 */
function isolate(text: string): string {
  return RIGHT_TO_LEFT.test(text) ? `\u2068${text}\u2069` : text;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The paragraphs of a text (split at blank lines, each on one line), `max` characters in all: the last one shown
 * is cut at a word with an ellipsis.
 */
function paragraphs(text: string, max: number): string[] {
  const shown: string[] = [];
  let left = max;
  for (const paragraph of text.replace(/\r\n?/g, '\n').split(/\n[^\S\n]*\n/)) {
    const value = paragraph.replace(/\s+/g, ' ').trim();
    if (!value) continue;
    if (left < 2) break;
    const clipped = clip(value, left);
    shown.push(clipped);
    left -= clipped.length;
    if (clipped !== value) break;
  }
  return shown;
}

/** The text whole when it fits, else cut at the last space before `max` characters, with an ellipsis. */
function clip(text: string, max: number): string {
  const value = text.replace(/\s+/g, ' ').trim();
  if (value.length <= max) return value;
  const cut = value.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
