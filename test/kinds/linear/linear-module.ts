/** The `linear` test forecaster: the five OHLCV channels and dense(1) over the flattened window, Adam and MSE. */
import { dataRange } from '../../../src/data/data-range.ts';
import { loadBars } from '../../../src/data/load-bars.ts';
import { buildWeeklySamples } from '../../../src/features/weekly-dataset.ts';
import { tf } from '../../../src/ml/backend.ts';
import { mulberry32, nextSeed } from '../../../src/ml/random.ts';
import type { ForecasterTrainingConfig } from '../../../src/models/forecasters/shared/forecaster-config.ts';
import type { ForecasterModule } from '../../../src/models/forecasters/shared/forecaster-module.ts';
import { forecasterTrainer } from '../../../src/models/forecasters/shared/forecaster-trainer.ts';

export const linearModule: ForecasterModule = {
  kind: 'linear',
  async buildSamples(data, config, symbols, window) {
    const bars = await loadBars(data.marketData, [...symbols], dataRange(window, config.lookbackDays));
    return buildWeeklySamples(bars, window, config.lookbackDays);
  },
  buildModel: (config, channels) => buildLinearModel(config, channels),
};

function buildLinearModel(config: ForecasterTrainingConfig, channels: number): tf.Sequential {
  const rng = mulberry32(config.seed);
  const model = tf.sequential({ name: 'linear_forecaster' });
  model.add(tf.layers.flatten({ inputShape: [config.lookbackDays, channels] }));
  model.add(tf.layers.dense({ name: 'weekly_return', units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed(rng) }) }));
  model.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'meanSquaredError' });
  // The model owns its optimizer: model.dispose() frees the Adam moments too.
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
  return model;
}

export const linearTrainer = forecasterTrainer(linearModule);
