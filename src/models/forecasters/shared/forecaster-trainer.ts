/** The trainer of any forecaster kind: its module's dataset and network, the shared loop, fair comparison and files. */
import { writeModelFiles, versionPrefix } from '../../artifacts/model-files.ts';
import { planMetadata } from '../../artifacts/version-metadata.ts';
import type { KindTrainer, TrainerDeps } from '../../kind-trainer.ts';
import type { TrainingPlan } from '../../../pipeline/plan.ts';
import { trainSnapshot } from '../../../snapshots/train-snapshot.ts';
import { compareOnTestWeeks } from './compare-on-test-weeks.ts';
import { serializeForecaster } from './forecaster-artifacts.ts';
import type { ForecasterTrainingConfig } from './forecaster-config.ts';
import type { ForecasterModule } from './forecaster-module.ts';
import { beatsBaselines } from './baselines.ts';
import { trainForecaster } from './train-forecaster.ts';

export function forecasterTrainer<C extends ForecasterTrainingConfig>(module: ForecasterModule<C>): KindTrainer {
  return {
    forecaster: module as unknown as ForecasterModule,
    trainSnapshot: (plan, yearEnd, deps) => trainSnapshot({ plan, yearEnd, module: module as unknown as ForecasterModule }, deps),
    async train(plan: TrainingPlan, deps: TrainerDeps) {
      const started = Date.now();
      const config = plan.config as unknown as C;
      const data = { marketData: deps.marketData, signals: deps.signals };
      const samples = await module.buildSamples(data, config, plan.symbols, plan.window);
      deps.log(`dataset: ${samples.length} samples (${plan.symbols.length} symbols, weeks ${plan.window.start}..${plan.window.end})`);
      const trained = await trainForecaster({
        samples,
        config,
        buildModel: (c, channels) => module.buildModel(c, channels),
        onEpoch: (e) =>
          deps.log(
            `epoch ${e.epoch}/${config.maxEpochs} train_loss=${e.trainLoss.toExponential(4)} val_loss=${e.valLoss.toExponential(4)} ` +
              `${e.seconds.toFixed(1)}s eta ${Math.round(e.etaSeconds)}s`,
          ),
      });
      try {
        const test = samples.filter((s) => s.week >= trained.split.testFirstWeek);
        const comparison = await compareOnTestWeeks(plan, trained, test, module as unknown as ForecasterModule, deps);
        const files = await serializeForecaster(trained);
        const inputs = (await module.describeInputs?.(data, config, plan.symbols, plan.window)) ?? {};
        const m = trained.metrics;
        await writeModelFiles(deps.store, versionPrefix(plan.kind, plan.version), files, {
          ...planMetadata(plan, deps.backend),
          metrics: m,
          test_vs_baselines: beatsBaselines(m.test_loss, m.test_baseline_loss, m.test_mean_baseline_loss),
          split: trained.split,
          target_scale: trained.target,
          best_epoch: trained.bestEpoch,
          history: trained.history,
          comparison,
          inputs,
          train_seconds: (Date.now() - started) / 1000,
          created_at: new Date().toISOString(),
        });
        deps.log(
          `trained ${plan.kind} ${plan.version}: val_loss=${m.val_loss.toExponential(4)} test_loss=${m.test_loss.toExponential(4)} ` +
            `(test: ${beatsBaselines(m.test_loss, m.test_baseline_loss, m.test_mean_baseline_loss)})`,
        );
        return { metrics: { ...m }, comparison };
      } finally {
        trained.model.dispose();
      }
    },
  };
}
