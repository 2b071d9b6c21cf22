import { createHash } from 'node:crypto';
import type { CanonicalArticle } from './article.ts';
import { Heap } from './text/heap.ts';
import { documentFrequencies, dot, idf, type SparseVector, tfidfVectors } from './text/tfidf.ts';
import { contentTerms, isStopword } from './text/tokens.ts';

export interface ThemeGroup {
  id: string;
  label: string;
  /** Articles of the theme, most central first. */
  articles: CanonicalArticle[];
}

export interface ThemeOptions {
  /** Average-link cosine similarity two groups need to merge. @default 0.1 */
  threshold?: number;
  /** Share of the two groups' own cohesion their average link must reach to merge. @default 0.4 */
  cohesionRatio?: number;
  /** Terms per article used to find candidate neighbours. @default 30 */
  candidateTerms?: number;
  /**
   * Nearest neighbours kept per article (a sparse k-nearest-neighbour graph; other pairs count as
   * similarity 0, which keeps loosely related stories apart). @default 12
   */
  candidatesPerArticle?: number;
  /** Most index postings scanned to find one article's candidates (rarest terms first). @default 3000 */
  postingsPerArticle?: number;
  /** Times the headline's terms count compared to the body's. @default 2 */
  titleWeight?: number;
  /** Extra times the terms of names (capitalised phrases) count: names tell one story from another. @default 3 */
  nameWeight?: number;
}

export const DEFAULT_THEME_OPTIONS: Required<ThemeOptions> = {
  threshold: 0.1,
  cohesionRatio: 0.4,
  candidateTerms: 30,
  candidatesPerArticle: 12,
  postingsPerArticle: 3000,
  titleWeight: 2,
  nameWeight: 3,
};

/**
 * Groups articles about the same story: TF-IDF vectors, candidate neighbours from an inverted index of
 * each article's top terms (no all-pairs comparison), then average-link clustering stopped at a
 * similarity threshold and relative to the groups' cohesion. Input order does not matter: articles
 * are processed in id order.
 */
export function groupThemes(articles: readonly CanonicalArticle[], options: ThemeOptions = {}): ThemeGroup[] {
  const settings = { ...DEFAULT_THEME_OPTIONS, ...options };
  const sorted = [...articles].sort((a, b) => compareIds(a.id, b.id));
  const docs = sorted.map((article) => articleTerms(article, settings.titleWeight, settings.nameWeight));
  const df = documentFrequencies(docs);
  // A term found in one article only cannot link it to another; it would only dilute its vector.
  const vectors = tfidfVectors(
    docs.map((terms) => terms.filter((t) => (df.get(t) as number) > 1)),
    df,
  );
  const edges = candidateEdges(vectors, settings);
  const clusters = averageLink(sorted.length, edges, settings.threshold, settings.cohesionRatio);
  const groups = clusters.map((members) =>
    toGroup(
      members.map((i) => sorted[i] as CanonicalArticle),
      members,
      vectors,
      df,
      sorted.length,
    ),
  );
  return groups.sort(compareGroups).map(({ group }) => group);
}

function articleTerms(article: CanonicalArticle, titleWeight: number, nameWeight: number): string[] {
  const title = contentTerms(article.title);
  const names = contentTerms(article.sentences.flatMap(namePhrases).join(' '));
  // concat, not push(...): a long article's terms would overflow the call stack as arguments.
  return contentTerms(article.text).concat(
    ...Array<string[]>(titleWeight).fill(title),
    ...Array<string[]>(nameWeight).fill(names),
  );
}

interface Edge {
  a: number;
  b: number;
  similarity: number;
}

function topTerms(vector: SparseVector, count: number): string[] {
  return [...vector]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, count)
    .map(([term]) => term);
}

