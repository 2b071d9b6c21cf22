import { hash } from 'node:crypto';
import type { CanonicalArticle } from './article.ts';
import { compareIds } from './compare-ids.ts';
import { headlineFor } from './headline.ts';
import { ArticleTerms, type ArticleText, IntList, type WordVisitor } from './text/article-terms.ts';
import { PairHeap } from './text/heap.ts';
import { type TermVectors, termVectors } from './text/term-vectors.ts';
import { firstWords, isStopword } from './text/tokens.ts';
import { grown } from './text/typed-arrays.ts';
import { VectorIndex } from './text/vector-index.ts';

export interface ThemeGroup {
  id: string;
  /** The theme's headline (see headline.ts). */
  label: string;
  /** Articles of the theme, most central first. */
  articles: CanonicalArticle[];
}

export interface ThemeOptions {
  /** Average-link cosine similarity two groups need to merge. @default 0.1 */
  threshold?: number;
  /** Share of the two groups' own cohesion their average link must reach to merge. @default 0.4 */
  cohesionRatio?: number;
  /**
   * The same share for two groups whose dated articles came out over the same days: one news cycle, so a
   * looser link is enough (events of one kind still need no contradicting signatures). @default 0.3
   */
  sameDaysCohesionRatio?: number;
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
  /**
   * Share of a group's articles that must name a person, place or figure in their lead for it to count
   * as that group's signature (see `distinctEvents`). @default 0.6
   */
  signatureShare?: number;
  /** Fewest articles each of two groups needs before their signatures can keep them apart. @default 3 */
  signatureSize?: number;
  /**
   * Fewest terms (of those found in two or more articles) two single articles must share to start a theme
   * together. In a small folder the terms left are the few common words unrelated articles happen to share,
   * which gives them a high cosine; a real pair shares dozens. @default 8
   */
  minSharedTerms?: number;
  /**
   * Least share of the shorter article's distinct terms two single articles must have in common to start a theme
   * together. Their vectors keep only the terms found in two or more articles, so in a small folder two unrelated
   * articles keep only the few words they happen to share and look alike; on ecbplus-dev 99 % of pairs of one
   * event share at least 16 % of the shorter one's terms, and half of the other pairs 8 % or less. @default 0.15
   */
  minSharedShare?: number;
}

export const DEFAULT_THEME_OPTIONS: Required<ThemeOptions> = {
  threshold: 0.1,
  cohesionRatio: 0.4,
  sameDaysCohesionRatio: 0.3,
  candidateTerms: 30,
  candidatesPerArticle: 12,
  postingsPerArticle: 3000,
  titleWeight: 2,
  nameWeight: 3,
  signatureShare: 0.6,
  signatureSize: 3,
  minSharedTerms: 8,
  minSharedShare: 0.15,
};

/**
 * Groups articles about the same story: TF-IDF vectors, candidate neighbours from an inverted index of
 * each article's top terms (no all-pairs comparison), then average-link clustering stopped at a
 * similarity threshold and relative to the groups' cohesion. Input order does not matter: articles
 * are processed in id order. `headline` gives each group its label from its articles, most central first
 * (the build's memo passes one that reuses the last build's).
 */
export function groupThemes(
  articles: readonly CanonicalArticle[],
  options: ThemeOptions = {},
  terms: ArticleTerms = new ArticleTerms(),
  headline: (ordered: readonly CanonicalArticle[]) => string = (ordered) => headlineFor(ordered, terms),
): ThemeGroup[] {
  const settings = { ...DEFAULT_THEME_OPTIONS, ...options };
  const sorted = [...articles].sort((a, b) => compareIds(a.id, b.id));
  const { vectors, signatures } = articleVectors(sorted, settings, terms);
  const edges = candidateEdges(vectors, settings);
  const shared = new SharedTerms(vectors);
  const thinPair = (a: number, b: number) => {
    const count = shared.count(a, b);
    const shorter = Math.min(vectors.distinctTerms[a] as number, vectors.distinctTerms[b] as number);
    return count < settings.minSharedTerms || count < settings.minSharedShare * shorter;
  };
  const clusters = averageLink(
    sorted.length,
    edges,
    settings,
    signatures,
    sorted.map(publishedDays),
    thinPair,
  );
  const centroid = new Float64Array(vectors.terms.size);
  const groups = clusters.map((members) =>
    toGroup(
      members.map((i) => sorted[i] as CanonicalArticle),
      members,
      vectors,
      centroid,
      headline,
    ),
  );
  return groups.sort(compareGroups).map(({ group }) => group);
}

/**
 * Each article's TF-IDF vector and event signature, from the build's shared tokens: the terms of its
 * body, title (`titleWeight` times) and names (`nameWeight` times), in that order. Each article's terms
 * are dropped once weighed: only the vectors stay in memory.
 */
