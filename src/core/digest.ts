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
}

export interface Theme {
  id: string;
  label: string;
  articles: DigestArticle[];
  points: Point[];
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
}

export interface Skipped {
  id: string;
  reason: string;
}