/** Exact cosine for each article and its best candidates from the inverted index of top terms. */
function candidateEdges(vectors: readonly SparseVector[], settings: Required<ThemeOptions>): Edge[] {
  const tops = vectors.map((v) => topTerms(v, settings.candidateTerms));
  // term -> articles having it among their top terms, with its weight there.
  const postings = new Map<string, { docs: number[]; weights: number[] }>();
  tops.forEach((terms, doc) => {
    for (const term of terms) {
      let list = postings.get(term);
      if (!list) {
        list = { docs: [], weights: [] };
        postings.set(term, list);
      }
      list.docs.push(doc);
      list.weights.push((vectors[doc] as SparseVector).get(term) as number);
    }
  });
  const seen = new Set<number>();
  const edges: Edge[] = [];
  const n = vectors.length;
  const k = settings.candidatesPerArticle;
  // Dense accumulator reused for every article; `touched` lists the entries to read and reset.
  const partial = new Float64Array(n);
  const touched: number[] = [];
  tops.forEach((terms, doc) => {
    const vector = vectors[doc] as SparseVector;
    const lists = terms.map((term) => ({
      term,
      list: postings.get(term) as { docs: number[]; weights: number[] },
    }));
    // Rarest terms first, and a bounded number of postings per article: cost stays linear in articles.
    lists.sort((x, y) => x.list.docs.length - y.list.docs.length || compareIds(x.term, y.term));
    let scanned = 0;
    for (const { term, list } of lists) {
      scanned += list.docs.length;
      if (scanned > settings.postingsPerArticle && touched.length > 0) break;
      const weight = vector.get(term) as number;
      for (let i = 0; i < list.docs.length; i++) {
        const other = list.docs[i] as number;
        if (other === doc) continue;
        if (partial[other] === 0) touched.push(other);
        partial[other] = (partial[other] as number) + weight * (list.weights[i] as number);
      }
    }
    const best = nearest(touched, partial, k);
    for (const other of touched) partial[other] = 0;
    touched.length = 0;
    for (const other of best) {
      const a = Math.min(doc, other);
      const b = Math.max(doc, other);
      const key = a * n + b;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ a, b, similarity: dot(vector, vectors[other] as SparseVector) });
    }
  });
  return edges;
}

/** The k entries of `candidates` with the highest score (ties: lower index), best first, without a full sort. */
function nearest(candidates: readonly number[], score: Float64Array, k: number): number[] {
  const better = (x: number, y: number) =>
    (score[x] as number) > (score[y] as number) || (score[x] === score[y] && x < y);
  const best: number[] = [];
  for (const candidate of candidates) {
    if (best.length === k && !better(candidate, best[k - 1] as number)) continue;
    let i = Math.min(best.length, k - 1);
    best[i] = candidate;
    while (i > 0 && better(candidate, best[i - 1] as number)) {
      best[i] = best[i - 1] as number;
      best[i - 1] = candidate;
      i--;
    }
  }
  return best;
}

interface Candidate {
  similarity: number;
  a: number;
  b: number;
}

/**
 * Average-link agglomerative clustering over a sparse similarity graph (absent pairs count as 0),
 * merging the most similar pair of groups until none reaches the threshold. A pair also needs an
 * average similarity of at least `cohesionRatio` times the groups' own cohesion (geometric mean of
 * their mean internal similarity): two tight stories that share a subject stay apart, while a loose
 * story told over weeks still comes together. Returns member indices.
 */