function articleVectors(
  sorted: readonly CanonicalArticle[],
  settings: Required<ThemeOptions>,
  terms: ArticleTerms,
): { vectors: TermVectors; signatures: Set<number>[] } {
  const names = new NameReader(terms);
  const doc = new IntList();
  const kind = `theme terms ${settings.titleWeight} ${settings.nameWeight}`;
  const perArticle = sorted.map((article) =>
    terms.derived(article, kind, () => termsAndSignature(article, settings, terms, names, doc)),
  );
  const docs = perArticle.map((article) => article.doc);
  const signatures = perArticle.map((article) => article.signature);
  // A term found in one article only cannot link it to another; it would only dilute its vector.
  return { vectors: termVectors(docs, terms, 2), signatures };
}

/**
 * One article's terms for its vector (body, title `titleWeight` times, names `nameWeight` times, in that
 * order) and its event signature. `doc` is scratch.
 */
function termsAndSignature(
  article: ArticleText,
  settings: Required<ThemeOptions>,
  terms: ArticleTerms,
  names: NameReader,
  doc: IntList,
): { doc: Int32Array; signature: Set<number> } {
  doc.clear();
  const body = firstWords(article.text, TERM_WORDS);
  const bodyTokens = body === article.text ? terms.textTokens(article) : terms.tokens(body);
  terms.appendContentTerms(bodyTokens, 0, bodyTokens.length, doc);
  const title = terms.titleTokens(article);
  for (let n = 0; n < settings.titleWeight; n++) terms.appendContentTerms(title, 0, title.length, doc);
  const nameStart = doc.length;
  const sentences = terms.sentenceTokens(article);
  // Where in `doc` the names of each lead sentence are, when they are those its signature reads.
  const leadNames: ([number, number] | undefined)[] = [];
  let left = TERM_WORDS;
  for (const [i, sentence] of article.sentences.entries()) {
    if (left <= 0) break;
    const from = doc.length;
    const read = names.append(sentence, sentences.ids, sentences.starts[i] as number, left, doc);
    // Read whole (fewer words than were left) and no longer than a lead: the signature reads the same.
    if (i < SIGNATURE_SENTENCES && read < left && read <= LEAD_WORDS) leadNames[i] = [from, doc.length];
    left -= read;
  }
  const signature = eventSignature(article, terms, names, doc, leadNames);
  const nameEnd = doc.length;
  for (let n = 1; n < settings.nameWeight; n++) for (let i = nameStart; i < nameEnd; i++) doc.push(doc.at(i));
  if (settings.nameWeight === 0) doc.length = nameStart;
  return { doc: doc.toArray(), signature };
}

/**
 * Words of an article read for its terms: far more than any news story has (the eval sets' longest have
 * about 1,500), so only a huge hostile file is cut, and its cost stays bounded.
 */
const TERM_WORDS = 5000;
/** Words of a lead sentence read for names and figures: a sentence longer than this is no lead. */
const LEAD_WORDS = 400;

// Digits joined by single separators: linear time on any input.
const FIGURE = /[$€£]?\d+(?:[.,:]\d+)*/g;

/** Figures as written ("5.6", "$160", "2:09", "10"): what tells one quake, deal or vote from another. */
function figureTerms(text: string): string[] {
  return (text.match(FIGURE) ?? []).map((f) => `#${f.replace(/,/g, '')}`);
}

/** The candidate pairs of articles `(a[e], b[e])`, `a[e] < b[e]`, and the cosine of each, in order found. */
interface Edges {
  a: number[];
  b: number[];
  similarity: number[];
}

/**
 * Writes to `top` from `at` where in vector `doc` its `count` heaviest terms are (ties: code-unit order of
 * the terms), heaviest first, without sorting the whole vector. Returns how many it wrote (fewer when the
 * vector is shorter).
 */
function topTerms(
  vectors: TermVectors,
  ranks: Int32Array,
  doc: number,
  count: number,
  top: Int32Array,
  at: number,
): number {
  const ids = vectors.ids[doc] as Int32Array;
  const weights = vectors.weights[doc] as Float64Array;
  // Whether the term at position x comes before the one at y: heavier, or as heavy and first by text.
  const before = (x: number, y: number) => {
    const wx = weights[x] as number;
    const wy = weights[y] as number;
    return (
      wx > wy || (wx === wy && (ranks[ids[x] as number] as number) < (ranks[ids[y] as number] as number))
    );
  };
  let size = 0;
  if (count <= 0) return size;
  for (let position = 0; position < ids.length; position++) {
    if (size === count) {
      if (!before(position, top[at + size - 1] as number)) continue;
      size--;
    }
    let i = at + size;
    for (; i > at && before(position, top[i - 1] as number); i--) top[i] = top[i - 1] as number;
    top[i] = position;
    size++;
  }
  return size;
}

