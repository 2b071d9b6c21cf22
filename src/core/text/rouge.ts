import { stem } from './tokens.ts';

export interface RougeOptions {
  /** Both the summary and each reference are cut to this many tokens. */
  words: number;
}

export interface RougeScore {
  recall: number;
  precision: number;
  f1: number;
}

/**
 * ROUGE-N with the references pooled (ROUGE-1.5.5 `-f A`): n-gram hits summed over all references,
 * divided by the references' total n-gram count. Lowercase a-z0-9 tokens, Porter stemming of tokens
 * longer than 3 characters, stopwords kept, summary and references cut to `words` words. Matches the
 * figures of multiling2011-dev/baselines.json to four decimals on the 2011 peers.
 */
export function rougeN(
  summary: string,
  references: readonly string[],
  n: number,
  options: RougeOptions,
): RougeScore {
  const candidate = ngramCounts(tokens(summary, options.words), n);
  const candidateTotal = total(candidate);
  let hits = 0;
  let referenceTotal = 0;
  let candidateTotals = 0;
  for (const reference of references) {
    const counts = ngramCounts(tokens(reference, options.words), n);
    referenceTotal += total(counts);
    candidateTotals += candidateTotal;
    for (const [gram, count] of counts) hits += Math.min(count, candidate.get(gram) ?? 0);
  }
  const recall = referenceTotal === 0 ? 0 : hits / referenceTotal;
  const precision = candidateTotals === 0 ? 0 : hits / candidateTotals;
  const f1 = recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision);
  return { recall, precision, f1 };
}

/**
 * Cuts at `limit` whitespace-separated words before tokenising, as ROUGE-1.5.5 `-l` does. Tokens are ROUGE's
 * own, lowercase runs of a-z0-9 (not `words` in tokens.ts, which folds letters beyond ASCII): "café" is "caf".
 */
function tokens(text: string, limit: number): string[] {
  const kept = text.trim().split(/\s+/).slice(0, limit).join(' ');
  return (kept.toLowerCase().match(/[a-z0-9]+/g) ?? []).map(stem);
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

function total(counts: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const c of counts.values()) sum += c;
  return sum;
}
