/**
 * The LSTM weekly-return forecaster (issue 2): `layers` stacked LSTMs of `hiddenUnits`, each followed
 * by dropout, then dense(1). Adam(learningRate), MSE. Every initialiser and dropout mask is seeded
 * from `config.seed`, so the same seed and data give the same weights.
 */
import type { LstmConfig } from './lstm-config.ts';
import { tf } from '../../../ml/backend.ts';
import { mulberry32, nextSeed } from '../../../ml/random.ts';
import { SeededDropout } from '../../../ml/seeded-dropout.ts';
import { FusedLstm } from './fused-lstm-layer.ts';

export function buildLstmModel(config: LstmConfig, channels: number): tf.Sequential {
  return withoutOrthogonalNotice(() => build(config, channels));
}

function build(config: LstmConfig, channels: number): tf.Sequential {
  if (!Number.isInteger(config.layers) || config.layers < 1) throw new Error(`layers must be a positive integer, got ${config.layers}`);
  if (!Number.isInteger(config.hiddenUnits) || config.hiddenUnits < 1) throw new Error(`hiddenUnits must be a positive integer, got ${config.hiddenUnits}`);
  const rng = mulberry32(config.seed);
  const model = tf.sequential({ name: 'lstm_forecaster' });
  for (let layer = 0; layer < config.layers; layer++) {
    model.add(
      new FusedLstm({
        name: `lstm_${layer + 1}`,
        units: config.hiddenUnits,
        returnSequences: layer < config.layers - 1,
        // The standard LSTM gate (PyTorch's, Keras 2's); tfjs defaults to hardSigmoid.
        recurrentActivation: 'sigmoid',
        ...(layer === 0 ? { inputShape: [config.lookbackDays, channels] } : {}),
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed(rng) }),
        recurrentInitializer: tf.initializers.orthogonal({ seed: nextSeed(rng), gain: 1 }),
      }),
    );
    model.add(new SeededDropout({ name: `dropout_${layer + 1}`, rate: config.dropout, seed: nextSeed(rng) }));
  }
  model.add(tf.layers.dense({ name: 'weekly_return', units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed(rng) }) }));
  compileForecaster(model, config);
  return model;
}

/**
 * tfjs warns "Orthogonal initializer is being called on a matrix with more than 2000 … elements:
 * Slowness may result" for every 64-unit recurrent kernel (a QR of 64×256 takes milliseconds here):
 * dropped so that the progress a user reads is not buried in it. Every other warning passes.
 */
function withoutOrthogonalNotice<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Orthogonal initializer is being called on a matrix with more than')) return;
    warn(...args);
  };
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

/**
 * Adam + MSE; also used on a loaded model before it is trained further. The model owns its optimizer,
 * so `model.dispose()` frees the Adam moments too (tfjs only does that for optimizers given by name).
 */
export function compileForecaster(model: tf.LayersModel, config: { learningRate: number }): void {
  model.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'meanSquaredError' });
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
}