/**
 * The rank of each term of the vectors in the code-unit order of the terms' text (other ids: 0), so ties
 * between terms are broken by comparing numbers: the texts are compared once, in one sort.
 */
function textRanks(vectors: TermVectors): Int32Array {
  const ranks = new Int32Array(vectors.terms.size);
  const terms: number[] = [];
  for (const ids of vectors.ids)
    for (const id of ids)
      if (ranks[id] === 0) {
        ranks[id] = 1;
        terms.push(id);
      }
  const text = (id: number) => vectors.terms.text(id);
  terms.sort((x, y) => compareIds(text(x), text(y)));
  terms.forEach((id, rank) => {
    ranks[id] = rank;
  });
  return ranks;
}

/** Exact cosine for each article and its best candidates from the inverted index of top terms. */
function candidateEdges(vectors: TermVectors, settings: Required<ThemeOptions>): Edges {
  const n = vectors.ids.length;
  // Whole numbers, and no more than there can be: they size typed arrays (`Infinity` means "all").
  const longest = vectors.ids.reduce((most, ids) => Math.max(most, ids.length), 0);
  const count = Math.min(longest, Math.max(0, Math.floor(settings.candidateTerms)));
  const k = Math.min(n, Math.max(0, Math.floor(settings.candidatesPerArticle)));
  // Each article's top terms: `tops[doc * count ..]`, `topSizes[doc]` of them.
  const tops = new Int32Array(n * count);
  const topSizes = new Int32Array(n);
  const ranks = textRanks(vectors);
  for (let doc = 0; doc < n; doc++) topSizes[doc] = topTerms(vectors, ranks, doc, count, tops, doc * count);
  const postings = new Postings(vectors, ranks, tops, topSizes, count);
  const lists = new Int32Array(count);
  const positions = new Int32Array(count);
  const index = new VectorIndex(vectors);
  // Dense accumulator reused for every article; `touched` lists the entries to read and reset.
  const partial = new Float64Array(n);
  const touched = new Int32Array(n);
  // Each article's nearest (-1: none), row `doc`: a pair found from its other article is found once.
  const nearestOf = new Int32Array(n * k).fill(-1);
  const edges: Edges = { a: [], b: [], similarity: [] };
  for (let doc = 0; doc < n; doc++) {
    const weights = vectors.weights[doc] as Float64Array;
    // Rarest terms first, and a bounded number of postings per article: cost stays linear in articles.
    const size = postings.rarestFirst(doc, tops, doc * count, topSizes[doc] as number, lists, positions);
    let scanned = 0;
    let candidates = 0;
    for (let i = 0; i < size; i++) {
      const list = lists[i] as number;
      scanned += postings.length(list);
      if (scanned > settings.postingsPerArticle && candidates > 0) break;
      candidates = postings.scan(
        list,
        doc,
        weights[positions[i] as number] as number,
        partial,
        touched,
        candidates,
      );
    }
    const best = nearest(touched, candidates, partial, k);
    for (const [i, other] of best.entries()) {
      nearestOf[doc * k + i] = other;
      // An earlier article that has this one among its nearest has made the pair already.
      if (other < doc && isAmong(doc, nearestOf, other * k, k)) continue;
      edges.a.push(Math.min(doc, other));
      edges.b.push(Math.max(doc, other));
      edges.similarity.push(index.dot(doc, other));
    }
  }
  return edges;
}

/** Whether `value` is among `list[from .. from + count - 1]`. */
function isAmong(value: number, list: Int32Array, from: number, count: number): boolean {
  for (let i = from; i < from + count; i++) if (list[i] === value) return true;
  return false;
}

/**
 * The inverted index of top terms: for each term, the articles having it among their top terms and its
 * weight there, every list in one pair of typed arrays (list `l` is entries `starts[l]` up to
 * `starts[l + 1]`). Lists are numbered rarest first (fewest articles, then by the term's text), so an
 * article's lists are put in that order by sorting numbers.
 */
class Postings {
  private readonly vectorIds: readonly Int32Array[];
  /** The list of each term id (-1: none). */
  private readonly listOf: Int32Array;
  private readonly starts: Int32Array;
  private readonly docs: Int32Array;
  private readonly weights: Float64Array;

