/**
 * The digest.json contract. Stable: tools, tests and the preview read it.
 * Every input file appears exactly once: as an article id, in an article's duplicates, or in skipped.
 */
export interface Digest {
  title: string;
  generatedAt: string;
  /** The editor's note shown at the top of the email, when there is one. */
  intro?: string;
  /** The email's subject line; when absent it is made from the top story's headline. */
  subject?: string;
  /** All themes, ranked. Rendering shows the first maxThemes in full. */
  themes: Theme[];
  skipped: Skipped[];
}

export interface Theme {
  id: string;
  label: string;
  articles: DigestArticle[];
  points: Point[];
  /** True when an editor wrote `label`; the summariser's label otherwise. */
  edited?: true;
  /**
   * Sentences of the theme's own articles an editor may swap a point for, as the summariser ranked them;
   * quoted and cited like points. Not rendered.
   */
  alternatives?: Point[];
}

export interface DigestArticle {
  /** The input file: kept here for tools and editors, never shown to readers. */
  id: string;
  title: string;
  /** False when `title` is the article's lead sentence, not a headline (see Article.headline). */
  headline?: boolean;
  /** The outlet's name from the article's metadata. */
  source?: string;
  url?: string;
  published?: string;
  duplicates?: string[];
}

/** A summary point; its text is found in every article it cites. */
export interface Point {
  text: string;
  sources: string[];
  /** True when an editor chose this point (a swap from `alternatives`): still quoted from its sources. */
  edited?: true;
}

export interface Skipped {
  id: string;
  reason: string;
}
