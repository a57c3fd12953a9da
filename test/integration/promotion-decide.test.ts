/**
 * "Decide promotion" with controlled metrics, on the real local adapters (a directory store and the
 * symlink registry): the seed's rules, always on the same weeks (the comparison the trainer made),
 * never on stored numbers from different weeks, and the compare-and-swap that lets only one of two
 * racing runs win.
 */
import { mkdtemp, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import type { ModelKind } from '../../src/config/model-kinds.ts';
import { PROFILES } from '../../src/config/profiles.ts';
import { decidePromotion } from '../../src/pipeline/decide-promotion.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { LSTM_CONFIGS } from '../../src/models/forecasters/lstm/lstm-config.ts';
import { recordResult } from '../../src/pipeline/record-result.ts';
import type { Comparison } from '../../src/models/comparison.ts';
import { versionPrefix, writeModelFiles } from '../../src/models/artifacts/model-files.ts';
import type { ModelRegistry, PointerMove } from '../../src/ports/model-registry.ts';

const V1 = 'v2022.12.30-111111111111';
const V2 = 'v2023.01.06-222222222222';
const V3 = 'v2023.01.13-333333333333';
const V4 = 'v2023.01.20-444444444444';

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
    writeModelFiles(store, versionPrefix(kind, version), { 'model.json': new TextEncoder().encode('{}'), 'weights.bin': new Uint8Array([7]) }, { kind, version, metrics, comparison });
  const decideFor = (version: string, kind: ModelKind = 'lstm', on: ModelRegistry = registry) => decidePromotion({ plan: planFor(kind, version) }, { store, registry: on });
  const pointer = (kind: ModelKind = 'lstm') => readlink(join(dataDir, 'models', kind, 'current'));

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mizan-promotion-'));
    store = new DirArtifactStore(dataDir);
    registry = new LocalModelRegistry(dataDir);
  });

  /** The comparison the trainer records: both models scored on the challenger's test weeks. */
  const sameWeeks = (against: string, current: number, candidate: number, metric = 'test_loss', better: 'lower' | 'higher' = 'lower'): Comparison => ({
    against,
    compared_on: 'same_test_weeks',
    metric,
    better,
    current_score: current,
    candidate_score: candidate,
    weeks: { first: '2022-01-03', last: '2022-12-26', count: 52 },
    samples: 208,
    reason: 'test',
  });

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
    expect(outcome).toMatchObject({ promoted: false, prior_version: V1, compared_on: 'same_test_weeks' });
    expect(outcome.reason).toMatch(/not better: test_loss 0.25 vs 0.2 .*same weeks.*52 weeks 2022-01-03..2022-12-26, 208 samples/);
    expect(await pointer()).toBe(V1);
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
    await commit(V2, { eval_cagr: 0.12, eval_sharpe: -1 }, sameWeeks(V1, 0.1, 0.12, 'eval_cagr', 'higher'), 'sac_lstm');
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
      expect(history[2]).toMatchObject({ by: `run ${V3}-retry1`, reason: expect.stringMatching(/^better test_loss 0.25 vs 0.3 .*made current by hand/) });
    });
  });
});

