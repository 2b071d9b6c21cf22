/**
 * The digest.json contract. Stable: tools, tests and the preview read it.
 * Every input file appears exactly once: as an article id, in an article's duplicates, or in skipped.
 */
export interface Digest {
  title: string;
  generatedAt: string;
  /** All themes, ranked. Rendering shows the first maxThemes in full. */
  themes: Theme[];
  skipped: Skipped[];
  /** The editor's note, shown at the top of the email. */
  intro?: string;
  /** The editor's subject line, instead of the one the subject template makes. */
  subject?: string;
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
  id: string;
  title: string;
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