  /** `tops`: the positions of each article's top terms in its vector, `topSizes[doc]` from `doc * count`. */
  constructor(
    vectors: TermVectors,
    ranks: Int32Array,
    tops: Int32Array,
    topSizes: Int32Array,
    count: number,
  ) {
    this.vectorIds = vectors.ids;
    const counts = new Int32Array(vectors.terms.size);
    const terms: number[] = [];
    const forEachTop = (visit: (doc: number, position: number) => void) => {
      for (let doc = 0; doc < topSizes.length; doc++)
        for (let i = doc * count; i < doc * count + (topSizes[doc] as number); i++)
          visit(doc, tops[i] as number);
    };
    forEachTop((doc, position) => {
      const term = (vectors.ids[doc] as Int32Array)[position] as number;
      if (counts[term] === 0) terms.push(term);
      counts[term] = (counts[term] as number) + 1;
    });
    terms.sort(
      (x, y) => (counts[x] as number) - (counts[y] as number) || (ranks[x] as number) - (ranks[y] as number),
    );
    this.listOf = new Int32Array(vectors.terms.size).fill(-1);
    this.starts = new Int32Array(terms.length + 1);
    terms.forEach((term, list) => {
      this.listOf[term] = list;
      this.starts[list + 1] = (this.starts[list] as number) + (counts[term] as number);
    });
    const total = this.starts[terms.length] as number;
    this.docs = new Int32Array(total);
    this.weights = new Float64Array(total);
    const next = this.starts.slice(0, terms.length);
    forEachTop((doc, position) => {
      const list = this.listOf[(vectors.ids[doc] as Int32Array)[position] as number] as number;
      const at = next[list] as number;
      next[list] = at + 1;
      this.docs[at] = doc;
      this.weights[at] = (vectors.weights[doc] as Float64Array)[position] as number;
    });
  }

  /** Articles in a list. */
  length(list: number): number {
    return (this.starts[list + 1] as number) - (this.starts[list] as number);
  }

  /**
   * Writes the lists of article `doc`'s top terms (`size` positions in its vector, `tops[at ..]`) to
   * `lists`, rarest first, each with its position to `positions`. Returns `size`.
   */
  rarestFirst(
    doc: number,
    tops: Int32Array,
    at: number,
    size: number,
    lists: Int32Array,
    positions: Int32Array,
  ): number {
    const ids = this.vectorIds[doc] as Int32Array;
    // Insertion sort: a few dozen entries, and each term has its own list.
    for (let i = 0; i < size; i++) {
      const position = tops[at + i] as number;
      const list = this.listOf[ids[position] as number] as number;
      let j = i;
      for (; j > 0 && (lists[j - 1] as number) > list; j--) {
        lists[j] = lists[j - 1] as number;
        positions[j] = positions[j - 1] as number;
      }
      lists[j] = list;
      positions[j] = position;
    }
    return size;
  }

  /**
   * Adds `weight` times each entry's weight in `list` to the partial score of its article (not `doc`
   * itself). `touched[0 .. count - 1]`: the articles scored so far; returns their new count.
   */
  scan(
    list: number,
    doc: number,
    weight: number,
    partial: Float64Array,
    touched: Int32Array,
    count: number,
  ): number {
    const end = this.starts[list + 1] as number;
    let touchedCount = count;
    for (let i = this.starts[list] as number; i < end; i++) {
      const other = this.docs[i] as number;
      if (other === doc) continue;
      const score = partial[other] as number;
      if (score === 0) touched[touchedCount++] = other;
      partial[other] = score + weight * (this.weights[i] as number);
    }
    return touchedCount;
  }
}

/**
 * The k of the first `count` entries of `candidates` with the highest score (ties: lower index), best
 * first, without a full sort. Sets their scores back to 0 as it reads them.
 */
function nearest(candidates: Int32Array, count: number, score: Float64Array, k: number): number[] {
  const best: number[] = [];
  const bestScores: number[] = [];
  for (let c = 0; c < count; c++) {
    const candidate = candidates[c] as number;
    const s = score[candidate] as number;
    score[candidate] = 0;
    if (best.length === k) {
      // Most candidates score below the k-th best: one comparison of numbers.
      const last = bestScores[k - 1] as number;
      if (s < last || (s === last && candidate > (best[k - 1] as number))) continue;
    }
    let i = Math.min(best.length, k - 1);
    for (; i > 0; i--) {
      const above = bestScores[i - 1] as number;
      if (!(s > above || (s === above && candidate < (best[i - 1] as number)))) break;
      best[i] = best[i - 1] as number;
      bestScores[i] = above;
    }
    best[i] = candidate;
    bestScores[i] = s;
  }
  return best;
}

/**
 * Average-link agglomerative clustering over a sparse similarity graph (absent pairs count as 0),
 * merging the most similar pair of groups until none reaches the threshold. A pair also needs an
 * average similarity of at least `cohesionRatio` times the groups' own cohesion (geometric mean of
 * their mean internal similarity): two tight stories that share a subject stay apart, while a loose
 * story told over weeks still comes together. Two single articles also need `minSharedTerms` terms in
 * common (`thinPair` says when they have fewer). Returns member indices.
 */