function averageLink(
  count: number,
  edges: readonly Edge[],
  threshold: number,
  cohesionRatio: number,
): number[][] {
  const members: number[][] = Array.from({ length: count }, (_, i) => [i]);
  const links: Map<number, number>[] = Array.from({ length: count }, () => new Map());
  const alive: boolean[] = Array.from({ length: count }, () => true);
  const internal: number[] = Array.from({ length: count }, () => 0);
  const cohesion = (c: number) => {
    const n = (members[c] as number[]).length;
    return n < 2 ? undefined : (internal[c] as number) / ((n * (n - 1)) / 2);
  };
  const heap = new Heap<Candidate>(
    (x, y) =>
      x.similarity > y.similarity ||
      (x.similarity === y.similarity && (x.a < y.a || (x.a === y.a && x.b < y.b))),
  );
  for (const { a, b, similarity } of edges) {
    (links[a] as Map<number, number>).set(b, similarity);
    (links[b] as Map<number, number>).set(a, similarity);
    if (similarity >= threshold) heap.push({ similarity, a, b });
  }
  for (let top = heap.pop(); top && top.similarity >= threshold; top = heap.pop()) {
    const { a, b } = top;
    if (!alive[a] || !alive[b]) continue;
    const ca = cohesion(a);
    const cb = cohesion(b);
    const reference = ca !== undefined && cb !== undefined ? Math.sqrt(ca * cb) : (ca ?? cb);
    if (reference !== undefined && top.similarity < cohesionRatio * reference) continue;
    const merged = members.length;
    internal.push(
      (internal[a] as number) +
        (internal[b] as number) +
        top.similarity * (members[a] as number[]).length * (members[b] as number[]).length,
    );
    alive[a] = false;
    alive[b] = false;
    alive.push(true);
    members.push([...(members[a] as number[]), ...(members[b] as number[])]);
    const sums = new Map<number, number>();
    for (const side of [a, b]) {
      for (const [other, sum] of links[side] as Map<number, number>) {
        if (other === a || other === b) continue;
        sums.set(other, (sums.get(other) ?? 0) + sum);
        (links[other] as Map<number, number>).delete(side);
      }
      (links[side] as Map<number, number>).clear();
    }
    links.push(sums);
    const size = (members[merged] as number[]).length;
    for (const [other, sum] of sums) {
      (links[other] as Map<number, number>).set(merged, sum);
      const similarity = sum / (size * (members[other] as number[]).length);
      if (similarity >= threshold)
        heap.push({ similarity, a: Math.min(other, merged), b: Math.max(other, merged) });
    }
  }
  return members.filter((_, i) => alive[i]).map((m) => [...m].sort((x, y) => x - y));
}

interface RankedGroup {
  group: ThemeGroup;
  size: number;
  sources: number;
  latest: string;
}

function toGroup(
  articles: readonly CanonicalArticle[],
  indices: readonly number[],
  vectors: readonly SparseVector[],
  df: ReadonlyMap<string, number>,
  docCount: number,
): RankedGroup {
  const centroid: SparseVector = new Map();
  for (const i of indices) {
    for (const [term, w] of vectors[i] as SparseVector) centroid.set(term, (centroid.get(term) ?? 0) + w);
  }
  const centrality = indices.map((i) => dot(vectors[i] as SparseVector, centroid));
  const ordered = articles
    .map((article, k) => ({ article, score: centrality[k] as number }))
    .sort((x, y) => y.score - x.score || compareIds(x.article.id, y.article.id))
    .map(({ article }) => article);
  const ids = articles.map((a) => a.id).sort(compareIds);
  const id = `theme-${createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 12)}`;
  return {
    group: { id, label: labelFor(ordered, df, docCount), articles: ordered },
    size: articles.reduce((n, a) => n + 1 + a.duplicates.length, 0),
    sources: new Set(articles.map((a) => a.source ?? a.id)).size,
    latest: articles.reduce((latest, a) => (a.published && a.published > latest ? a.published : latest), ''),
  };
}

