/**
 * The trainer of any forecaster kind: its module's dataset and network in the shared loop, the fair
 * comparison and the files; and the seam orchestration uses for snapshots and walk-forward forecasts.
 */
import { initBackend } from '../../../ml/backend.ts';
import { writeModelFiles, versionPrefix } from '../../artifacts/model-files.ts';
import { planMetadata } from '../../artifacts/version-metadata.ts';
import type { ForecasterSeam, KindTrainer, TrainerDeps } from '../../kind-trainer.ts';
import type { TrainingPlan } from '../../training-plan.ts';
import { baselineTests, type BaselineTests } from './baseline-tests.ts';
import { beatsBaselines } from './baselines.ts';
import { compareOnTestWeeks } from './compare-on-test-weeks.ts';
import { deserializeForecaster, serializeForecaster } from './forecaster-artifacts.ts';
import type { ForecasterTrainingConfig } from './forecaster-config.ts';
import { predict } from './forecaster-inference.ts';
import type { ForecasterModule } from './forecaster-module.ts';
import type { EpochReport, TrainedForecaster } from './forecaster-types.ts';
import { trainForecaster, type MemberTag } from './train-forecaster.ts';
import { metricSpread } from '../../../stats/spread.ts';

export function forecasterTrainer<C extends ForecasterTrainingConfig>(module: ForecasterModule<C>): KindTrainer {
  return {
    forecaster: forecasterSeam(module),
    async train(plan: TrainingPlan, deps: TrainerDeps) {
      const started = Date.now();
      const config = plan.config as unknown as C;
      const data = { marketData: deps.marketData, signals: deps.signals };
      const samples = await module.buildSamples(data, config, plan.symbols, plan.window);
      deps.log(`dataset: ${samples.length} samples (${plan.symbols.length} symbols, weeks ${plan.window.start}..${plan.window.end})`);
      const trained = await trainForecaster({ samples, config, buildModel: (c, channels) => module.buildModel(c, channels), onEpoch: (e, member) => deps.log(epochLine(e, member)) });
      try {
        const test = samples.filter((s) => s.week >= trained.split.testFirstWeek);
        const comparison = await compareOnTestWeeks(plan, trained, test, module, deps);
        const tests = baselineTests(test.map((s) => ({ symbol: s.symbol, week: s.week, actual: s.target })), predict(trained, test), trained.trainMean);
        const inputs = (await module.describeInputs?.(data, config, plan.symbols, plan.window)) ?? {};
        await commitForecaster(plan, trained, { comparison, tests, inputs, started }, deps);
        return { metrics: { ...trained.metrics }, comparison };
      } finally {
        trained.model.dispose();
      }
    },
  };
}

/**
 * The kind's dataset, training and inference on data handed in (snapshots, walk-forward forecasts).
 * A snapshot is one network, the config's seed (seedCount 1 in its config.json), not the run's seed
 * ensemble: a run trains ~11 snapshots, each about as costly as the main model, so K of them would
 * multiply a `local` run's time by ~K; the main model's K seeds add K − 1 models.
 */
function forecasterSeam<C extends ForecasterTrainingConfig>(module: ForecasterModule<C>): ForecasterSeam {
  return {
    samples: (config, symbols, window, data) => module.buildSamples(data, config as unknown as C, symbols, window),
    async fit(samples, config, onEpoch) {
      const single = { ...(config as unknown as C), seedCount: 1 };
      const trained = await trainForecaster({ samples, config: single, buildModel: (c, channels) => module.buildModel(c, channels), onEpoch });
      try {
        return { files: await serializeForecaster(trained), metrics: trained.metrics, bestEpoch: trained.bestEpoch };
      } finally {
        trained.model.dispose();
      }
    },
    async predict(files, samples) {
      await initBackend();
      const forecaster = await deserializeForecaster(files);
      try {
        return predict(forecaster, samples);
      } finally {
        forecaster.model.dispose();
      }
    },
  };
}

function epochLine(e: EpochReport, member: MemberTag): string {
  const seed = member.count > 1 ? `seed ${member.seed} (${member.index}/${member.count}) ` : '';
  return `${seed}epoch ${e.epoch}/${e.maxEpochs} train_loss=${e.trainLoss.toExponential(4)} val_loss=${e.valLoss.toExponential(4)} ${e.seconds.toFixed(1)}s eta ${Math.round(e.etaSeconds)}s`;
}

/** A member as the metadata lists it (its epochs are left out beyond the first member's `history`). */
function memberSummary(member: TrainedForecaster['members'][number]) {
  return { seed: member.seed, best_epoch: member.bestEpoch, epochs: member.history.length, metrics: member.metrics };
}

/** The version's files and metadata.json (last: the commit marker). */
async function commitForecaster(
  plan: TrainingPlan,
  trained: TrainedForecaster,
  facts: { comparison: unknown; tests: BaselineTests; inputs: Record<string, unknown>; started: number },
  deps: TrainerDeps,
): Promise<void> {
  const m = trained.metrics;
  const verdict = beatsBaselines(m.test_loss, m.test_baseline_loss, m.test_mean_baseline_loss);
  const spread = metricSpread(trained.members.map((member) => ({ ...member.metrics })));
  await writeModelFiles(deps.store, versionPrefix(plan.kind, plan.version), await serializeForecaster(trained), {
    ...planMetadata(plan, deps.backend),
    metrics: m,
    // Each metric over the K seeds' networks (mean, sample std, min, max, n); the metrics above are the stored model's.
    metric_spread: spread,
    seeds: { count: trained.members.length, combine: trained.members.length > 1 ? trained.config.combineSeeds ?? 'mean' : 'single', members: trained.members.map(memberSummary) },
    test_vs_baselines: verdict,
    // The stored model's weekly test losses against the zero and the mean forecast (Diebold–Mariano).
    tests: facts.tests,
    split: trained.split,
    target_scale: trained.target,
    best_epoch: trained.bestEpoch,
    history: trained.history,
    comparison: facts.comparison,
    inputs: facts.inputs,
    train_seconds: (Date.now() - facts.started) / 1000,
    created_at: new Date().toISOString(),
    // Read by record-result into the response: the losses' spread over the seeds (the baselines are in
    // metrics) and the Diebold–Mariano tests against the zero and mean forecasts.
    response: { metric_spread: { test_loss: spread.test_loss, val_loss: spread.val_loss }, tests: facts.tests },
  });
  const seeds = trained.members.length > 1 ? ` (${trained.config.combineSeeds === 'best_val' ? 'best validation seed' : 'mean'} of ${trained.members.length} seeds)` : '';
  deps.log(`trained ${plan.kind} ${plan.version}${seeds}: val_loss=${m.val_loss.toExponential(4)} test_loss=${m.test_loss.toExponential(4)} (test: ${verdict})`);
}