function averageLink(
  count: number,
  edges: Edges,
  settings: Required<ThemeOptions>,
  signatures: readonly Set<number>[],
  days: DayCounts[],
  thinPair: (a: number, b: number) => boolean,
): number[][] {
  const { threshold, cohesionRatio, sameDaysCohesionRatio } = settings;
  // Per group: its median publication day, computed once when the group is made.
  const medians = days.map(medianDay);
  // Per group: how many of its articles have each signature term. Merged smaller into larger.
  const signatureCounts: Map<number, number>[] = signatures.map((terms) => {
    const counts = new Map<number, number>();
    for (const term of terms) counts.set(term, 1);
    return counts;
  });
  const members: number[][] = Array.from({ length: count }, (_, i) => [i]);
  // Per group: its neighbours and the sum of similarities to each. A neighbour that has since been merged
  // into another group is dead and skipped: no deletions.
  const links = new Links(2 * count);
  // Scratch for summing a merged group's links: the group each entry was last summed for.
  const sums = new Float64Array(2 * count);
  const summedFor = new Int32Array(2 * count).fill(-1);
  const alive: boolean[] = Array.from({ length: count }, () => true);
  const internal: number[] = Array.from({ length: count }, () => 0);
  const cohesion = (c: number) => {
    const n = (members[c] as number[]).length;
    return n < 2 ? undefined : (internal[c] as number) / ((n * (n - 1)) / 2);
  };
  const heap = new PairHeap();
  const others = new IntList();
  for (let e = 0; e < edges.a.length; e++) {
    const a = edges.a[e] as number;
    const b = edges.b[e] as number;
    const similarity = edges.similarity[e] as number;
    links.add(a, b, similarity);
    links.add(b, a, similarity);
    if (similarity >= threshold) heap.push(similarity, a, b);
  }
  while (heap.pop() && heap.similarity >= threshold) {
    const { a, b, similarity } = heap;
    if (!alive[a] || !alive[b]) continue;
    const ca = cohesion(a);
    const cb = cohesion(b);
    const reference = ca !== undefined && cb !== undefined ? Math.sqrt(ca * cb) : (ca ?? cb);
    const ratio = sameNewsCycle(medians[a], medians[b]) ? sameDaysCohesionRatio : cohesionRatio;
    if (reference !== undefined && similarity < ratio * reference) continue;
    if (distinctEvents(a, b, members, signatureCounts, settings)) continue;
    if ((members[a] as number[]).length === 1 && (members[b] as number[]).length === 1 && thinPair(a, b))
      continue;
    const merged = members.length;
    days.push(mergeCounts(days[a] as DayCounts, days[b] as DayCounts));
    medians.push(medianDay(days[merged] as DayCounts));
    signatureCounts.push(
      mergeCounts(signatureCounts[a] as Map<number, number>, signatureCounts[b] as Map<number, number>),
    );
    internal.push(
      (internal[a] as number) +
        (internal[b] as number) +
        similarity * (members[a] as number[]).length * (members[b] as number[]).length,
    );
    alive[a] = false;
    alive[b] = false;
    alive.push(true);
    members.push([...(members[a] as number[]), ...(members[b] as number[])]);
    // The merged group's link to each neighbour of either side: the sum of both sides' links, a's first.
    others.clear();
    for (const side of [a, b]) {
      for (let e = links.first(side); e !== NO_LINK; e = links.next(e)) {
        const other = links.neighbour(e);
        if (!alive[other]) continue;
        if (summedFor[other] !== merged) {
          summedFor[other] = merged;
          sums[other] = 0;
          others.push(other);
        }
        sums[other] = (sums[other] as number) + links.sum(e);
      }
      links.drop(side);
    }
    const size = (members[merged] as number[]).length;
    for (let o = 0; o < others.length; o++) {
      const other = others.at(o);
      const sum = sums[other] as number;
      links.add(merged, other, sum);
      links.add(other, merged, sum);
      const average = sum / (size * (members[other] as number[]).length);
      if (average >= threshold) heap.push(average, Math.min(other, merged), Math.max(other, merged));
    }
  }
  return members.filter((_, i) => alive[i]).map((m) => [...m].sort((x, y) => x - y));
}

const NO_LINK = -1;

/**
 * Each group's links, in the order added: entries (neighbour, sum of similarities) in one arena of typed
 * arrays, each group's chained from its first to its last. No array per group, and nothing moved as a
 * list grows. A merged group's entries are taken again for new links, so the arena holds no more than the
 * links alive at once.
 */
class Links {
  private neighbours = new Int32Array(1024);
  private sums = new Float64Array(1024);
  private nexts = new Int32Array(1024);
  private count = 0;
  /** The chain of entries free to take again (NO_LINK: none). */
  private free = NO_LINK;
  private readonly heads: Int32Array;
  private readonly tails: Int32Array;

  /** `groups`: how many group ids there will be. */
  constructor(groups: number) {
    this.heads = new Int32Array(groups).fill(NO_LINK);
    this.tails = new Int32Array(groups).fill(NO_LINK);
  }

  add(group: number, neighbour: number, sum: number): void {
    const e = this.entry();
    this.neighbours[e] = neighbour;
    this.sums[e] = sum;
    this.nexts[e] = NO_LINK;
    const tail = this.tails[group] as number;
    if (tail === NO_LINK) this.heads[group] = e;
    else this.nexts[tail] = e;
    this.tails[group] = e;
  }

