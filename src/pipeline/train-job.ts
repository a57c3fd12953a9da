import { isDeepStrictEqual } from 'node:util';
import { isForecasterKind } from '../config/model-kinds.ts';
import type { ForecasterConfig } from '../config/profiles.ts';
import { addDays } from '../data/dates.ts';
import { loadBars } from '../data/load-bars.ts';
import { buildWeeklySamples, splitByDate, type WeeklySample } from '../features/weekly-dataset.ts';
import { deserializeForecaster, serializeForecaster } from '../models/forecasters/shared/forecaster-artifacts.ts';
import { evaluateMse } from '../models/forecasters/shared/forecaster-inference.ts';
import { trainForecaster } from '../models/forecasters/shared/train-forecaster.ts';
import type { ForecasterMetrics, LoadedForecaster } from '../models/forecasters/shared/forecaster-types.ts';
import { initBackend } from '../ml/backend.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { MarketData } from '../ports/market-data.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { trainSnapshot, type SnapshotOutcome } from '../snapshots/train-snapshot.ts';
import { TrainerNotImplementedError } from './errors.ts';
import type { TrainJobSpec, TrainingPlan } from './plan.ts';
import { dataRange } from './resolve-plan.ts';
import { readModelFiles, versionPrefix, writeModelFiles } from '../models/artifacts/model-files.ts';

export interface TrainJobDeps {
  store: ArtifactStore;
  registry: ModelRegistry;
  marketData: MarketData;
  log: (line: string) => void;
}

/** How the new model was compared with the current one (recorded in metadata). */
export interface Comparison {
  against: string;
  compared_on: 'same_holdout' | 'stored_metrics';
  /**
   * same_holdout only: the current model's and this run's model's MSE on the held-out weeks of this
   * run that the current model did not train on (all of them, unless its training reached into them).
   */
  current_val_loss?: number;
  candidate_val_loss?: number;
  /** same_holdout only: how many held-out samples both were evaluated on, and from which week. */
  samples?: number;
  first_week?: string;
  reason: string;
}

export type TrainJobResult =
  | { task: 'train'; version: string; metrics: ForecasterMetrics; comparison: Comparison | null; seconds: number }
  | { task: 'snapshot'; version: string; snapshot: SnapshotOutcome; seconds: number };

/** The trainer's job (a Batch job on AWS, a child process locally). */
export async function runTrainJob(spec: TrainJobSpec, deps: TrainJobDeps): Promise<TrainJobResult> {
  const started = Date.now();
  const { plan } = spec;
  if (!isForecasterKind(plan.kind) || plan.kind !== 'lstm') {
    throw new TrainerNotImplementedError(`the ${plan.kind} trainer is not implemented yet: only lstm can be trained in this version of mizan`);
  }
  const backend = await initBackend(deps.log);
  if (spec.task === 'snapshot') {
    if (!spec.snapshotYearEnd) throw new Error('a snapshot job needs snapshotYearEnd');
    const snapshot = await trainSnapshot({ plan, yearEnd: spec.snapshotYearEnd }, deps);
    return { task: 'snapshot', version: plan.version, snapshot, seconds: (Date.now() - started) / 1000 };
  }

  const committed = await readCommittedModel(plan, deps);
  if (committed) {
    deps.log(`already trained: reusing the committed model ${plan.kind} ${plan.version}`);
    return { task: 'train', version: plan.version, ...committed, seconds: (Date.now() - started) / 1000 };
  }

  const config = plan.config as ForecasterConfig;
  const bars = await loadBars(deps.marketData, plan.symbols, dataRange(plan.window, config.lookbackDays));
  const samples = buildWeeklySamples(bars, plan.window, config.lookbackDays);
  deps.log(`dataset: ${samples.length} samples (${plan.symbols.length} symbols, weeks ${plan.window.start}..${plan.window.end})`);
  const trained = await trainForecaster({
    samples,
    config,
    onEpoch: (e) =>
      deps.log(
        `epoch ${e.epoch}/${config.maxEpochs} train_loss=${e.trainLoss.toExponential(4)} val_loss=${e.valLoss.toExponential(4)} ` +
          `${e.seconds.toFixed(1)}s eta ${Math.round(e.etaSeconds)}s`,
      ),
  });
  const { val } = splitByDate(samples, config.trainFraction, config.gapWeeks);
  const comparison = await compareWithCurrent(plan, val, trained, deps);

  const files = await serializeForecaster(trained);
  trained.model.dispose();
  await writeModelFiles(deps.store, versionPrefix(plan.kind, plan.version), files, {
    kind: plan.kind,
    version: plan.version,
    mode: plan.mode,
    profile: plan.profile,
    window: plan.window,
    symbols: plan.symbols,
    config,
    seed: config.seed,
    source: plan.source,
    data_fingerprint: plan.dataFingerprint,
    code_version: plan.codeVersion,
    backend,
    metrics: trained.metrics,
    split: trained.split,
    best_epoch: trained.bestEpoch,
    history: trained.history,
    comparison,
    created_at: new Date().toISOString(),
  });
  const seconds = (Date.now() - started) / 1000;
  deps.log(`trained ${plan.kind} ${plan.version} in ${seconds.toFixed(1)} s: val_loss=${trained.metrics.val_loss} baseline_loss=${trained.metrics.baseline_loss}`);
  return { task: 'train', version: plan.version, metrics: trained.metrics, comparison, seconds };
}

