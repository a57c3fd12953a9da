/**
 * "Decide promotion" with controlled metrics, on the real local adapters (a directory store and the
 * symlink registry): the promotion test on the paired weekly series of the same weeks (the
 * comparison the trainer made), never on stored numbers from different weeks; the age rule; the
 * record (rule, test, level, weeks) in promotion.json and the history; and the compare-and-swap that
 * lets only one of two racing runs win.
 */
import { mkdtemp, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import type { ModelKind } from '../../src/config/model-kinds.ts';
import { PROFILES } from '../../src/config/profiles.ts';
import { DEFAULT_PROMOTION_SETTINGS } from '../../src/config/promotion.ts';
import { decidePromotion } from '../../src/pipeline/decide-promotion.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { LSTM_CONFIGS } from '../../src/models/forecasters/lstm/lstm-config.ts';
import { recordResult } from '../../src/pipeline/record-result.ts';
import { WEEKLY_MEASURES, type Comparison } from '../../src/models/comparison.ts';
import { decisionKey, type PromotionOutcome } from '../../src/pipeline/decide-promotion.ts';
import { getJson } from '../../src/ports/artifact-store.ts';
import { versionPrefix, writeModelFiles } from '../../src/models/artifacts/model-files.ts';
import type { ModelRegistry, PointerMove } from '../../src/ports/model-registry.ts';

const V1 = 'v2022.12.30-111111111111';
const V2 = 'v2023.01.06-222222222222';
const V3 = 'v2023.01.13-333333333333';
const V4 = 'v2023.01.20-444444444444';
/** 27 weeks of data after V1's window end (2022-12-30): V1 is old enough for the age rule. */
const V5 = 'v2023.07.07-555555555555';

function planFor(kind: ModelKind, version: string): TrainingPlan {
  const end = `${version.slice(1, 5)}-${version.slice(6, 8)}-${version.slice(9, 11)}`;
  return {
    kind,
    mode: 'full',
    profile: 'smoke',
    window: { start: PROFILES.smoke.windowStart, end },
    symbols: ['AAPL', 'MSFT'],
    config: { ...LSTM_CONFIGS.smoke },
    source: 'sample',
    dataFingerprint: 'f'.repeat(64),
    codeVersion: 'test',
    version,
    snapshotYearEnds: [],
  };
}

describe('decidePromotion on the local store and registry', () => {
  let dataDir: string;
  let store: DirArtifactStore;
  let registry: LocalModelRegistry;

  /** A committed version as the trainer leaves it: files, then metadata.json with these metrics. */
  const commit = (version: string, metrics: Record<string, number>, comparison: Comparison | null = null, kind: ModelKind = 'lstm') =>
    writeModelFiles(store, versionPrefix(kind, version), { 'model.json': new TextEncoder().encode('{}'), 'weights.bin': new Uint8Array([7]) }, { kind, version, window: planFor(kind, version).window, metrics, comparison });
  const decideFor = (version: string, kind: ModelKind = 'lstm', on: ModelRegistry = registry) => decidePromotion({ plan: planFor(kind, version) }, { store, registry: on });
  const pointer = (kind: ModelKind = 'lstm') => readlink(join(dataDir, 'models', kind, 'current'));

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mizan-promotion-'));
    store = new DirArtifactStore(dataDir);
    registry = new LocalModelRegistry(dataDir);
  });

  /**
   * The comparison the trainer records: both models scored on the challenger's test weeks, with the
   * weekly series. Each week's value is the score times a week factor, so the weekly differential
   * has one sign every week: any difference in score is significant, both ways.
   */
  const sameWeeks = (against: string, current: number, candidate: number, metric = 'test_loss', better: 'lower' | 'higher' = 'lower', noise = 0): Comparison => {
    const weeks = Array.from({ length: 52 }, (_, i) => new Date(Date.UTC(2022, 0, 3 + 7 * i)).toISOString().slice(0, 10));
    const factor = weeks.map((_, t) => 1 + 0.5 * Math.sin(t));
    // The challenger's own noise (`noise` > 0): weeks on which it does better or worse than its score says.
    const wiggle = weeks.map((_, t) => (t % 2 === 0 ? noise : -noise));
    const losses = better === 'lower';
    // Agents: weekly returns whose Sharpe ratios order as the scores do.
    const series = (score: number, noisy: boolean) =>
      factor.map((f, t) => (losses ? score * f : 0.01 * score + 0.02 * Math.sin(2 * t) * f) + (noisy ? wiggle[t] : 0));
    return {
      against,
      compared_on: 'same_test_weeks',
      metric,
      better,
      current_score: current,
      candidate_score: candidate,
      weeks: { first: weeks[0], last: weeks[51], count: 52 },
      samples: 208,
      weekly: { weeks, current: series(current, false), candidate: series(candidate, true), measure: losses ? WEEKLY_MEASURES.loss : WEEKLY_MEASURES.returns },
      reason: 'test',
    };
  };
  const decisionOf = (version: string, kind: ModelKind = 'lstm') => getJson<PromotionOutcome>(store, decisionKey(kind, version));

  it('promotes the first model, with no prior version', async () => {
    // Prepare
    await commit(V1, { train_loss: 0.1, val_loss: 0.2, baseline_loss: 0.3, test_loss: 0.25 });
    // Act
    const outcome = await decideFor(V1);
    // Assess
    expect(outcome).toMatchObject({ promoted: true, prior_version: null, compared_on: 'first_model' });
    expect(await pointer()).toBe(V1);
  });

  it('keeps the current model against a worse one on the same weeks: `current` does not move', async () => {
    // Prepare
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    await commit(V2, { test_loss: 0.25 }, sameWeeks(V1, 0.2, 0.25));
    // Act
    const outcome = await decideFor(V2);
    // Assess
    expect(outcome).toMatchObject({ promoted: false, prior_version: V1, compared_on: 'same_test_weeks', rule: 'significantly_worse', level: 0.1, test: { method: 'diebold_mariano' } });
    expect(outcome.reason).toMatch(/not promoted: significantly worse than v2022\.12\.30-111111111111; Diebold–Mariano .* on 52 weeks 2022-01-03\.\.2022-12-26/);
    expect(outcome.reason).toMatch(/\[test_loss 0.25 vs 0.2 of v2022\.12\.30-111111111111 over 52 weeks 2022-01-03..2022-12-26, 208 samples; lower is better\]/);
    expect(await pointer()).toBe(V1);
  });

  it('records the test with the decision: method, statistic, p-values, level, the rule and the weeks, in promotion.json, the history and the response', async () => {
    // Prepare
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    await commit(V2, { test_loss: 0.15 }, sameWeeks(V1, 0.2, 0.15));
    await registry.claim('lstm', V2, V2);
    // Act
    const outcome = await decideFor(V2);
    const response = await recordResult({ plan: planFor('lstm', V2), promotion: outcome }, { store, registry });
    // Assess
    const test = { method: 'diebold_mariano', measure: WEEKLY_MEASURES.loss, level: 0.1, weeks: { first: '2022-01-03', last: '2022-12-26', count: 52 } };
    expect(outcome).toMatchObject({ promoted: true, rule: 'significantly_better', level: 0.1, max_age_weeks: 26, age_weeks: 1, test });
    expect(outcome.test!.p_value).toBeLessThan(0.1);
    expect(outcome.test!.statistic).toBeLessThan(0);
    expect(await decisionOf(V2)).toEqual(outcome);
    expect((await registry.history('lstm')).at(-1)).toMatchObject({ to: V2, trigger: 'automatic', reason: expect.stringMatching(/^significantly_better: significantly better than v2022\.12\.30-111111111111: Diebold–Mariano .*statistic -/) });
    expect(response).toMatchObject({ promotion: { rule: 'significantly_better', level: 0.1, max_age_weeks: 26, age_weeks: 1, test, comparison: { samples: 208, weekly_series: '52 weeks of mean_squared_error_over_symbols (in metadata.json)' } } });
    expect((response.promotion as { comparison: Record<string, unknown> }).comparison).not.toHaveProperty('weekly');
  });

  it('keeps the current model against a challenger better by noise only (rule not_significant)', async () => {
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    await commit(V2, { test_loss: 0.1999 }, sameWeeks(V1, 0.2, 0.1999, 'test_loss', 'lower', 0.05));
    const outcome = await decideFor(V2);
    expect(outcome).toMatchObject({ promoted: false, prior_version: V1, rule: 'not_significant', test: { method: 'diebold_mariano' } });
    expect(outcome.test!.p_value).toBeGreaterThanOrEqual(0.1);
    expect(await pointer()).toBe(V1);
  });

  it('promotes by age: a current model whose data ends 26+ weeks earlier gives way to a challenger that is not significantly worse', async () => {
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    await commit(V5, { test_loss: 0.2001 }, sameWeeks(V1, 0.2, 0.2001, 'test_loss', 'lower', 0.05));
    const outcome = await decideFor(V5);
    expect(outcome).toMatchObject({ promoted: true, prior_version: V1, rule: 'age', age_weeks: 27, max_age_weeks: 26, test: { method: 'diebold_mariano' } });
    expect(outcome.reason).toMatch(/data ends 27 weeks before this run's .*not significantly worse: promoted by age/);
    expect(await pointer()).toBe(V5);
  });

  it('does not promote by age a challenger that is significantly worse', async () => {
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    await commit(V5, { test_loss: 0.3 }, sameWeeks(V1, 0.2, 0.3));
    expect(await decideFor(V5)).toMatchObject({ promoted: false, rule: 'significantly_worse', age_weeks: 27 });
    expect(await pointer()).toBe(V1);
  });

  it('promotes nothing on a comparison without the weekly series (an older version\'s metadata), unless the age rule says so', async () => {
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    const { weekly: _, ...older } = sameWeeks(V1, 0.2, 0.1);
    await commit(V2, { test_loss: 0.1 }, older);
    const young = await decideFor(V2);
    expect(young).toMatchObject({ promoted: false, rule: 'no_test', test: null, compared_on: 'same_test_weeks' });
    expect(young.reason).toMatch(/no test: the comparison has no weekly series/);
    await commit(V5, { test_loss: 0.1 }, older);
    expect(await decideFor(V5)).toMatchObject({ promoted: true, rule: 'age', test: null });
  });

  it('reads the settings it is given (a level of 0.5 promotes any challenger with a lower mean weekly loss)', async () => {
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    await commit(V2, { test_loss: 0.1999 }, sameWeeks(V1, 0.2, 0.1999, 'test_loss', 'lower', 0.05));
    const outcome = await decidePromotion({ plan: planFor('lstm', V2) }, { store, registry, promotion: { ...DEFAULT_PROMOTION_SETTINGS, level: 0.5 } });
    expect(outcome).toMatchObject({ promoted: true, rule: 'significantly_better', level: 0.5 });
  });

  it('promotes a better one with prior_version = the model it replaced, and again after it', async () => {
    // Prepare
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    await commit(V2, { test_loss: 0.15 }, sameWeeks(V1, 0.2, 0.15));
    // Act
    const second = await decideFor(V2);
    await commit(V3, { test_loss: 0.1 }, sameWeeks(V2, 0.14, 0.1));
    const third = await decideFor(V3);
    // Assess
    expect(second).toMatchObject({ promoted: true, prior_version: V1 });
    expect(third).toMatchObject({ promoted: true, prior_version: V2 });
    expect(await pointer()).toBe(V3);
  });

  it('does not promote a worse model whose stored number happens to be smaller (an easier period): the same weeks decide, and the record says which', async () => {
    // Prepare: the smoke-profile case. V2's own test loss (0.05, on easier weeks) is far below V1's
    // stored 0.2, but re-scored on V2's test weeks V1 does better (0.04).
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    await commit(V2, { test_loss: 0.05 }, sameWeeks(V1, 0.04, 0.05));
    await registry.claim('lstm', V2, V2);
    // Act
    const outcome = await decideFor(V2);
    const response = await recordResult({ plan: planFor('lstm', V2), promotion: outcome }, { store, registry });
    // Assess
    expect(outcome).toMatchObject({ promoted: false, prior_version: V1, compared_on: 'same_test_weeks' });
    expect(outcome.comparison).toMatchObject({ current_score: 0.04, candidate_score: 0.05, samples: 208, weeks: { count: 52 } });
    expect(await pointer()).toBe(V1);
    expect(response).toMatchObject({ version: V2, promoted: false, prior_version: V1, promotion: { compared_on: 'same_test_weeks', comparison: { samples: 208 } } });
    expect((await registry.get('lstm', V2))?.response).toEqual(response);
  });

  it('promotes nothing on a stale comparison (made against a model that is no longer current): stored numbers are never compared', async () => {
    // Prepare: V1, then V2 is current; V3 was compared against V1 only.
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    await commit(V2, { test_loss: 0.1 }, sameWeeks(V1, 0.2, 0.1));
    await decideFor(V2);
    await commit(V3, { test_loss: 0.01 }, sameWeeks(V1, 0.5, 0.01));
    // Act
    const outcome = await decideFor(V3);
    // Assess
    expect(outcome).toMatchObject({ promoted: false, prior_version: V2, compared_on: 'not_compared' });
    expect(outcome.reason).toMatch(/not compared with the current model v2023\.01\.06.*train again/);
    expect(await pointer()).toBe(V2);
  });

  it('uses the kind\'s own metric: a SAC agent needs a higher eval_cagr on the same weeks', async () => {
    // Prepare
    await commit(V1, { eval_cagr: 0.1, eval_sharpe: 2 }, null, 'sac_lstm');
    await decideFor(V1, 'sac_lstm');
    await commit(V2, { eval_cagr: 0.2, eval_sharpe: -1 }, sameWeeks(V1, 0.1, 0.2, 'eval_cagr', 'higher'), 'sac_lstm');
    // Act
    const outcome = await decideFor(V2, 'sac_lstm');
    // Assess
    expect(outcome).toMatchObject({ promoted: true, prior_version: V1 });
    expect(await pointer('sac_lstm')).toBe(V2);
  });

  it('refuses a version without committed metadata and leaves `current` alone', async () => {
    // Prepare
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    await store.put(`${versionPrefix('lstm', V2)}/model.json`, '{}'); // a run that died before metadata.json
    // Act + Assess
    await expect(decideFor(V2)).rejects.toThrow(/has no metadata\.json/);
    expect(await pointer()).toBe(V1);
  });

  it('lets exactly one of two racing decisions made against the same prior win (compare-and-swap)', async () => {
    // Prepare: both candidates beat V1. The registry below holds each move() until both decisions
    // have read `current`, the worst interleaving: both decided against V1.
    await commit(V1, { test_loss: 0.2 });
    await decideFor(V1);
    await commit(V3, { test_loss: 0.1 }, sameWeeks(V1, 0.2, 0.1));
    await commit(V4, { test_loss: 0.15 }, sameWeeks(V1, 0.2, 0.15));
    let reads = 0;
    let bothRead!: () => void;
    const barrier = new Promise<void>((resolve) => (bothRead = resolve));
    const racing: ModelRegistry = Object.assign(Object.create(registry) as LocalModelRegistry, {
      current: async (kind: ModelKind) => {
        const value = await registry.current(kind);
        if (++reads === 2) bothRead();
        return value;
      },
      move: async (kind: ModelKind, move: PointerMove) => {
        await barrier;
        return registry.move(kind, move);
      },
    });
    // Act
    const outcomes = await Promise.all([decideFor(V3, 'lstm', racing), decideFor(V4, 'lstm', racing)]);
    // Assess
    const winners = outcomes.filter((o) => o.promoted);
    const losers = outcomes.filter((o) => !o.promoted);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(outcomes.every((o) => o.prior_version === V1)).toBe(true);
    expect(losers[0].reason).toMatch(/another run moved current away from v2022\.12\.30/);
    const winner = outcomes[0].promoted ? V3 : V4;
    expect(await pointer()).toBe(winner);
  });

  describe('after a person chose the current model (the promotion rule, on the record)', () => {
    /** V1 promoted automatically, V2 (worse) chosen by hand over it. */
    const chooseByHand = async () => {
      await commit(V1, { test_loss: 0.2 });
      await decideFor(V1);
      await commit(V2, { test_loss: 0.3 });
      expect(await registry.move('lstm', { expected: V1, next: V2, record: { trigger: 'manual', action: 'promote', by: 'alice@host (cli)', reason: 'V1 misbehaves live' } })).toBe(true);
    };

    it('is not undone by a run that was compared with the model current before the choice', async () => {
      await chooseByHand();
      await commit(V3, { test_loss: 0.1 }, sameWeeks(V1, 0.2, 0.1)); // better than V1, but planned against V1
      const outcome = await decideFor(V3);
      expect(outcome).toMatchObject({ promoted: false, prior_version: V2, compared_on: 'not_compared' });
      expect(outcome.reason).toMatch(/V2|v2023\.01\.06-222222222222 was made current by hand \(alice@host \(cli\): "V1 misbehaves live"\)/);
      expect(await pointer()).toBe(V2);
    });

    it('is not undone by a run that does not beat the chosen model on its own weeks', async () => {
      await chooseByHand();
      await commit(V3, { test_loss: 0.31 }, sameWeeks(V2, 0.3, 0.31));
      expect(await decideFor(V3)).toMatchObject({ promoted: false, prior_version: V2, compared_on: 'same_test_weeks' });
      expect(await pointer()).toBe(V2);
    });

    it('is replaced by a run that beats the chosen model itself, recorded as automatic from it', async () => {
      await chooseByHand();
      await commit(V3, { test_loss: 0.25 }, sameWeeks(V2, 0.3, 0.25));
      const outcome = await decidePromotion({ plan: planFor('lstm', V3), executionId: `${V3}-retry1` }, { store, registry });
      expect(outcome).toMatchObject({ promoted: true, prior_version: V2 });
      expect(await pointer()).toBe(V3);
      const history = await registry.history('lstm');
      expect(history.map((e) => [e.seq, e.from, e.to, e.trigger, e.action])).toEqual([
        [1, null, V1, 'automatic', 'promote'],
        [2, V1, V2, 'manual', 'promote'],
        [3, V2, V3, 'automatic', 'promote'],
      ]);
      expect(history[2]).toMatchObject({ by: `run ${V3}-retry1`, reason: expect.stringMatching(/^significantly_better: significantly better than v2023\.01\.06-222222222222: .*test_loss 0.25 vs 0.3 .*made current by hand/) });
    });
  });
});

