/**
 * The statistics of issue 19's promotion tests, against reference values computed with scipy 1.10 and
 * statsmodels 0.13 (Debian 12: `apt-get install python3-scipy python3-statsmodels`), by the script
 * in this file's last comment. The Newey–West variance is statsmodels' HAC standard error of a mean
 * (OLS on a constant, Bartlett kernel, no small-sample correction), an implementation independent of
 * ours; the Jobson–Korkie–Memmel figures are the same formula in numpy.
 */
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, studentTCdf } from '../../src/stats/distributions.ts';
import { dieboldMariano } from '../../src/stats/diebold-mariano.ts';
import { sharpeDifference, sharpeInterval } from '../../src/stats/sharpe.ts';

const CHALLENGER = [0.012, 0.008, 0.015, 0.011, 0.009, 0.02, 0.007, 0.013, 0.01, 0.016, 0.006, 0.014, 0.012, 0.018, 0.009, 0.011, 0.013, 0.01, 0.017, 0.008, 0.012, 0.015, 0.009, 0.011];
const INCUMBENT = [0.013, 0.009, 0.014, 0.013, 0.01, 0.022, 0.008, 0.012, 0.012, 0.017, 0.008, 0.015, 0.013, 0.019, 0.008, 0.013, 0.014, 0.012, 0.018, 0.009, 0.011, 0.017, 0.01, 0.012];
const R1 = [0.01, -0.02, 0.015, 0.03, -0.01, 0.005, 0.02, -0.005, 0.012, 0.018, -0.015, 0.022, 0.004, 0.009, -0.003, 0.017, 0.011, -0.008, 0.006, 0.013];
const R2 = [0.008, -0.018, 0.01, 0.025, -0.012, 0.006, 0.015, -0.002, 0.01, 0.014, -0.01, 0.02, 0.002, 0.007, -0.004, 0.012, 0.01, -0.006, 0.004, 0.011];

const close = (actual: number, expected: number, relative = 1e-9) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1e-12, Math.abs(expected)));

describe('distribution functions', () => {
  it("match scipy's t, normal and normal quantile", () => {
    const t: [number, number, number][] = [[-2.1, 23, 0.023448756073974904], [0.5, 5, 0.6808505641795355], [1.7, 110, 0.9540215663722518], [-0.3, 2, 0.3962428304200888], [3.2, 40, 0.9986546737953972]];
    for (const [x, df, p] of t) close(studentTCdf(x, df), p);
    const n: [number, number][] = [[-3, 0.0013498980316300933], [-1.28, 0.10027256795444206], [0, 0.5], [0.7, 0.758036347776927], [2.5, 0.9937903346742238]];
    for (const [z, p] of n) close(normalCdf(z), p);
    const q: [number, number][] = [[0.01, -2.3263478740408408], [0.05, -1.6448536269514729], [0.9, 1.2815515655446004], [0.999, 3.090232306167813]];
    for (const [p, z] of q) close(normalQuantile(p), z);
    expect(Math.abs(normalQuantile(0.5))).toBeLessThan(1e-12);
  });
});

describe('Diebold–Mariano', () => {
  it('matches statsmodels HAC + the HLN correction + scipy t on 24 weeks', () => {
    const result = dieboldMariano(CHALLENGER, INCUMBENT);
    expect(result.lags).toBe(2);
    expect(result.weeks).toBe(24);
    close(result.meanDifference, -0.0009583333333333333);
    close(result.statistic, -6.276110925192745, 1e-8);
    close(result.pValue, 1.0510518812799984e-6, 1e-6);
  });

  it('reads equal losses as no evidence either way, and swapping the models flips the side', () => {
    expect(dieboldMariano(INCUMBENT, INCUMBENT)).toMatchObject({ statistic: 0, pValue: 0.5 });
    const swapped = dieboldMariano(INCUMBENT, CHALLENGER);
    close(swapped.pValue, 1 - 1.0510518812799984e-6, 1e-9);
  });

  it('refuses losses on different weeks, or too few', () => {
    expect(() => dieboldMariano([1, 2, 3], [1, 2])).toThrow('same weeks: 3 vs 2');
    expect(() => dieboldMariano([1, 2], [1, 2])).toThrow('at least 3 weeks');
  });
});

describe('Sharpe ratios', () => {
  it('the Jobson–Korkie–Memmel difference and the 90 % interval match numpy + scipy', () => {
    const difference = sharpeDifference(R1, R2);
    close(difference.difference, 0.24100592563070591, 1e-9);
    close(difference.statistic, 0.8918522682205872, 1e-9);
    close(difference.pValue, 0.18623606083445388, 1e-8);
    const interval = sharpeInterval(R1, 0.9);
    close(interval.sharpe, 3.595442727277086, 1e-9);
    close(interval.low, 0.783185434166493, 1e-8);
    close(interval.high, 6.407700020387679, 1e-8);
  });
});

/* The reference script (python3 with numpy, scipy, statsmodels):
import numpy as np, scipy.stats as st, statsmodels.api as sm
d = np.array(CHALLENGER) - np.array(INCUMBENT); T = len(d); L = int(np.floor(4 * (T / 100) ** (2 / 9)))
var = sm.OLS(d, np.ones(T)).fit(cov_type='HAC', cov_kwds={'maxlags': L, 'use_correction': False}).bse[0] ** 2
stat = d.mean() / np.sqrt(var) * np.sqrt((T + 1 - 2 + 0) / T); p = st.t.cdf(stat, T - 1)
sr = lambda x: x.mean() / x.std(ddof=1); s1, s2, rho = sr(R1), sr(R2), np.corrcoef(R1, R2)[0, 1]
z = (s1 - s2) / np.sqrt((2 - 2 * rho + 0.5 * (s1**2 + s2**2 - 2 * s1 * s2 * rho**2)) / len(R1)); p = 1 - st.norm.cdf(z)
se = np.sqrt((1 + s1**2 / 2) / len(R1)); ci = (s1 ± st.norm.ppf(0.95) * se) * np.sqrt(52)
*/