  /** A group's first link (NO_LINK: none); `next` gives the one after. */
  first(group: number): number {
    return this.heads[group] as number;
  }

  next(link: number): number {
    return this.nexts[link] as number;
  }

  neighbour(link: number): number {
    return this.neighbours[link] as number;
  }

  sum(link: number): number {
    return this.sums[link] as number;
  }

  /** Forgets a group's links (it has been merged); their entries are free to take again. */
  drop(group: number): void {
    const tail = this.tails[group] as number;
    if (tail !== NO_LINK) {
      this.nexts[tail] = this.free;
      this.free = this.heads[group] as number;
    }
    this.heads[group] = NO_LINK;
    this.tails[group] = NO_LINK;
  }

  /** A free entry: a dropped one, or the arena's next. */
  private entry(): number {
    const e = this.free;
    if (e !== NO_LINK) {
      this.free = this.nexts[e] as number;
      return e;
    }
    if (this.count === this.neighbours.length) this.grow();
    return this.count++;
  }

  private grow(): void {
    const size = 2 * this.neighbours.length;
    this.neighbours = grown(this.neighbours, size);
    this.sums = grown(this.sums, size);
    this.nexts = grown(this.nexts, size);
  }
}

/** Terms two vectors have in common, counted by marking the first's terms in a dense array. */
class SharedTerms {
  private readonly marks: Int32Array;
  private mark = 0;

  constructor(private readonly vectors: TermVectors) {
    this.marks = new Int32Array(vectors.terms.size);
  }

  count(a: number, b: number): number {
    const mark = ++this.mark;
    for (const id of this.vectors.ids[a] as Int32Array) this.marks[id] = mark;
    let shared = 0;
    for (const id of this.vectors.ids[b] as Int32Array) if (this.marks[id] === mark) shared++;
    return shared;
  }
}

const DAY_MS = 86_400_000;

/** Per group: how many of its dated articles came out on each day (UTC day number). */
type DayCounts = Map<number, number>;

function publishedDays(article: CanonicalArticle): DayCounts {
  const time = article.published ? Date.parse(article.published) : Number.NaN;
  return Number.isNaN(time) ? new Map() : new Map([[Math.floor(time / DAY_MS), 1]]);
}

/** The day by which half of a group's dated articles had come out; undefined when none is dated. */
function medianDay(days: DayCounts): number | undefined {
  let dated = 0;
  for (const n of days.values()) dated += n;
  let seen = 0;
  for (const day of [...days.keys()].sort((x, y) => x - y)) {
    seen += days.get(day) as number;
    if (seen * 2 >= dated) return day;
  }
  return undefined;
}

/**
 * Two groups whose median publication days are the same or next days: one news cycle, where
 * follow-ups about the same people (a lawyer's statement, a second clinic) are the same story.
 */
function sameNewsCycle(dayX: number | undefined, dayY: number | undefined): boolean {
  return dayX !== undefined && dayY !== undefined && Math.abs(dayX - dayY) <= 1;
}

/** Fewest signature terms of its own each group needs to be told apart from the other. */
const OWN_SIGNATURE_TERMS = 2;

/**
 * Two groups are two events of one kind (two quakes, two arrests, two elections) when each has more of
 * a signature of its own than they share: names and figures in the leads of at least `signatureShare`
 * of one group's articles and of none of the other's (a 5.6 quake against a 5.9 one, one victim's name
 * against another's), at least 2 on each side and at least as many as the names and figures both
 * groups share that widely. Only for groups of `signatureSize` articles or more, where such shares
 * mean something; a story that grows new names over its coverage still shares its main ones.
 */
function distinctEvents(
  a: number,
  b: number,
  members: readonly number[][],
  counts: readonly Map<number, number>[],
  settings: Required<ThemeOptions>,
): boolean {
  const sizeA = (members[a] as number[]).length;
  const sizeB = (members[b] as number[]).length;
  if (Math.min(sizeA, sizeB) < settings.signatureSize) return false;
  const ca = counts[a] as Map<number, number>;
  const cb = counts[b] as Map<number, number>;
  const share = settings.signatureShare;
  let ownA = 0;
  let shared = 0;
  for (const [term, n] of ca) {
    if (n / sizeA < share) continue;
    const other = cb.get(term) ?? 0;
    if (other === 0) ownA++;
    else if (other / sizeB >= share) shared++;
  }
  const needed = Math.max(OWN_SIGNATURE_TERMS, shared);
  if (ownA < needed) return false;
  let ownB = 0;
  for (const [term, n] of cb) {
    if (n / sizeB >= share && !ca.has(term) && ++ownB >= needed) return true;
  }
  return false;
}