/**
 * The model this plan would train, when it is already committed (e.g. a run reopened to backfill
 * the snapshots that an earlier skip_snapshot run left out). The version is a hash of these
 * inputs, so the check is a safeguard; readModelFiles verifies each file's sha256.
 */
async function readCommittedModel(plan: TrainingPlan, deps: TrainJobDeps): Promise<{ metrics: ForecasterMetrics; comparison: Comparison | null } | undefined> {
  const stored = await readModelFiles(deps.store, versionPrefix(plan.kind, plan.version));
  if (!stored) return undefined;
  const meta = stored.metadata as Partial<{ data_fingerprint: string; code_version: string; config: unknown; metrics: ForecasterMetrics; comparison: Comparison | null }>;
  const sameInputs =
    meta.data_fingerprint === plan.dataFingerprint &&
    meta.code_version === plan.codeVersion &&
    isDeepStrictEqual(meta.config, JSON.parse(JSON.stringify(plan.config)));
  return sameInputs && meta.metrics ? { metrics: meta.metrics, comparison: meta.comparison ?? null } : undefined;
}

/**
 * Evaluates the current model on this run's held-out weeks, so promotion compares like with like.
 * Only when their inputs are compatible (same features and lookback, same code version);
 * otherwise promotion falls back to the stored metrics, and says so. Held-out weeks the current
 * model trained on (its window can reach past this run's split, e.g. a run with an earlier --end)
 * are left out, and both models are scored on the weeks that remain: otherwise the current model
 * would be graded partly on its own training data.
 */
async function compareWithCurrent(plan: TrainingPlan, val: WeeklySample[], candidate: LoadedForecaster, deps: TrainJobDeps): Promise<Comparison | null> {
  const current = await deps.registry.current(plan.kind);
  if (!current || current === plan.version) return null;
  const stored = await readModelFiles(deps.store, versionPrefix(plan.kind, current));
  if (!stored) return { against: current, compared_on: 'stored_metrics', reason: `current model ${current} has no readable artifacts` };
  const meta = stored.metadata as { config?: ForecasterConfig; code_version?: string; split?: { trainLastWeek?: string; gapWeeks?: number } };
  const config = plan.config as ForecasterConfig;
  if (meta.code_version !== plan.codeVersion || meta.config?.lookbackDays !== config.lookbackDays) {
    return { against: current, compared_on: 'stored_metrics', reason: 'current model was built with other features (code version or lookback differ)' };
  }
  const trainLastWeek = meta.split?.trainLastWeek;
  if (!trainLastWeek) return { against: current, compared_on: 'stored_metrics', reason: `current model ${current} does not record which weeks it trained on` };
  const seenUpTo = addDays(trainLastWeek, 7 * (meta.split?.gapWeeks ?? meta.config.gapWeeks));
  const unseen = val.filter((s) => s.week > seenUpTo);
  if (unseen.length === 0) {
    return { against: current, compared_on: 'stored_metrics', reason: `current model trained on weeks up to ${trainLastWeek}, past all of this run's held-out weeks` };
  }
  const model = await deserializeForecaster(stored.files);
  try {
    const left = val.length - unseen.length;
    return {
      against: current,
      compared_on: 'same_holdout',
      current_val_loss: evaluateMse(model, unseen),
      candidate_val_loss: evaluateMse(candidate, unseen),
      samples: unseen.length,
      first_week: unseen.reduce((first, s) => (s.week < first ? s.week : first), unseen[0].week),
      reason:
        `both models evaluated on ${unseen.length} of this run's ${val.length} held-out samples` +
        (left > 0 ? ` (${left} left out: the current model trained on weeks up to ${trainLastWeek})` : ''),
    };
  } finally {
    model.model.dispose();
  }
}
