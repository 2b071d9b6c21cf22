import type { Digest, DigestArticle, Theme } from '../digest.ts';
import { safeHttpUrl } from './links.ts';
import type { EmailSettings } from './settings.ts';

/** Per-recipient values, written into the render as placeholder tokens and filled in by personalise(). */
export interface RecipientPlaceholders {
  greeting: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}

/** What the templates see: every link already checked, every label already chosen. */
export interface EmailView {
  lang: string;
  title: string;
  subject?: string;
  preheader: string;
  dateLabel: string;
  greeting: string;
  /** The editor's note, shown under the greeting. */
  intro?: string;
  archiveUrl?: string;
  themes: ThemeView[];
  otherThemeCount: number;
  moreThemes: HeadlineView[];
  footer: {
    reason: string;
    postalAddress: string[];
    unsubscribeUrl: string;
    preferencesUrl: string;
  };
}

export interface ThemeView {
  number: number;
  label: string;
  points: { text: string; citations: CitationView[] }[];
  articles: ArticleView[];
}

export interface CitationView {
  /** Number of the cited article in the plain-text references. */
  ref: number;
  name: string;
  url?: string;
}

export interface ArticleView {
  ref: number;
  title: string;
  /** Source and publication date, e.g. "Dawn, 28 February 2026"; empty when neither is known. */
  byline: string;
  url?: string;
  duplicates: string[];
}

export interface HeadlineView {
  label: string;
  headline: string;
  url?: string;
}

export function buildEmailView(
  digest: Digest,
  settings: EmailSettings,
  placeholders: RecipientPlaceholders,
): EmailView {
  const dates = new Intl.DateTimeFormat(settings.lang, { dateStyle: 'long', timeZone: 'UTC' });
  const formatDate = (iso: string | undefined) => {
    const time = iso ? Date.parse(iso) : Number.NaN;
    return Number.isNaN(time) ? undefined : dates.format(time);
  };
  let nextRef = 1;
  const themes = digest.themes.slice(0, settings.maxThemes).map((theme, index): ThemeView => {
    const articles = theme.articles.map(
      (article): ArticleView => ({
        ref: nextRef++,
        title: article.title,
        byline: [article.source, formatDate(article.published)].filter(Boolean).join(', '),
        url: safeHttpUrl(article.url),
        duplicates: article.duplicates ?? [],
      }),
    );
    const byId = new Map(theme.articles.map((a, i) => [a.id, { article: a, view: articles[i] }]));
    return {
      number: index + 1,
      label: theme.label,
      points: theme.points.map((point) => ({
        text: point.text,
        citations: point.sources.flatMap((id) => {
          const cited = byId.get(id);
          if (!cited?.view) return [];
          return [
            { ref: cited.view.ref, name: citationName(cited.article, cited.view.url), url: cited.view.url },
          ];
        }),
      })),
      articles,
    };
  });
  const moreThemes = digest.themes.slice(settings.maxThemes).map(headline);
  const firstPoint = digest.themes[0]?.points[0]?.text ?? '';
  return {
    lang: settings.lang,
    title: digest.title,
    preheader: firstPoint.length > 140 ? `${firstPoint.slice(0, 139)}…` : firstPoint,
    dateLabel: formatDate(digest.generatedAt) ?? '',
    greeting: placeholders.greeting,
    ...(digest.intro && { intro: digest.intro }),
    archiveUrl: settings.footer.archiveUrl,
    themes,
    otherThemeCount: Math.max(0, digest.themes.length - 1),
    moreThemes,
    footer: {
      reason: settings.footer.reason,
      postalAddress: settings.footer.postalAddress,
      unsubscribeUrl: placeholders.unsubscribeUrl,
      preferencesUrl: placeholders.preferencesUrl,
    },
  };
}

/** A point names each article it came from by its outlet, else its site, else the start of its title. */
function citationName(article: DigestArticle, url: string | undefined): string {
  if (article.source) return article.source;
  if (url) return new URL(url).hostname.replace(/^www\./, '');
  return article.title.length > 48 ? `${article.title.slice(0, 47).trimEnd()}…` : article.title;
}

function headline(theme: Theme): HeadlineView {
  const lead = theme.articles[0];
  return { label: theme.label, headline: lead?.title ?? theme.label, url: safeHttpUrl(lead?.url) };
}