/** Bigger stories first, then more distinct sources, then the most recent; ties by id. */
function compareGroups(x: RankedGroup, y: RankedGroup): number {
  return (
    y.size - x.size ||
    y.sources - x.sources ||
    (x.latest === y.latest ? 0 : x.latest < y.latest ? 1 : -1) ||
    compareIds(x.group.id, y.group.id)
  );
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const MAX_LABEL_WORDS = 6;

/**
 * A short label from the names the theme's articles share: capitalised phrases scored by how many of the
 * theme's articles and headlines use them and how rare they are elsewhere; the two best that do not overlap.
 * Falls back to the central article's headline, shortened.
 */
function labelFor(
  articles: readonly CanonicalArticle[],
  df: ReadonlyMap<string, number>,
  docCount: number,
): string {
  const support = new Map<string, { articles: number; titles: number; first: number; surface: string }>();
  articles.forEach((article, rank) => {
    const inTitle = new Set(namePhrases(article.title).map((p) => p.toLowerCase()));
    const phrases = new Set<string>(namePhrases(article.title));
    for (const text of article.sentences.slice(0, 5)) for (const p of namePhrases(text)) phrases.add(p);
    const seen = new Set<string>();
    for (const phrase of phrases) {
      const key = phrase.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = support.get(key);
      const titles = inTitle.has(key) ? 1 : 0;
      if (entry) {
        entry.articles++;
        entry.titles += titles;
      } else support.set(key, { articles: 1, titles, first: rank, surface: phrase });
    }
  });
  const scored = [...support.values()]
    .map((entry) => {
      const terms = contentTerms(entry.surface);
      const rarity =
        terms.reduce((sum, t) => sum + idf(df.get(t) ?? 0, docCount), 0) / Math.max(1, terms.length);
      const coverage = entry.articles / articles.length;
      // Headlines name what the story is about; a two-word name is more telling than one word.
      const headline = 1 + entry.titles / articles.length;
      return { ...entry, score: coverage * rarity * headline * (1 + 0.25 * (Math.min(terms.length, 2) - 1)) };
    })
    .filter((entry) => articles.length === 1 || entry.articles >= 2)
    .sort((x, y) => y.score - x.score || x.first - y.first || compareIds(x.surface, y.surface));
  // A person in the headlines who speaks in most articles: the story is what they said. The shortest
  // form of the name ("Khawaja Asif", not "Defence Minister Khawaja Asif").
  // Only the best few names are tried: the regular expressions scan every article of the theme.
  const leading = scored.slice(0, 5);
  const speaker = leading
    .filter(
      (entry) =>
        articles.filter((a) => a.title.includes(entry.surface)).length >= 2 &&
        speaksInMost(entry.surface, articles),
    )
    .sort((x, y) => x.surface.length - y.surface.length)[0];
  if (speaker) {
    const topic = leading.find(
      (entry) => !overlaps(entry.surface, speaker.surface) && mostlyObject(entry.surface, articles),
    );
    if (topic) return `${speaker.surface} on ${topic.surface}`;
  }
  const chosen: string[] = [];
  for (const { surface } of scored) {
    const lower = surface.toLowerCase();
    if (chosen.some((c) => c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase()))) continue;
    chosen.push(surface);
    if (chosen.length === 2) break;
  }
  if (chosen.length > 0) return chosen.join(', ');
  const central = articles[0] as CanonicalArticle;
  const headline = (central.title.trim() || central.id).split(/\s+/);
  return headline.length > MAX_LABEL_WORDS + 2
    ? `${headline.slice(0, MAX_LABEL_WORDS).join(' ')}…`
    : headline.join(' ');
}

const SPEECH_VERB =
  '(?:said|says|told|tells|stated|states|added|urged|urges|warned|warns|stressed|noted|outlined|reminded|recalled|announced|asked|claimed|insisted|denied)';
const OBJECT_BEFORE =
  /^(?:with|in|inside|into|to|from|against|on|about|over|toward|towards|across|for|at|urged|urges|reminded|warned|told)$/i;
const SUBJECT_BEFORE = /^(?:that|said|says)$/i;
const SUBJECT_AFTER = /^(?:has|had|is|was|does|did|will|would|should|could|can|said|says|\p{Ll}+ed)$/u;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function overlaps(a: string, b: string): boolean {
  const words = new Set(b.toLowerCase().split(/\s+/));
  return a
    .toLowerCase()
    .split(/\s+/)
    .some((w) => words.has(w));
}

