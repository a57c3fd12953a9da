/**
 * The promotion rule (src/registry/promotion-rule.ts), each branch on hand-made weekly series: the
 * first model; significantly better; the age rule (with a test, without one, not for a significantly
 * worse challenger, not for a model chosen by hand); not significant; no test (no series, too few
 * weeks, not comparable); a stale comparison; non-finite weekly values. And its settings (src/config/promotion.ts).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROMOTION_SETTINGS, promotionSettings } from '../../src/config/promotion.ts';
import { WEEKLY_MEASURES, type Comparison, type WeeklySeries } from '../../src/models/comparison.ts';
import { MODEL_KINDS } from '../../src/models/kinds.ts';
import { mulberry32 } from '../../src/ml/random.ts';
import { ageInWeeks, decide, promotionMetric, promotionTest, type PromotionInput } from '../../src/registry/promotion-rule.ts';

const CURRENT = 'v2026.01.05-abc123';

/** `n` Mondays from 2025-01-06. */
const mondays = (n: number) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2025, 0, 6 + 7 * i)).toISOString().slice(0, 10));

function gaussians(n: number, seed: number): number[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
}

/** Weekly losses: the current model's, and the challenger's shifted by `shift` (negative: better) with some noise. */
function losses(n: number, shift: number, seed = 1): WeeklySeries {
  const base = gaussians(n, seed).map((z) => 0.002 * Math.exp(0.8 * z));
  const noise = gaussians(n, seed + 100);
  return { weeks: mondays(n), current: base, candidate: base.map((l, t) => l + shift + 0.0002 * noise[t]!), measure: WEEKLY_MEASURES.loss };
}

/** Weekly portfolio returns: the current agent's, and the challenger's with `edge` added each week, plus noise. */
function returns(n: number, edge: number, seed = 2): WeeklySeries {
  const base = gaussians(n, seed).map((z) => 0.002 + 0.02 * z);
  const noise = gaussians(n, seed + 100);
  return { weeks: mondays(n), current: base, candidate: base.map((r, t) => r + edge + 0.005 * noise[t]!), measure: WEEKLY_MEASURES.returns };
}

const compared = (weekly: WeeklySeries | undefined, against = CURRENT): Comparison => ({
  against,
  compared_on: 'same_test_weeks',
  metric: 'test_loss',
  better: 'lower',
  current_score: 0.002,
  candidate_score: 0.002,
  weeks: weekly ? { first: weekly.weeks[0]!, last: weekly.weeks.at(-1)!, count: weekly.weeks.length } : undefined,
  samples: 100,
  ...(weekly ? { weekly } : {}),
  reason: 'test',
});

const input = (comparison: Comparison | null, ageWeeks: number | null = 1, extra: Partial<PromotionInput> = {}): PromotionInput => ({
  kind: 'lstm',
  candidateMetric: 0.002,
  current: { version: CURRENT, ageWeeks },
  comparison,
  ...extra,
});

describe('promotionMetric', () => {
  it('uses test_loss (lower) for forecasters, eval_sharpe (higher) for PPO, eval_cagr (higher) for SAC', () => {
    expect(Object.fromEntries(MODEL_KINDS.map((kind) => [kind, promotionMetric(kind)]))).toEqual({
      lstm: { name: 'test_loss', better: 'lower' },
      patchtst: { name: 'test_loss', better: 'lower' },
      ppo_lstm: { name: 'eval_sharpe', better: 'higher' },
      ppo_patchtst: { name: 'eval_sharpe', better: 'higher' },
      sac_lstm: { name: 'eval_cagr', better: 'higher' },
      sac_patchtst: { name: 'eval_cagr', better: 'higher' },
    });
  });
});

