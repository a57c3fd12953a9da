/**
 * The model card lists what the Version page shows (test/unit/uncertainty-display.test.ts): the seeds' spread, the intervals, the tests against the baselines, the
 * inverse-volatility benchmark and the walk-forward rank IC beside 12-1 momentum and 1-week
 * reversal; an old version's card reads as before.
 */
import { describe, expect, it } from 'vitest';
import type { Metadata } from '../../src/dashboard/read-kind.ts';
import { versionCard } from '../../src/pipeline/model-card.ts';
import type { WalkForwardScore } from '../../src/snapshots/walk-forward-score.ts';
import { expectNoHoles, newAgent, newForecaster, oldAgent, oldForecaster, score } from './uncertainty-fixtures.ts';

describe('the model card', () => {
  const card = (metadata: Metadata, walkForward: WalkForwardScore | null = null) => versionCard({ metadata, promotion: null, hf_repo: 'me/mizan', snapshotBranches: walkForward ? ['snapshot-2020-12-31', 'snapshot-2021-12-31'] : [], walkForward });

  it("lists a forecaster's spread across seeds, its Diebold–Mariano tests and the walk-forward rank IC beside momentum and reversal", () => {
    const text = card(newForecaster, score);
    expect(text).toContain('- test_loss: 0.00312 ± 0.00002 (0.0031 … 0.00315, 5 seeds)');
    expect(text).toContain('The run trained 5 seeds; the model above is the mean of their forecasts (a seed ensemble).');
    expect(text).not.toContain('- test_baseline_loss:'); // the same for every seed: nothing to say
    expect(text).toContain('- dm_vs_zero: Diebold–Mariano (HLN), weekly loss against the zero forecast: statistic -1.42, one-sided p 0.079 (118 weeks)');
    expect(text).toContain('- dm_vs_mean: Diebold–Mariano (HLN), weekly loss against the training-mean forecast: statistic 0.31, one-sided p 0.62 (118 weeks)');
    expect(text).toContain('| Snapshot | Weeks | Hit rate | Always up | Rank IC (t) | 12-1 momentum IC (t) | 1-week reversal IC (t) |');
    expect(text).toContain('| All years | 104 | 53.3 % | 56.0 % | 0.0200 (t 1.40) | -0.0040 (t 0.50) | 0.0300 (t 1.10) |');
    expect(text).toContain("The model's weekly IC minus each ranking's, on the same weeks: 12-1 momentum 0.0100 (t 0.40, 52 weeks); 1-week reversal -0.0050 (t -0.20, 52 weeks).");
    expectNoHoles(text);
  });

  it("gives an agent's Sharpe its interval and inverse volatility its column", () => {
    const text = card(newAgent);
    expect(text).toContain('| Metric | Agent | Equal-weight benchmark | Inverse-volatility benchmark |');
    expect(text).toContain('| Sharpe | 1.33 (90 % interval 0.21 … 2.45) | 1.46 | 1.51 |');
    expect(text).toContain('- sharpe_vs_equal_weight: Sharpe difference (Jobson–Korkie, Memmel) against equal weight: difference -0.13, statistic -0.4, one-sided p 0.66 (111 weeks)');
    expect(text).toContain('- sharpe_vs_inverse_volatility: Sharpe difference (Jobson–Korkie, Memmel) against inverse volatility: difference -0.18,');
    expect(text).toContain('- train_sharpe: 3.1');
    expect(text).toContain('- timesteps: 1000');
    expect(text).not.toContain('- inverse_vol_sharpe');
    expectNoHoles(text);
  });

  it("says which of an agent run's candidates is stored, the other's test Sharpe beside it", () => {
    const summary = 'Stored: the best validation seed (seed 3 of 5): test Sharpe 1.330; not stored: the ensemble of 5 seeds (mean logits): test Sharpe 1.410; ensemble better than best seed: one-sided p = 0.310.';
    const text = card({ ...newAgent, response: { ...(newAgent.response as object), seeds: { count: 5, stored: 'best_val', summary } } });
    expect(text).toContain(`The run trained 5 seeds. ${summary}`);
    expect(card(newAgent)).not.toContain('Stored:');
    expectNoHoles(text);
  });

  it('words an old version as before', () => {
    for (const m of [oldForecaster, oldAgent]) {
      const text = card(m);
      expect(text).not.toMatch(/seeds|Tests against|interval|Inverse-volatility|momentum/);
      expectNoHoles(text);
    }
    expect(card(oldAgent)).toContain('| Sharpe | 1.33 | 1.46 |');
  });
});
