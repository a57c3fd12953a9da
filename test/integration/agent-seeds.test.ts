/**
 * Issue 19, an agent run's seeds, through the ppo_lstm trainer on the bundled data (smoke profile,
 * K set to 2 here: the smoke profile trains one seed): K is in the config and the version, the kept
 * agent is the seed with the best validation Sharpe, every metric carries its spread across seeds,
 * both candidates (best seed, ensemble of the K) are recorded, an ensemble stored by the config is
 * read back, allocates, is fine-tuned and is compared with, and no tensor is left behind.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/config/profiles.ts';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { readModelFiles, versionPrefix } from '../../src/models/artifacts/model-files.ts';
import { allocate } from '../../src/models/agents/allocate.ts';
import { projectWeights } from '../../src/models/agents/env/project-weights.ts';
import { PolicyEnsemble } from '../../src/models/agents/policy-ensemble.ts';
import { deserializePpoAgent } from '../../src/models/agents/ppo/ppo-artifacts.ts';
import { loadStoredAgent } from '../../src/models/agents/stored-agent.ts';
import type { SeedCandidates } from '../../src/models/agents/seed-combination.ts';
import type { TrainerDeps } from '../../src/models/kind-trainer.ts';
import { kindSpec } from '../../src/models/kinds.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { computeVersion } from '../../src/registry/version.ts';
import { localDeps, type LocalDeps } from '../../src/runtime/local-deps.ts';
import { forecastReader } from '../../src/snapshots/read-forecasts.ts';
import { withConfig, type Planned } from '../support/plan-with-config.ts';
import { trainSmokeLstmSnapshots } from '../support/snapshot-deps.ts';


let deps: LocalDeps;
let trainerDeps: TrainerDeps;
let planned: Planned;

beforeAll(async () => {
  deps = await localDeps({ dataDir: join(await mkdtemp(join(tmpdir(), 'mizan-agent-seeds-')), 'data') });
  await trainSmokeLstmSnapshots(deps.store, deps.marketData);
  trainerDeps = { store: deps.store, registry: deps.registry, marketData: deps.marketData, forecasts: forecastReader(deps), log: () => undefined, backend: await initBackend() };
  planned = await resolveTrainingPlan({ kind: 'ppo_lstm', mode: 'full', profile: 'smoke' }, deps);
}, 120_000);

describe('an agent run with K seeds', () => {
  it('keeps the seed with the best validation Sharpe, stores every metric’s spread and both candidates’ figures', async () => {
    // Prepare
    const trainer = await kindSpec('ppo_lstm').loadTrainer();
    expect(planned.config.seedCount).toBe(PROFILES.smoke.seeds);
    expect(planned.config.combineSeeds).toBe('best_val');
    const { version: _v, snapshotYearEnds: _y, ...inputs } = planned;
    const plan = withConfig(planned, { seedCount: 2 });
    expect(computeVersion(inputs)).toBe(planned.version);
    expect(plan.version).not.toBe(planned.version);
    const before = tf.memory().numTensors;
    // Act
    const outcome = await trainer.train(plan, trainerDeps);
    // Assess
    expect(tf.memory().numTensors).toBe(before);
    const stored = (await readModelFiles(deps.store, versionPrefix('ppo_lstm', plan.version)))!;
    const meta = stored.metadata as unknown as {
      metrics: Record<string, number>;
      metric_spread: Record<string, { mean: number; std: number; min: number; max: number; n: number }>;
      seeds: { count: number; combine: string; chosen: { seed: number; score: number; scored_by: string }; members: { seed: number; score: number; metrics: Record<string, number> }[]; candidates: SeedCandidates };
      response: { seeds: { stored: string; summary: string } };
    };
    expect(meta.metrics).toEqual(outcome.metrics);
    expect(meta.seeds.count).toBe(2);
    const seed = planned.config.seed as number;
    expect(meta.seeds.members.map((m) => m.seed)).toEqual([seed, seed + 1]);
    expect(meta.seeds.chosen.scored_by).toBe('validation_sharpe');
    const best = meta.seeds.members.reduce((a, b) => (b.score > a.score ? b : a));
    expect(meta.seeds.chosen).toMatchObject({ seed: best.seed, score: best.score });
    expect(meta.metrics.val_sharpe).toBe(best.score);
    expect(meta.metrics.eval_sharpe).toBe(best.metrics.eval_sharpe);
    expect(meta.metric_spread.eval_sharpe).toMatchObject({ n: 2, min: Math.min(...meta.seeds.members.map((m) => m.metrics.eval_sharpe)) });
    expect(meta.metric_spread.eval_sharpe.std).toBeGreaterThan(0);
    expect(meta.metric_spread.benchmark_sharpe.std).toBe(0);
    // Both candidates, scored the same way; the best seed is stored (the default), one agent's files.
    expect(meta.seeds.combine).toBe('best_val');
    expect(meta.seeds.candidates.best_val).toMatchObject({ seed: best.seed, val_sharpe: best.score, eval_sharpe: meta.metrics.eval_sharpe });
    expect(meta.seeds.candidates.ensemble).toMatchObject({ members: 2, averaged: 'logits' });
    expect(Number.isFinite(meta.seeds.candidates.ensemble.eval_sharpe)).toBe(true);
    expect(Number.isFinite(meta.seeds.candidates.ensemble.val_sharpe)).toBe(true);
    expect(meta.seeds.candidates.ensemble.eval_interval?.level).toBe(0.9);
    expect(meta.seeds.candidates.ensemble.vs_best_seed?.p_value).toBeGreaterThan(0);
    expect(meta.response.seeds).toMatchObject({ stored: 'best_val', summary: expect.stringMatching(/^Stored: the best validation seed .*not stored: the ensemble of 2 seeds/) });
    expect(Object.keys(stored.files).sort()).toEqual(['panel-transform.json', 'ppo-agent.json', 'ppo-weights.bin']);
  }, 180_000);

  it('stores the ensemble when the config says so: read back as one, it allocates with the mean logits, is fine-tuned and compared with', async () => {
    // Prepare
    const trainer = await kindSpec('ppo_lstm').loadTrainer();
    const plan = withConfig(planned, { seedCount: 2, combineSeeds: 'ensemble', seed: 40 });
    const before = tf.memory().numTensors;
    // Act
    const outcome = await trainer.train(plan, trainerDeps);
    // Assess: the members' files, the ensemble's own figures as the metrics.
    const stored = (await readModelFiles(deps.store, versionPrefix('ppo_lstm', plan.version)))!;
    expect(Object.keys(stored.files).sort()).toEqual(['members/0/ppo-agent.json', 'members/0/ppo-weights.bin', 'members/1/ppo-agent.json', 'members/1/ppo-weights.bin', 'panel-transform.json', 'policy-ensemble.json']);
    const meta = stored.metadata as unknown as { seeds: { combine: string; candidates: SeedCandidates }; response: { seeds: { summary: string } } };
    expect(meta.seeds.combine).toBe('ensemble');
    expect(outcome.metrics.eval_sharpe).toBe(meta.seeds.candidates.ensemble.eval_sharpe);
    expect(outcome.metrics.val_sharpe).toBe(meta.seeds.candidates.ensemble.val_sharpe);
    expect(meta.response.seeds.summary).toMatch(/^Stored: the ensemble of 2 seeds \(mean logits\): test Sharpe .*; not stored: the best validation seed/);
    expect(tf.memory().numTensors).toBe(before);

    // Read back as the trainers read it: an ensemble of both members.
    await initBackend();
    const read = await loadStoredAgent('ppo_lstm', plan.version, deps.store, deserializePpoAgent);
    try {
      expect(read.agent).toBeInstanceOf(PolicyEnsemble);
      expect(read.members).toHaveLength(2);
    } finally {
      read.agent.dispose();
    }

    // Allocation reads it through the kind's policy loader: the weights of the members' mean logits.
    expect(await deps.registry.promote('ppo_lstm', undefined, plan.version)).toBe(true);
    const { allocation, observation } = await allocate({ kind: 'ppo_lstm' }, { ...deps, forecasts: forecastReader(deps) });
    const again = await loadStoredAgent('ppo_lstm', plan.version, deps.store, deserializePpoAgent);
    try {
      const [a, b] = again.members.map((m) => m.act(observation));
      const expected = projectWeights(a.map((x, i) => (x + b[i]) / 2), { maxStockWeight: 0.2, minCash: 0.02 });
      expect([...allocation.symbols, 'cash'].map((s) => allocation.target_weights[s])).toEqual([...expected].map((w) => expect.closeTo(w, 6)));
    } finally {
      again.agent.dispose();
    }

    // A fine-tune of the ensemble: seed i from member i mod 2, three seeds; it is compared with the ensemble.
    const finetune = withConfig(await resolveTrainingPlan({ kind: 'ppo_lstm', mode: 'finetune', profile: 'smoke' }, deps), { seedCount: 3 });
    const tuned = await trainer.train(finetune, trainerDeps);
    const tunedMeta = (await readModelFiles(deps.store, versionPrefix('ppo_lstm', finetune.version)))!.metadata as unknown as { base_version: string; seeds: { count: number; combine: string; chosen: { scored_by: string } } };
    expect(tunedMeta).toMatchObject({ base_version: plan.version, seeds: { count: 3, combine: 'best_val', chosen: { scored_by: 'avg_episode_sharpe' } } });
    expect(tuned.comparison?.against).toBe(plan.version);
    expect(tf.memory().numTensors).toBe(before);

    // The next challenger (the best seed stored) is compared with the current ensemble on the same weeks.
    const next = await trainer.train(withConfig(planned, { seedCount: 2, seed: 80 }), trainerDeps);
    expect(next.comparison?.compared_on).toBe('same_test_weeks');
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});