describe('promotionTest (the test a weekly series gets)', () => {
  it('runs Diebold–Mariano on losses and the Sharpe difference on returns, recording the weeks and both one-sided p-values', () => {
    const dm = promotionTest(losses(40, -0.0003));
    expect(dm).toMatchObject({ test: { method: 'diebold_mariano', level: 0.1, weeks: { first: '2025-01-06', last: mondays(40).at(-1), count: 40 } } });
    const t = (dm as { test: { p_value: number; p_value_worse: number; statistic: number; difference: number } }).test;
    expect(t.statistic).toBeLessThan(0);
    expect(t.difference).toBeCloseTo(-0.0003, 4);
    expect(t.p_value + t.p_value_worse).toBeCloseTo(1, 12);
    expect(promotionTest(returns(40, 0.003))).toMatchObject({ test: { method: 'sharpe_difference', measure: WEEKLY_MEASURES.returns } });
  });

  it('says why there is no test: no series, too few weeks, an unknown measure, unequal lengths', () => {
    expect(promotionTest(undefined)).toEqual({ none: expect.stringMatching(/no weekly series/) });
    expect(promotionTest(losses(7, -0.001))).toEqual({ none: '7 paired weeks, fewer than the 8 a test needs' });
    expect(promotionTest(losses(5, -0.001), { ...DEFAULT_PROMOTION_SETTINGS, minWeeks: 3 })).toHaveProperty('test');
    expect(promotionTest({ ...losses(10, 0), measure: 'hit_rate' })).toEqual({ none: 'no test for weekly values measured as "hit_rate"' });
    expect(promotionTest({ ...losses(10, 0), current: [1, 2] })).toEqual({ none: expect.stringMatching(/unequal length/) });
  });

  it('gives an identical challenger p = 0.5 both ways', () => {
    const same = losses(20, 0);
    const test = promotionTest({ ...same, candidate: same.current });
    expect(test).toMatchObject({ test: { statistic: 0, p_value: 0.5, p_value_worse: 0.5 } });
  });
});