/**
 * A full name (two words or more) that, in at least half of the theme's articles (two at least), is
 * the subject of a speech verb in the headline or the first 5 sentences: "Khawaja Asif on Saturday
 * said". The theme is then what that person said.
 */
function speaksInMost(name: string, articles: readonly CanonicalArticle[]): boolean {
  if (name.split(/\s+/).length < 2 || articles.length < 2) return false;
  const pattern = new RegExp(`\\b${escapeRegExp(name)}(?:\\s+\\S+){0,3}?\\s+${SPEECH_VERB}\\b`, 'u');
  const speaking = articles.filter((a) =>
    [a.title, ...a.sentences.slice(0, 5)].some((text) => pattern.test(text)),
  ).length;
  return speaking >= Math.max(2, articles.length / 2);
}

/**
 * True when the theme's articles mention the name more often after a preposition or an addressing
 * verb ("relations with Afghanistan", "urges Kabul") than as a subject ("Pakistan has", "said that
 * Pakistan"): what the story is about rather than who acts in it.
 */
function mostlyObject(name: string, articles: readonly CanonicalArticle[]): boolean {
  const pattern = new RegExp(`(?:^|\\s)(\\S+)\\s+${escapeRegExp(name)}(?:['’]s)?(?:\\s+(\\S+))?`, 'gu');
  const start = new RegExp(`^${escapeRegExp(name)}(?:['’]s)?\\s+(\\S+)`, 'u');
  let asObject = 0;
  let asSubject = 0;
  for (const article of articles) {
    for (const text of [article.title, ...article.sentences]) {
      const next = start.exec(text)?.[1];
      if (next && SUBJECT_AFTER.test(next)) asSubject++;
      for (const [, before, after] of text.matchAll(pattern)) {
        if (OBJECT_BEFORE.test(before as string)) asObject++;
        else if (SUBJECT_BEFORE.test(before as string) || (after !== undefined && SUBJECT_AFTER.test(after)))
          asSubject++;
      }
    }
  }
  return asObject > asSubject;
}

const CALENDAR_WORD =
  /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december)$/i;

const UPPER_START = /^[^\p{L}\p{N}]*\p{Lu}/u;
// $1 keeps the last letter or digit before trailing punctuation: no run is scanned from more than one place.
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|([\p{L}\p{N}])[^\p{L}\p{N}]+$/gu;
const POSSESSIVE = /['’]s$/u;
const NAME_WORD = /^\p{Lu}[\p{L}'’.-]*$/u;
const CLOSING_PUNCTUATION = /[,.;:!?"”)]$/;

/** Runs of capitalised words (names, places, organisations), not counting a sentence's first word alone. */
function namePhrases(text: string): string[] {
  const phrases: string[] = [];
  const tokens = text.split(/\s+/);
  let run: string[] = [];
  const flush = (startsSentence: boolean) => {
    if (run.length > 1 || (run.length === 1 && !startsSentence)) phrases.push(run.join(' '));
    run = [];
  };
  let runStart = 0;
  tokens.forEach((raw, i) => {
    // Cheap test first: most tokens start with a lowercase letter and cannot be names.
    const startsUpper = UPPER_START.test(raw);
    const word = startsUpper ? raw.replace(EDGE_PUNCTUATION, '$1').replace(POSSESSIVE, '') : '';
    const capitalised =
      startsUpper && NAME_WORD.test(word) && !isStopword(word.toLowerCase()) && !CALENDAR_WORD.test(word);
    if (capitalised && run.length < 4) {
      if (run.length === 0) runStart = i;
      run.push(word);
    } else flush(runStart === 0);
    if (CLOSING_PUNCTUATION.test(raw)) flush(runStart === 0);
  });
  flush(runStart === 0);
  return phrases;
}
