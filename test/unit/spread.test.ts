import { describe, expect, it } from 'vitest';
import { metricSpread, spreadOf } from '../../src/stats/spread.ts';

describe('the spread of a metric across seeds', () => {
  it('is the mean, the sample standard deviation (n − 1), min, max and n', () => {
    // numpy: np.mean([1, 2, 4]) = 2.3333333333333335, np.std([1, 2, 4], ddof=1) = 1.5275252316519468
    const s = spreadOf([1, 2, 4]);
    expect(s.mean).toBeCloseTo(2.3333333333333335, 15);
    expect(s.std).toBeCloseTo(1.5275252316519468, 15);
    expect(s).toMatchObject({ min: 1, max: 4, n: 3 });
    expect(spreadOf([0.5])).toEqual({ mean: 0.5, std: 0, min: 0.5, max: 0.5, n: 1 });
    expect(() => spreadOf([])).toThrow(/no values/);
  });

  it('covers every metric every seed has a finite value for', () => {
    const spread = metricSpread([
      { loss: 1, sharpe: 0.5, broken: Number.NaN },
      { loss: 3, sharpe: 0.5, broken: 1 },
    ]);
    expect(Object.keys(spread)).toEqual(['loss', 'sharpe']);
    expect(spread.loss).toMatchObject({ mean: 2, min: 1, max: 3, n: 2 });
    expect(spread.sharpe.std).toBe(0);
  });
});