describe('decide', () => {
  it('promotes the first model of a kind (rule first_model), never one without a finite metric', () => {
    expect(decide({ kind: 'lstm', candidateMetric: 0.9 })).toMatchObject({ promote: true, rule: 'first_model', reason: expect.stringMatching(/first lstm model/), test: null, age_weeks: null });
    expect(decide({ kind: 'lstm', candidateMetric: Number.NaN })).toMatchObject({ promote: false, rule: 'no_score' });
  });

  it('promotes a forecaster whose weekly losses are significantly lower (Diebold–Mariano, one-sided p < 0.10)', () => {
    const decision = decide(input(compared(losses(40, -0.0003))));
    expect(decision).toMatchObject({ promote: true, rule: 'significantly_better', level: 0.1, test: { method: 'diebold_mariano', weeks: { count: 40 } } });
    expect(decision.test!.p_value).toBeLessThan(0.1);
    expect(decision.reason).toMatch(/significantly better than v2026\.01\.05-abc123: Diebold–Mariano .* on 40 weeks 2025-01-06\.\.\S+: statistic -\d/);
  });

  it('promotes an agent whose Sharpe is significantly higher on the same weeks (paired Sharpe test), for PPO and SAC alike', () => {
    for (const kind of ['ppo_lstm', 'sac_patchtst'] as const) {
      const decision = decide({ ...input(compared(returns(60, 0.006))), kind });
      expect(decision).toMatchObject({ promote: true, rule: 'significantly_better', test: { method: 'sharpe_difference', margin: 0.1 } });
    }
  });

  it('does not promote an agent whose Sharpe gain is significant but below the margin (seeds of one policy differ by a tiny, persistent amount)', () => {
    // Almost the same weekly returns, a steady edge worth ~0.05 of annualised Sharpe: significant against equality.
    const base = returns(80, 0);
    const weekly = { ...base, candidate: base.current.map((r, t) => r + 0.00015 + 0.00002 * Math.sin(t)) };
    const noMargin = decide({ ...input(compared(weekly)), kind: 'ppo_lstm', settings: { ...DEFAULT_PROMOTION_SETTINGS, minSharpeGain: 0 } });
    expect(noMargin).toMatchObject({ promote: true, rule: 'significantly_better' });
    const decision = decide({ ...input(compared(weekly)), kind: 'ppo_lstm' });
    expect(decision).toMatchObject({ promote: false, rule: 'not_significant', test: { margin: 0.1 } });
    expect(decision.test!.difference).toBeGreaterThan(0);
    expect(decision.test!.difference).toBeLessThan(0.1);
    expect(decision.reason).toMatch(/better means by more than 0\.1/);
  });

  it('keeps the current model against a challenger that is better by noise only (rule not_significant), with the test recorded', () => {
    const decision = decide(input(compared(losses(40, -0.00001))));
    expect(decision).toMatchObject({ promote: false, rule: 'not_significant', test: { method: 'diebold_mariano' }, age_weeks: 1, max_age_weeks: 26 });
    expect(decision.test!.p_value).toBeGreaterThanOrEqual(0.1);
    expect(decision.reason).toMatch(/not significantly better .*data ends 1 week before this run's \(the age rule needs 26\)/);
  });

  it('marks a significantly worse challenger (rule significantly_worse)', () => {
    expect(decide(input(compared(losses(40, 0.0005))))).toMatchObject({ promote: false, rule: 'significantly_worse' });
  });

  it('promotes by age when the current model is 26+ weeks of data older and the challenger is not significantly worse', () => {
    const weekly = losses(40, 0.00001);
    expect(decide(input(compared(weekly), 25))).toMatchObject({ promote: false, rule: 'not_significant' });
    const decision = decide(input(compared(weekly), 26));
    expect(decision).toMatchObject({ promote: true, rule: 'age', age_weeks: 26, test: { method: 'diebold_mariano' } });
    expect(decision.reason).toMatch(/data ends 26 weeks before this run's .*not significantly worse: promoted by age/);
    // … but not when it is significantly worse, however old the current model is.
    expect(decide(input(compared(losses(40, 0.0005)), 200))).toMatchObject({ promote: false, rule: 'significantly_worse' });
  });

  it('does not apply the age rule to a model a person made current', () => {
    const decision = decide(input(compared(losses(40, 0.00001)), 52, { current: { version: CURRENT, ageWeeks: 52, chosenByHand: true } }));
    expect(decision).toMatchObject({ promote: false, rule: 'not_significant' });
    expect(decision.reason).toMatch(/the age rule does not apply to a model made current by hand/);
    // A significant win still replaces it.
    expect(decide(input(compared(losses(40, -0.0003)), 52, { current: { version: CURRENT, ageWeeks: 52, chosenByHand: true } }))).toMatchObject({ promote: true, rule: 'significantly_better' });
  });

  it('promotes nothing without a test (no weekly series, too few weeks, not comparable) unless the age rule says so', () => {
    const withoutSeries = compared(undefined); // a comparison recorded before the weekly series existed
    const fewWeeks = compared(losses(5, -0.01));
    const notComparable: Comparison = { against: CURRENT, compared_on: 'not_comparable', metric: 'test_loss', better: 'lower', reason: 'current model has no readable artifacts' };
    for (const comparison of [withoutSeries, fewWeeks, notComparable]) {
      expect(decide(input(comparison, 3))).toMatchObject({ promote: false, rule: 'no_test', test: null });
      expect(decide(input(comparison, null))).toMatchObject({ promote: false, rule: 'no_test', reason: expect.stringMatching(/age of v2026\.01\.05-abc123 is unknown/) });
      expect(decide(input(comparison, 30))).toMatchObject({ promote: true, rule: 'age', test: null, reason: expect.stringMatching(/promoted by age; no test: /) });
    }
    expect(decide(input(fewWeeks, 3)).reason).toMatch(/no test: 5 paired weeks, fewer than the 8 a test needs/);
    expect(decide(input(notComparable, 3)).reason).toMatch(/not comparable: current model has no readable artifacts/);
  });

  it('promotes nothing on a comparison made against another model, or none, whatever the age (rule not_compared)', () => {
    expect(decide(input(compared(losses(40, -0.001), 'v2025.01.01-000000'), 100))).toMatchObject({ promote: false, rule: 'not_compared', reason: expect.stringMatching(/compared with v2025\.01\.01-000000, but v2026\.01\.05-abc123 is current now.*train again/) });
    expect(decide(input(null, 100))).toMatchObject({ promote: false, rule: 'not_compared' });
  });

  it('replaces a current model whose weekly values are not finite; never promotes a challenger whose values are not', () => {
    const weekly = losses(20, 0);
    expect(decide(input(compared({ ...weekly, current: weekly.current.map((v, t) => (t === 3 ? Number.NaN : v)) })))).toMatchObject({ promote: true, rule: 'current_unscorable' });
    expect(decide(input(compared({ ...weekly, candidate: weekly.candidate.map((v, t) => (t === 3 ? Number.POSITIVE_INFINITY : v)) }), 100))).toMatchObject({ promote: false, rule: 'no_score' });
  });

  it('holds the test to the configured level', () => {
    const weekly = losses(40, -0.00005);
    const p = (promotionTest(weekly) as { test: { p_value: number } }).test.p_value;
    expect(p).toBeGreaterThan(0.01);
    expect(p).toBeLessThan(0.5);
    const at = (level: number) => decide(input(compared(weekly), 1, { settings: { ...DEFAULT_PROMOTION_SETTINGS, level } }));
    expect(at(Math.min(0.5, p * 1.01))).toMatchObject({ promote: true, rule: 'significantly_better', level: Math.min(0.5, p * 1.01) });
    expect(at(p * 0.99)).toMatchObject({ promote: false });
  });
});

describe('ageInWeeks', () => {
  it('counts whole weeks of data from the current window end to the challenger\'s', () => {
    expect(ageInWeeks('2022-07-01', '2022-12-30')).toBe(26);
    expect(ageInWeeks('2022-07-02', '2022-12-30')).toBe(25);
    expect(ageInWeeks('2022-12-30', '2022-09-30')).toBeLessThan(0);
    expect(ageInWeeks(undefined, '2022-12-30')).toBeNull();
    expect(ageInWeeks('not a date', '2022-12-30')).toBeNull();
  });
});

describe('promotionSettings', () => {
  it('defaults to a one-sided 0.10, 26 weeks and 8 weeks; each overridable by its environment variable', () => {
    expect(promotionSettings({})).toEqual({ level: 0.1, maxAgeWeeks: 26, minWeeks: 8, minSharpeGain: 0.1 });
    expect(promotionSettings({ MIZAN_PROMOTION_LEVEL: '0.05', MIZAN_PROMOTION_MAX_AGE_WEEKS: '52', MIZAN_PROMOTION_MIN_WEEKS: ' ', MIZAN_PROMOTION_MIN_SHARPE_GAIN: '0' })).toEqual({ level: 0.05, maxAgeWeeks: 52, minWeeks: 8, minSharpeGain: 0 });
  });

  it('refuses a value that does not parse or is out of range, naming the variable', () => {
    expect(() => promotionSettings({ MIZAN_PROMOTION_LEVEL: 'ten percent' })).toThrow(/MIZAN_PROMOTION_LEVEL="ten percent" is not a number/);
    expect(() => promotionSettings({ MIZAN_PROMOTION_LEVEL: '0.9' })).toThrow(/level must be in \(0, 0\.5\].*MIZAN_PROMOTION_LEVEL/);
    expect(() => promotionSettings({ MIZAN_PROMOTION_MIN_WEEKS: '2' })).toThrow(/minWeeks must be an integer ≥ 3/);
    expect(() => promotionSettings({ MIZAN_PROMOTION_MAX_AGE_WEEKS: '1.5' })).toThrow(/maxAgeWeeks must be a positive integer/);
    expect(() => promotionSettings({ MIZAN_PROMOTION_MIN_SHARPE_GAIN: '-0.1' })).toThrow(/minSharpeGain must be a number ≥ 0/);
  });
});
