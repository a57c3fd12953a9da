import { describe, expect, it } from 'vitest';
import { MODEL_KINDS } from '../../src/config/model-kinds.ts';
import { decide, promotionMetric } from '../../src/registry/promotion-rule.ts';

const current = (metrics: Record<string, number>) => ({ version: 'v2026.01.05-abc123', metrics, comparedOn: 'same_holdout' as const });

describe('promotionMetric', () => {
  it('uses val_loss (lower) for forecasters, eval_sharpe (higher) for PPO, eval_cagr (higher) for SAC', () => {
    expect(Object.fromEntries(MODEL_KINDS.map((kind) => [kind, promotionMetric(kind)]))).toEqual({
      lstm: { name: 'val_loss', better: 'lower' },
      patchtst: { name: 'val_loss', better: 'lower' },
      ppo_lstm: { name: 'eval_sharpe', better: 'higher' },
      ppo_patchtst: { name: 'eval_sharpe', better: 'higher' },
      sac_lstm: { name: 'eval_cagr', better: 'higher' },
      sac_patchtst: { name: 'eval_cagr', better: 'higher' },
    });
  });
});

describe('decide', () => {
  it('promotes the first model of a kind', () => {
    const decision = decide({ kind: 'lstm', candidate: { val_loss: 0.9 } });
    expect(decision.promote).toBe(true);
    expect(decision.reason).toMatch(/first lstm model/);
  });

  it('promotes a forecaster only with a strictly lower val_loss', () => {
    expect(decide({ kind: 'lstm', candidate: { val_loss: 0.1 }, current: current({ val_loss: 0.2 }) }).promote).toBe(true);
    expect(decide({ kind: 'patchtst', candidate: { val_loss: 0.3 }, current: current({ val_loss: 0.2 }) }).promote).toBe(false);
    expect(decide({ kind: 'lstm', candidate: { val_loss: 0.2 }, current: current({ val_loss: 0.2 }) }).promote).toBe(false); // tie
  });

  it('promotes PPO on a higher eval_sharpe and SAC on a higher eval_cagr, ignoring other metrics', () => {
    expect(decide({ kind: 'ppo_lstm', candidate: { eval_sharpe: 1.1, eval_cagr: 0 }, current: current({ eval_sharpe: 1.0, eval_cagr: 0.5 }) }).promote).toBe(true);
    expect(decide({ kind: 'ppo_patchtst', candidate: { eval_sharpe: 0.9 }, current: current({ eval_sharpe: 1.0 }) }).promote).toBe(false);
    expect(decide({ kind: 'sac_lstm', candidate: { eval_cagr: 0.12, eval_sharpe: -5 }, current: current({ eval_cagr: 0.1, eval_sharpe: 2 }) }).promote).toBe(true);
    expect(decide({ kind: 'sac_patchtst', candidate: { eval_cagr: 0.1 }, current: current({ eval_cagr: 0.1 }) }).promote).toBe(false);
  });

  it('never promotes a candidate whose metric is NaN, infinite or missing, even as the first model', () => {
    expect(decide({ kind: 'lstm', candidate: { val_loss: Number.NaN } })).toMatchObject({ promote: false, reason: expect.stringMatching(/NaN, not a finite number/) });
    expect(decide({ kind: 'lstm', candidate: { val_loss: Number.NaN }, current: current({ val_loss: 0.2 }) }).promote).toBe(false);
    expect(decide({ kind: 'lstm', candidate: { val_loss: Number.NEGATIVE_INFINITY }, current: current({ val_loss: 0.2 }) }).promote).toBe(false);
    expect(decide({ kind: 'ppo_lstm', candidate: { val_loss: 0.1 } }).promote).toBe(false);
  });

  it('replaces a current model whose own metric is not finite', () => {
    expect(decide({ kind: 'lstm', candidate: { val_loss: 0.3 }, current: current({ val_loss: Number.NaN }) }).promote).toBe(true);
  });

  it('says in its reason what was compared and on which data', () => {
    const decision = decide({ kind: 'lstm', candidate: { val_loss: 0.3 }, current: { version: 'v2026.01.05-abc123', metrics: { val_loss: 0.2 }, comparedOn: 'stored_metrics' } });
    expect(decision.reason).toBe('not better: val_loss 0.3 vs 0.2 of v2026.01.05-abc123 (lower is better, compared on stored_metrics)');
  });
});
