/**
 * The trainer of any forecaster kind: its module's dataset and network in the shared loop, the fair
 * comparison and the files; and the seam orchestration uses for snapshots and walk-forward forecasts.
 */
import { initBackend } from '../../../ml/backend.ts';
import { writeModelFiles, versionPrefix } from '../../artifacts/model-files.ts';
import { planMetadata } from '../../artifacts/version-metadata.ts';
import type { ForecasterSeam, KindTrainer, TrainerDeps } from '../../kind-trainer.ts';
import type { TrainingPlan } from '../../training-plan.ts';
import { beatsBaselines } from './baselines.ts';
import { compareOnTestWeeks } from './compare-on-test-weeks.ts';
import { deserializeForecaster, serializeForecaster } from './forecaster-artifacts.ts';
import type { ForecasterTrainingConfig } from './forecaster-config.ts';
import { predict } from './forecaster-inference.ts';
import type { ForecasterModule } from './forecaster-module.ts';
import type { EpochReport, TrainedForecaster } from './forecaster-types.ts';
import { trainForecaster } from './train-forecaster.ts';

export function forecasterTrainer<C extends ForecasterTrainingConfig>(module: ForecasterModule<C>): KindTrainer {
  return {
    forecaster: forecasterSeam(module),
    async train(plan: TrainingPlan, deps: TrainerDeps) {
      const started = Date.now();
      const config = plan.config as unknown as C;
      const data = { marketData: deps.marketData, signals: deps.signals };
      const samples = await module.buildSamples(data, config, plan.symbols, plan.window);
      deps.log(`dataset: ${samples.length} samples (${plan.symbols.length} symbols, weeks ${plan.window.start}..${plan.window.end})`);
      const trained = await trainForecaster({ samples, config, buildModel: (c, channels) => module.buildModel(c, channels), onEpoch: (e) => deps.log(epochLine(e)) });
      try {
        const test = samples.filter((s) => s.week >= trained.split.testFirstWeek);
        const comparison = await compareOnTestWeeks(plan, trained, test, module, deps);
        const inputs = (await module.describeInputs?.(data, config, plan.symbols, plan.window)) ?? {};
        await commitForecaster(plan, trained, { comparison, inputs, started }, deps);
        return { metrics: { ...trained.metrics }, comparison };
      } finally {
        trained.model.dispose();
      }
    },
  };
}

/** The kind's dataset, training and inference on data handed in (snapshots, walk-forward forecasts). */
function forecasterSeam<C extends ForecasterTrainingConfig>(module: ForecasterModule<C>): ForecasterSeam {
  return {
    samples: (config, symbols, window, data) => module.buildSamples(data, config as unknown as C, symbols, window),
    async fit(samples, config, onEpoch) {
      const trained = await trainForecaster({ samples, config: config as unknown as C, buildModel: (c, channels) => module.buildModel(c, channels), onEpoch });
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

function epochLine(e: EpochReport): string {
  return `epoch ${e.epoch}/${e.maxEpochs} train_loss=${e.trainLoss.toExponential(4)} val_loss=${e.valLoss.toExponential(4)} ${e.seconds.toFixed(1)}s eta ${Math.round(e.etaSeconds)}s`;
}

/** The version's files and metadata.json (last: the commit marker). */
async function commitForecaster(
  plan: TrainingPlan,
  trained: TrainedForecaster,
  facts: { comparison: unknown; inputs: Record<string, unknown>; started: number },
  deps: TrainerDeps,
): Promise<void> {
  const m = trained.metrics;
  const verdict = beatsBaselines(m.test_loss, m.test_baseline_loss, m.test_mean_baseline_loss);
  await writeModelFiles(deps.store, versionPrefix(plan.kind, plan.version), await serializeForecaster(trained), {
    ...planMetadata(plan, deps.backend),
    metrics: m,
    test_vs_baselines: verdict,
    split: trained.split,
    target_scale: trained.target,
    best_epoch: trained.bestEpoch,
    history: trained.history,
    comparison: facts.comparison,
    inputs: facts.inputs,
    train_seconds: (Date.now() - facts.started) / 1000,
    created_at: new Date().toISOString(),
  });
  deps.log(`trained ${plan.kind} ${plan.version}: val_loss=${m.val_loss.toExponential(4)} test_loss=${m.test_loss.toExponential(4)} (test: ${verdict})`);
}
