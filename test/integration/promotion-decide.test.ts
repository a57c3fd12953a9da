/**
 * "Decide promotion" with controlled metrics, on the real local adapters (a directory store and the
 * symlink registry): the seed's rules, the same-holdout comparison when the trainer made one, the
 * fallback when it is stale, and the compare-and-swap that lets only one of two racing runs win.
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
import { TRAINER_CODE_VERSION, type TrainingPlan } from '../../src/pipeline/plan.ts';
import { recordResult } from '../../src/pipeline/record-result.ts';
import type { Comparison } from '../../src/pipeline/train-job.ts';
import { versionPrefix, writeModelFiles } from '../../src/models/artifacts/model-files.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';

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
    config: PROFILES.smoke.forecaster,
    source: 'sample',
    dataFingerprint: 'f'.repeat(64),
    codeVersion: TRAINER_CODE_VERSION,
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

  it('promotes the first model, with no prior version', async () => {
    // Prepare
    await commit(V1, { train_loss: 0.1, val_loss: 0.2, baseline_loss: 0.3 });
    // Act
    const outcome = await decideFor(V1);
    // Assess
    expect(outcome).toMatchObject({ promoted: true, prior_version: null, compared_on: 'first_model' });
    expect(await pointer()).toBe(V1);
  });

  it('keeps the current model against a worse one (higher val_loss): `current` does not move', async () => {
    // Prepare
    await commit(V1, { val_loss: 0.2 });
    await decideFor(V1);
    await commit(V2, { val_loss: 0.25 });
    // Act
    const outcome = await decideFor(V2);
    // Assess
    expect(outcome).toMatchObject({ promoted: false, prior_version: V1, compared_on: 'stored_metrics' });
    expect(outcome.reason).toMatch(/not better: val_loss 0.25 vs 0.2/);
    expect(await pointer()).toBe(V1);
  });

  it('promotes a better one (lower val_loss) with prior_version = the model it replaced, and again after it', async () => {
    // Prepare
    await commit(V1, { val_loss: 0.2 });
    await decideFor(V1);
    await commit(V2, { val_loss: 0.15 });
    await commit(V3, { val_loss: 0.1 });
    // Act
    const second = await decideFor(V2);
    const third = await decideFor(V3);
    // Assess
    expect(second).toMatchObject({ promoted: true, prior_version: V1 });
    expect(third).toMatchObject({ promoted: true, prior_version: V2 });
    expect(await pointer()).toBe(V3);
  });

  it('compares on the same held-out set when the trainer did so, overriding the stored metrics both ways, and records it', async () => {
    // Prepare: on stored metrics V2 would win (0.15 < 0.2) and V3 would lose (0.25 > 0.2); on V2's and V3's own
    // held-out sets the current model scored 0.1 and 0.3, which reverses both.
    await commit(V1, { val_loss: 0.2 });
    await decideFor(V1);
    await commit(V2, { val_loss: 0.15 }, { against: V1, compared_on: 'same_holdout', current_val_loss: 0.1, reason: 'test' });
    await commit(V3, { val_loss: 0.25 }, { against: V1, compared_on: 'same_holdout', current_val_loss: 0.3, reason: 'test' });
    await registry.claim('lstm', V3, V3);
    // Act
    const v2 = await decideFor(V2);
    const v3 = await decideFor(V3);
    const response = await recordResult({ plan: planFor('lstm', V3), promotion: v3 }, { store, registry });
    // Assess
    expect(v2).toMatchObject({ promoted: false, prior_version: V1, compared_on: 'same_holdout' });
    expect(v2.reason).toMatch(/val_loss 0.15 vs 0.1 .*same_holdout/);
    expect(v3).toMatchObject({ promoted: true, prior_version: V1, compared_on: 'same_holdout' });
    expect(await pointer()).toBe(V3);
    expect(response).toMatchObject({ version: V3, promoted: true, prior_version: V1, promotion: { compared_on: 'same_holdout' } });
    expect((await registry.get('lstm', V3))?.response).toEqual(response);
  });

  it('compares both models on the same samples when the trainer had to leave out weeks the current model trained on', async () => {
    // Prepare: V2's val_loss over its whole held-out set (0.1) beats the current model's 0.12, but on the
    // weeks the current model never saw V2 scores 0.13: it is not better there.
    await commit(V1, { val_loss: 0.2 });
    await decideFor(V1);
    const comparison: Comparison = { against: V1, compared_on: 'same_holdout', current_val_loss: 0.12, candidate_val_loss: 0.13, samples: 40, first_week: '2021-08-16', reason: 'test' };
    await commit(V2, { val_loss: 0.1 }, comparison);
    // Act
    const outcome = await decideFor(V2);
    // Assess
    expect(outcome).toMatchObject({ promoted: false, prior_version: V1, compared_on: 'same_holdout' });
    expect(outcome.reason).toMatch(/val_loss 0.13 vs 0.12 .*same_holdout/);
    expect(await pointer()).toBe(V1);
  });

  it('ignores a stale comparison (made against a model that is no longer current) and uses the stored metrics', async () => {
    // Prepare: V1, then V2 (better) is current; V3 was compared against V1, which would make it look better.
    await commit(V1, { val_loss: 0.2 });
    await decideFor(V1);
    await commit(V2, { val_loss: 0.1 });
    await decideFor(V2);
    await commit(V3, { val_loss: 0.15 }, { against: V1, compared_on: 'same_holdout', current_val_loss: 0.5, reason: 'test' });
    // Act
    const outcome = await decideFor(V3);
    // Assess
    expect(outcome).toMatchObject({ promoted: false, prior_version: V2, compared_on: 'stored_metrics' });
    expect(outcome.reason).toMatch(/val_loss 0.15 vs 0.1 of v2023\.01\.06/);
    expect(await pointer()).toBe(V2);
  });

  it('uses the kind\'s own metric: a SAC agent needs a higher eval_cagr, whatever its other metrics', async () => {
    // Prepare
    await commit(V1, { eval_cagr: 0.1, eval_sharpe: 2 }, null, 'sac_lstm');
    await decideFor(V1, 'sac_lstm');
    await commit(V2, { eval_cagr: 0.12, eval_sharpe: -1 }, null, 'sac_lstm');
    // Act
    const outcome = await decideFor(V2, 'sac_lstm');
    // Assess
    expect(outcome).toMatchObject({ promoted: true, prior_version: V1 });
    expect(await pointer('sac_lstm')).toBe(V2);
  });

  it('refuses a version without committed metadata and leaves `current` alone', async () => {
    // Prepare
    await commit(V1, { val_loss: 0.2 });
    await decideFor(V1);
    await store.put(`${versionPrefix('lstm', V2)}/model.json`, '{}'); // a run that died before metadata.json
    // Act + Assess
    await expect(decideFor(V2)).rejects.toThrow(/has no metadata\.json/);
    expect(await pointer()).toBe(V1);
  });

  it('lets exactly one of two racing decisions made against the same prior win (compare-and-swap)', async () => {
    // Prepare: both candidates beat V1. The registry below holds each promote() until both decisions
    // have read `current`, the worst interleaving: both decided against V1.
    await commit(V1, { val_loss: 0.2 });
    await decideFor(V1);
    await commit(V3, { val_loss: 0.1 });
    await commit(V4, { val_loss: 0.15 });
    let reads = 0;
    let bothRead!: () => void;
    const barrier = new Promise<void>((resolve) => (bothRead = resolve));
    const racing: ModelRegistry = Object.assign(Object.create(registry) as LocalModelRegistry, {
      current: async (kind: ModelKind) => {
        const value = await registry.current(kind);
        if (++reads === 2) bothRead();
        return value;
      },
      promote: async (kind: ModelKind, expected: string | undefined, next: string) => {
        await barrier;
        return registry.promote(kind, expected, next);
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
});
