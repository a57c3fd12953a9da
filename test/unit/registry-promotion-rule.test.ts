import { describe, expect, it } from 'vitest';
import { MODEL_KINDS } from '../../src/models/kinds.ts';
import { decide, promotionMetric } from '../../src/registry/promotion-rule.ts';

const current = (score: number | null) => ({ version: 'v2026.01.05-abc123', score });

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

describe('decide (scores on the same weeks)', () => {
  it('promotes the first model of a kind', () => {
    const decision = decide({ kind: 'lstm', candidate: 0.9 });
    expect(decision.promote).toBe(true);
    expect(decision.reason).toMatch(/first lstm model/);
  });

  it('promotes a forecaster only with a strictly lower loss', () => {
    expect(decide({ kind: 'lstm', candidate: 0.1, current: current(0.2) }).promote).toBe(true);
    expect(decide({ kind: 'patchtst', candidate: 0.3, current: current(0.2) }).promote).toBe(false);
    expect(decide({ kind: 'lstm', candidate: 0.2, current: current(0.2) }).promote).toBe(false); // tie
  });

  it('promotes agents only with a strictly higher score', () => {
    expect(decide({ kind: 'ppo_lstm', candidate: 1.2, current: current(1.0) }).promote).toBe(true);
    expect(decide({ kind: 'sac_patchtst', candidate: 0.05, current: current(0.08) }).promote).toBe(false);
  });

  it('never promotes a candidate without a finite score, and replaces a current model that could not score', () => {
    expect(decide({ kind: 'lstm', candidate: Number.NaN }).promote).toBe(false);
    expect(decide({ kind: 'lstm', candidate: undefined, current: current(0.2) }).promote).toBe(false);
    expect(decide({ kind: 'lstm', candidate: 0.2, current: current(null) }).promote).toBe(true);
  });
});
