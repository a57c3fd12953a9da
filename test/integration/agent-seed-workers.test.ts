/**
 * Issues 18 and 19: an agent run's seeds trained two at a time on worker threads (seed-pool.ts) are
 * the seeds trained one after another on the main thread, byte for byte: the same stored files and
 * the same metrics, spread, seeds and checkpoints (smoke profile, K = 3, PPO and SAC: the third seed
 * trains on a worker that already trained one). A failure in a worker's training is the run's
 * error, and nothing is committed.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { readModelFiles, versionPrefix } from '../../src/models/artifacts/model-files.ts';
import type { TrainerDeps } from '../../src/models/kind-trainer.ts';
import { kindSpec } from '../../src/models/kinds.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { localDeps, type LocalDeps } from '../../src/runtime/local-deps.ts';
import { forecastReader } from '../../src/snapshots/read-forecasts.ts';
import { withConfig, type Planned } from '../support/plan-with-config.ts';
import { trainSmokeLstmSnapshots } from '../support/snapshot-deps.ts';


let deps: LocalDeps;
let trainerDeps: TrainerDeps;
const threadsBefore = process.env.MIZAN_KERNEL_THREADS;

beforeAll(async () => {
  deps = await localDeps({ dataDir: join(await mkdtemp(join(tmpdir(), 'mizan-seed-workers-')), 'data') });
  await trainSmokeLstmSnapshots(deps.store, deps.marketData);
  trainerDeps = { store: deps.store, registry: deps.registry, marketData: deps.marketData, forecasts: forecastReader(deps), log: () => undefined, backend: await initBackend() };
}, 120_000);

afterEach(() => {
  if (threadsBefore === undefined) delete process.env.MIZAN_KERNEL_THREADS;
  else process.env.MIZAN_KERNEL_THREADS = threadsBefore;
});

/** Trains `plan` with MIZAN_KERNEL_THREADS=`threads`; returns what was stored (then removed, so the same version can be trained again) and the log. */
async function trainWith(plan: Planned, threads: '1' | '2') {
  process.env.MIZAN_KERNEL_THREADS = threads;
  const lines: string[] = [];
  const trainer = await kindSpec(plan.kind).loadTrainer();
  const outcome = await trainer.train(plan, { ...trainerDeps, log: (line) => lines.push(line) });
  const prefix = versionPrefix(plan.kind, plan.version);
  const stored = (await readModelFiles(deps.store, prefix))!;
  await deps.store.deletePrefix(prefix);
  return { outcome, files: stored.files, metadata: withoutTimes(stored.metadata), lines };
}

/** The metadata without what measures the clock (train_seconds, created_at, each update's steps_per_second). */
function withoutTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimes);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !['train_seconds', 'created_at', 'steps_per_second'].includes(key)).map(([key, v]) => [key, withoutTimes(v)]));
}

describe('an agent run’s seeds on worker threads', () => {
  for (const kind of ['ppo_lstm', 'sac_lstm'] as const) {
    it(`${kind}: three seeds two at a time (a worker trains two) give the sequential run's bytes and figures`, async () => {
      // Prepare
      const plan = withConfig(await resolveTrainingPlan({ kind, mode: 'full', profile: 'smoke' }, deps), { seedCount: 3 });
      const before = tf.memory().numTensors;
      // Act
      const sequential = await trainWith(plan, '1');
      const parallel = await trainWith(plan, '2');
      // Assess
      expect(sequential.lines.some((l) => l.includes('on worker threads'))).toBe(false);
      expect(parallel.lines).toContain('training 3 seeds 2 at a time on worker threads');
      expect(parallel.lines.some((l) => /^seed \d+: checkpoint at /.test(l))).toBe(true);
      expect(Object.keys(parallel.files).sort()).toEqual(Object.keys(sequential.files).sort());
      for (const [name, bytes] of Object.entries(sequential.files)) expect(Buffer.from(parallel.files[name]).equals(Buffer.from(bytes)), name).toBe(true);
      expect(parallel.outcome).toEqual(sequential.outcome);
      expect(parallel.metadata).toEqual(sequential.metadata);
      expect(tf.memory().numTensors).toBe(before);
    }, 600_000);
  }

  it('a failure in a worker’s training is the run’s error, and nothing is committed', async () => {
    // Prepare: hidden sizes PPO refuses when it starts training (inside the worker).
    const planned = await resolveTrainingPlan({ kind: 'ppo_lstm', mode: 'full', profile: 'smoke' }, deps);
    const plan = withConfig(planned, { seedCount: 2, ppo: { ...(planned.config.ppo as Record<string, unknown>), hiddenSizes: [0] } });
    process.env.MIZAN_KERNEL_THREADS = '2';
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    // Act
    const training = (await kindSpec('ppo_lstm').loadTrainer()).train(plan, { ...trainerDeps, log: (line) => lines.push(line) });
    // Assess
    await expect(training).rejects.toThrow('PPO config hiddenSizes must be positive integers, got [0]');
    expect(lines).toContain('training 2 seeds 2 at a time on worker threads');
    expect(await deps.store.list(versionPrefix('ppo_lstm', plan.version))).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