function mergeCounts<K>(x: Map<K, number>, y: Map<K, number>): Map<K, number> {
  const [large, small] = x.size >= y.size ? [x, y] : [y, x];
  for (const [term, n] of small) large.set(term, (large.get(term) ?? 0) + n);
  return large;
}

/** Sentences of an article's lead read for its signature: where the event is named, not its aftermath. */
const SIGNATURE_SENTENCES = 5;

/**
 * Names (each content term of a name phrase) and figures of an article's headline and lead. `leadNames`:
 * where in `found` the names of a lead sentence already are, when they were read for the article's terms.
 */
function eventSignature(
  article: ArticleText,
  terms: ArticleTerms,
  names: NameReader,
  found: IntList,
  leadNames: readonly ([number, number] | undefined)[],
): Set<number> {
  const signature = new Set<number>();
  const add = (
    text: string,
    tokens: ArrayLike<number>,
    offset: number,
    known: [number, number] | undefined,
  ) => {
    if (known) for (let i = known[0]; i < known[1]; i++) signature.add(found.at(i));
    else {
      // Names not read yet are read into `found` and taken back out once added.
      const from = found.length;
      names.append(text, tokens, offset, LEAD_WORDS, found);
      for (let i = from; i < found.length; i++) signature.add(found.at(i));
      found.length = from;
    }
    for (const figure of figureTerms(firstWords(text, LEAD_WORDS)))
      if (figure.length > 2) signature.add(terms.id(figure));
  };
  add(article.title, terms.titleTokens(article), 0, undefined);
  const sentences = terms.sentenceTokens(article);
  for (const [i, sentence] of article.sentences.slice(0, SIGNATURE_SENTENCES).entries())
    add(sentence, sentences.ids, sentences.starts[i] as number, leadNames[i]);
  return signature;
}

interface RankedGroup {
  group: ThemeGroup;
  size: number;
  sources: number;
  latest: string;
}

