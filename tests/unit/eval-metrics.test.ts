import { describe, expect, it } from 'vitest';
import { compareClusterings } from '../../eval/metrics.ts';

const labels = (pairs: string) => new Map(pairs.split(' ').map((p, i) => [`d${i}`, p]));

describe('compareClusterings', () => {
  it('scores identical partitions 1 whatever the label names', () => {
    const scores = compareClusterings(labels('x x y y z'), labels('a a b b c'));
    expect(scores).toEqual({ nmi: 1, ari: 1, bcubedF1: 1 });
  });

  it('matches hand-computed NMI, ARI and B-cubed on a small example', () => {
    // Prepare: gold {0,1,2} {3,4,5}; predicted {0,1} {2,3,4,5}.
    const gold = labels('a a a b b b');
    const predicted = labels('x x y y y y');

    // Act
    const scores = compareClusterings(predicted, gold);

    // Assess: ARI = (index - expected) / (max - expected) with index = 1 + 3 = 4, predicted pairs 1 + 6 = 7,
    // gold pairs 3 + 3 = 6, expected = 7 * 6 / 15 = 2.8, max = 6.5 -> 1.2 / 3.7.
    expect(scores.ari).toBeCloseTo(1.2 / 3.7, 10);
    // MI = 2/6 ln(6*2/(2*3)) + 1/6 ln(6/(4*3)) + 3/6 ln(6*3/(4*3)); H(gold) = ln 2;
    // H(pred) = -(2/6 ln 2/6 + 4/6 ln 4/6).
    const mi = (2 / 6) * Math.log(2) + (1 / 6) * Math.log(0.5) + (3 / 6) * Math.log(1.5);
    const hPred = -((2 / 6) * Math.log(2 / 6) + (4 / 6) * Math.log(4 / 6));
    expect(scores.nmi).toBeCloseTo(mi / ((Math.log(2) + hPred) / 2), 10);
    // B-cubed precision: (1 + 1 + 1/4 + 3/4 * 3) / 6; recall: (2/3 * 2 + 1/3 + 1 * 3) / 6.
    const precision = (1 + 1 + 0.25 + 0.75 * 3) / 6;
    const recall = ((2 / 3) * 2 + 1 / 3 + 3) / 6;
    expect(scores.bcubedF1).toBeCloseTo((2 * precision * recall) / (precision + recall), 10);
  });
});
