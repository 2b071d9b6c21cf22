/** Clustering agreement between a predicted and a gold labelling of the same items. */
export interface ClusteringScores {
  nmi: number;
  ari: number;
  bcubedF1: number;
}

/**
 * NMI (arithmetic-mean normalisation, as scikit-learn's default), adjusted Rand index and B-cubed F1.
 * `predicted` and `gold` map item -> cluster label; only items present in both are scored.
 */
export function compareClusterings(
  predicted: ReadonlyMap<string, string>,
  gold: ReadonlyMap<string, string>,
): ClusteringScores {
  const items = [...gold.keys()].filter((item) => predicted.has(item)).sort();
  const n = items.length;
  const contingency = new Map<string, number>();
  const predictedSizes = new Map<string, number>();
  const goldSizes = new Map<string, number>();
  for (const item of items) {
    const p = predicted.get(item) as string;
    const g = gold.get(item) as string;
    contingency.set(`${p}\u0000${g}`, (contingency.get(`${p}\u0000${g}`) ?? 0) + 1);
    predictedSizes.set(p, (predictedSizes.get(p) ?? 0) + 1);
    goldSizes.set(g, (goldSizes.get(g) ?? 0) + 1);
  }
  return {
    nmi: nmi(n, contingency, predictedSizes, goldSizes),
    ari: ari(n, contingency, predictedSizes, goldSizes),
    bcubedF1: bcubedF1(items, predicted, gold, contingency, predictedSizes, goldSizes),
  };
}

function entropy(n: number, sizes: ReadonlyMap<string, number>): number {
  let h = 0;
  for (const size of sizes.values()) h -= (size / n) * Math.log(size / n);
  return h;
}

function nmi(
  n: number,
  contingency: ReadonlyMap<string, number>,
  predictedSizes: ReadonlyMap<string, number>,
  goldSizes: ReadonlyMap<string, number>,
): number {
  if (n === 0) return 0;
  let mutual = 0;
  for (const [key, count] of contingency) {
    const [p, g] = key.split('\u0000') as [string, string];
    const pSize = predictedSizes.get(p) as number;
    const gSize = goldSizes.get(g) as number;
    mutual += (count / n) * Math.log((n * count) / (pSize * gSize));
  }
  const hp = entropy(n, predictedSizes);
  const hg = entropy(n, goldSizes);
  // Both labellings a single cluster: identical, by scikit-learn's convention.
  if (hp === 0 && hg === 0) return 1;
  return mutual / ((hp + hg) / 2);
}

const pairs = (k: number) => (k * (k - 1)) / 2;

function ari(
  n: number,
  contingency: ReadonlyMap<string, number>,
  predictedSizes: ReadonlyMap<string, number>,
  goldSizes: ReadonlyMap<string, number>,
): number {
  let index = 0;
  for (const count of contingency.values()) index += pairs(count);
  let predictedPairs = 0;
  for (const size of predictedSizes.values()) predictedPairs += pairs(size);
  let goldPairs = 0;
  for (const size of goldSizes.values()) goldPairs += pairs(size);
  const expected = (predictedPairs * goldPairs) / pairs(n);
  const max = (predictedPairs + goldPairs) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

function bcubedF1(
  items: readonly string[],
  predicted: ReadonlyMap<string, string>,
  gold: ReadonlyMap<string, string>,
  contingency: ReadonlyMap<string, number>,
  predictedSizes: ReadonlyMap<string, number>,
  goldSizes: ReadonlyMap<string, number>,
): number {
  if (items.length === 0) return 0;
  let precision = 0;
  let recall = 0;
  for (const item of items) {
    const p = predicted.get(item) as string;
    const g = gold.get(item) as string;
    const shared = contingency.get(`${p}\u0000${g}`) as number;
    precision += shared / (predictedSizes.get(p) as number);
    recall += shared / (goldSizes.get(g) as number);
  }
  precision /= items.length;
  recall /= items.length;
  return (2 * precision * recall) / (precision + recall);
}