/** `centroid`: a dense array over the vocabulary, all zeros, left so. */
function toGroup(
  articles: readonly CanonicalArticle[],
  indices: readonly number[],
  vectors: TermVectors,
  centroid: Float64Array,
  headline: (ordered: readonly CanonicalArticle[]) => string,
): RankedGroup {
  for (const i of indices) {
    const ids = vectors.ids[i] as Int32Array;
    const weights = vectors.weights[i] as Float64Array;
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j] as number;
      centroid[id] = (centroid[id] as number) + (weights[j] as number);
    }
  }
  // Each article's cosine with the centroid, summed in the article's term order as `dot` does.
  const centrality = indices.map((i) => {
    const ids = vectors.ids[i] as Int32Array;
    const weights = vectors.weights[i] as Float64Array;
    let sum = 0;
    for (let j = 0; j < ids.length; j++)
      sum += (weights[j] as number) * (centroid[ids[j] as number] as number);
    return sum;
  });
  for (const i of indices) for (const id of vectors.ids[i] as Int32Array) centroid[id] = 0;
  const ordered = articles
    .map((article, k) => ({ article, score: centrality[k] as number }))
    .sort((x, y) => y.score - x.score || compareIds(x.article.id, y.article.id))
    .map(({ article }) => article);
  const ids = articles.map((a) => a.id).sort(compareIds);
  const id = `theme-${hash('sha256', ids.join('\n')).slice(0, 12)}`;
  return {
    group: { id, label: headline(ordered), articles: ordered },
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

const CALENDAR_WORDS =
  'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december'.split(
    ' ',
  );
const CALENDAR_WORD = new RegExp(`^(?:${CALENDAR_WORDS.join('|')})$`, 'i');

const UPPER_START = /^[^\p{L}\p{N}]*\p{Lu}/u;
// $1 keeps the last letter or digit before trailing punctuation: no run is scanned from more than one place.
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|([\p{L}\p{N}])[^\p{L}\p{N}]+$/gu;
const POSSESSIVE = /['’]s$/u;
const NAME_WORD = /^\p{Lu}[\p{L}'’.-]*$/u;

/**
 * Finds names in a text: runs of up to 4 capitalised words (names, places, organisations), not counting
 * a sentence's first word alone, nor stopwords and days or months.
 */
class NameReader implements WordVisitor {
  private readonly calendar: Set<number>;
  /** Whether a word that is not a plain capitalised word counts as a name word, by its text. */
  private readonly nameWords = new Map<string, boolean>();
  /** Per token id, learnt on first sight: whether it may be in a name (`isNameToken`). */
  private nameTokens = new Int8Array(1024);
  private out = new IntList();
  private tokens: ArrayLike<number> = [];
  private offset = 0;
  private text = '';
  private runWords = 0;
  private runFrom = 0;
  private runTo = 0;
  private runOpensText = false;

  constructor(private readonly terms: ArticleTerms) {
    this.calendar = new Set(CALENDAR_WORDS.map((word) => terms.id(word)));
  }

  /**
   * Appends to `out` the content terms of the name phrases in the first `maxWords` words of `text`, whose
   * tokens are `tokens[offset ..]`. Returns how many words it read.
   */
  append(text: string, tokens: ArrayLike<number>, offset: number, maxWords: number, out: IntList): number {
    this.text = text;
    this.tokens = tokens;
    this.offset = offset;
    this.out = out;
    this.runWords = 0;
    const words = this.terms.forEachWord(text, tokens, offset, maxWords, this);
    this.flush();
    return words;
  }

  /** One word of the text being read (`ArticleTerms.forEachWord`). */
  word(start: number, end: number, from: number, to: number): void {
    if (this.isNameWord(start, end, from, to) && this.runWords < 4) {
      if (this.runWords === 0) {
        this.runFrom = from;
        this.runOpensText = start === 0;
      }
      this.runTo = to;
      this.runWords++;
    } else this.flush();
    if (this.runWords > 0 && isClosing(this.text.charCodeAt(end - 1))) this.flush();
  }

  /** Whether a capitalised word's one token may be part of a name: neither a stopword nor a day or month. */
  private isNameToken(token: number): boolean {
    if (token >= this.nameTokens.length)
      this.nameTokens = grown(this.nameTokens, Math.max(2 * this.nameTokens.length, token + 1));
    let known = this.nameTokens[token] as number;
    if (known === UNKNOWN_TOKEN) {
      known = this.terms.isStopword(token) || this.calendar.has(token) ? NOT_A_NAME : NAME;
      this.nameTokens[token] = known;
    }
    return known === NAME;
  }

  /** A run of one word that opens the text is its sentence's capital, not a name. */
  private flush(): void {
    if (this.runWords > 1 || (this.runWords === 1 && !this.runOpensText))
      this.terms.appendContentTerms(
        this.tokens,
        this.offset + this.runFrom,
        this.offset + this.runTo,
        this.out,
      );
    this.runWords = 0;
  }

  private isNameWord(start: number, end: number, from: number, to: number): boolean {
    const text = this.text;
    const first = text.charCodeAt(start);
    // Cheap test first: most words start with a lowercase letter and cannot be names.
    if (isLowercaseOrDigit(first)) return false;
    if (first >= 65 && first <= 90 && isPlainWord(text, start + 1, end))
      // A capital and ASCII letters, then perhaps punctuation ("Obama,"; most names): one token, the word
      // in lowercase once the punctuation is stripped.
      return to - from === 1 && this.isNameToken(this.tokens[this.offset + from] as number);
    if (first < 128 && !isAsciiLetterOrDigit(first)) {
      // ASCII punctuation first ("(AP)", "$5", "'the"): no name unless a capital or a character beyond
      // ASCII follows it, as `UPPER_START` reads it.
      let i = start + 1;
      while (i < end && text.charCodeAt(i) < 128 && !isAsciiLetterOrDigit(text.charCodeAt(i))) i++;
      if (i === end || isLowercaseOrDigit(text.charCodeAt(i))) return false;
    }
    const raw = text.slice(start, end);
    let known = this.nameWords.get(raw);
    if (known === undefined) {
      known = isNameWord(raw);
      // Bounded so a 10,000-article run cannot grow the memo without limit.
      if (this.nameWords.size < 200_000) this.nameWords.set(raw, known);
    }
    return known;
  }
}

const UNKNOWN_TOKEN = 0;
const NAME = 1;
const NOT_A_NAME = 2;

/** a-z or 0-9: no name starts so. */
function isLowercaseOrDigit(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/** Whether `text[start .. end - 1]` are ASCII letters, then perhaps ASCII punctuation (nothing to strip but that). */
function isPlainWord(text: string, start: number, end: number): boolean {
  let i = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (c < 97 || c > 122) break;
  }
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || isAsciiLetterOrDigit(c)) return false;
  }
  return true;
}

function isAsciiLetterOrDigit(c: number): boolean {
  const lower = c | 0x20;
  return (lower >= 97 && lower <= 122) || (c >= 48 && c <= 57);
}

/** Whether a word ending on this code unit closes a name run: `,.;:!?"”)`. */
function isClosing(c: number): boolean {
  return (
    c === 44 ||
    c === 46 ||
    c === 59 ||
    c === 58 ||
    c === 33 ||
    c === 63 ||
    c === 34 ||
    c === 0x201d ||
    c === 41
  );
}

/** Whether a whitespace-separated word counts as a name word: capitalised once punctuation is stripped. */
function isNameWord(raw: string): boolean {
  if (!UPPER_START.test(raw)) return false;
  const word = raw.replace(EDGE_PUNCTUATION, '$1').replace(POSSESSIVE, '');
  return NAME_WORD.test(word) && !isStopword(word.toLowerCase()) && !CALENDAR_WORD.test(word);
}
