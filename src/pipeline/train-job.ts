import { isDeepStrictEqual } from 'node:util';
import { initBackend } from '../ml/backend.ts';
import { readModelFiles, versionPrefix } from '../models/artifacts/model-files.ts';
import type { Comparison } from '../models/comparison.ts';
import { kindSpec } from '../models/kinds.ts';
import type { TrainerDeps } from '../models/kind-trainer.ts';
import type { UniverseProvider } from '../ports/universe.ts';
import { forecastReader } from '../snapshots/read-forecasts.ts';
import { scoreWalkForward } from '../snapshots/score-walk-forward.ts';
import type { SnapshotOutcome } from '../snapshots/snapshot-outcomes.ts';
import { trainSnapshot } from '../snapshots/train-snapshot.ts';
import { assertPlannedForecasterModels } from './forecaster-models.ts';
import type { WalkForwardScoreLine } from '../snapshots/walk-forward-score.ts';
import type { TrainingPlan } from '../models/training-plan.ts';
import type { TrainJobSpec } from './plan.ts';

export type { Comparison } from '../models/comparison.ts';

/** What the job is given: the trainer's deps less the backend, which the job picks, and the forecasts, which it assembles. */
export interface TrainJobDeps extends Omit<TrainerDeps, 'backend' | 'forecasts'> {
  /** The halal universe as of a date: a snapshot trains on the universe of its cutoff. */
  universe: UniverseProvider;
}

export type TrainJobResult =
  | { task: 'train'; version: string; metrics: Record<string, number>; comparison: Comparison | null; seconds: number }
  | { task: 'snapshot'; version: string; snapshot: SnapshotOutcome; seconds: number }
  | { task: 'walk-forward'; version: string; total: WalkForwardScoreLine; seconds: number };

/** The trainer's job (a Batch job on AWS, a child process locally): dispatched to the plan's kind. */
export async function runTrainJob(job: TrainJobSpec, deps: TrainJobDeps): Promise<TrainJobResult> {
  const started = Date.now();
  const { plan } = job;
  const spec = kindSpec(plan.kind);
  const trainer = await spec.loadTrainer();
  const backend = await initBackend(deps.log);
  if (job.task === 'snapshot') {
    if (!job.snapshotYearEnd) throw new Error('a snapshot job needs snapshotYearEnd');
    const snapshot = await trainSnapshot({ plan, yearEnd: job.snapshotYearEnd }, { ...deps, backend });
    return { task: 'snapshot', version: plan.version, snapshot, seconds: (Date.now() - started) / 1000 };
  }
  if (job.task === 'walk-forward') {
    // Inference only: the snapshots' forecasts, scored and stored under the run.
    const { total } = await scoreWalkForward(plan, deps);
    return { task: 'walk-forward', version: plan.version, total, seconds: (Date.now() - started) / 1000 };
  }

  const committed = await readCommittedModel(plan, deps);
  if (committed) {
    deps.log(`already trained: reusing the committed model ${plan.kind} ${plan.version}`);
    return { task: 'train', version: plan.version, ...committed, seconds: (Date.now() - started) / 1000 };
  }
  // A kind that reads a forecaster trains on the forecaster's models its plan names, or not at all.
  if (spec.forecaster) await assertPlannedForecasterModels(plan, deps);
  const outcome = await trainer.train(plan, { ...deps, backend, forecasts: forecastReader(deps) });
  const seconds = (Date.now() - started) / 1000;
  deps.log(`trained ${plan.kind} ${plan.version} in ${seconds.toFixed(1)} s`);
  return { task: 'train', version: plan.version, metrics: outcome.metrics, comparison: outcome.comparison, seconds };
}

/**
 * The model this plan would train, when it is already committed (e.g. a run reopened to backfill
 * the snapshots that an earlier skip_snapshot run left out). The version is a hash of these
 * inputs, so the check is a safeguard; readModelFiles verifies each file's sha256.
 */
async function readCommittedModel(plan: TrainingPlan, deps: TrainJobDeps): Promise<{ metrics: Record<string, number>; comparison: Comparison | null } | undefined> {
  const stored = await readModelFiles(deps.store, versionPrefix(plan.kind, plan.version));
  if (!stored) return undefined;
  const meta = stored.metadata as Partial<{ data_fingerprint: string; code_version: string; config: unknown; metrics: Record<string, number>; comparison: Comparison | null }>;
  const sameInputs =
    meta.data_fingerprint === plan.dataFingerprint &&
    meta.code_version === plan.codeVersion &&
    isDeepStrictEqual(meta.config, JSON.parse(JSON.stringify(plan.config)));
  return sameInputs && meta.metrics ? { metrics: meta.metrics, comparison: meta.comparison ?? null } : undefined;
}
