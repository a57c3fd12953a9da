/** Prediction and MSE for a forecaster, batched and tidy (no tensor outlives a call). */
import type { WeeklySample } from '../../../features/weekly-dataset.ts';
import { tf } from '../../../ml/backend.ts';
import type { StandardScaler } from '../../../ml/scaler.ts';
import type { LoadedForecaster, TargetScale } from './forecaster-types.ts';

const PREDICT_BATCH = 512;

/** Predicted weekly returns, one per sample (or raw unscaled feature window), in input order. */
export function predict(forecaster: LoadedForecaster, inputs: readonly WeeklySample[] | readonly Float32Array[]): Float32Array {
  const windows = inputs.map((input) => (input instanceof Float32Array ? input : input.features));
  const { lookbackDays } = forecaster.config;
  const scaled = scaleWindows(forecaster.scaler, windows, lookbackDays);
  return predictScaled(forecaster.model, scaled, windows.length, lookbackDays, forecaster.scaler.channels, forecaster.target);
}

/** Mean squared error of the predictions against the samples' targets. */
export function evaluateMse(forecaster: LoadedForecaster, samples: readonly WeeklySample[]): number {
  return meanSquaredError(predict(forecaster, samples), samples.map((s) => s.target));
}

/** Concatenates scaled windows into one row-major buffer [n, lookbackDays, channels]. */
export function scaleWindows(scaler: StandardScaler, windows: readonly Float32Array[], lookbackDays: number): Float32Array {
  const width = lookbackDays * scaler.channels;
  const out = new Float32Array(windows.length * width);
  windows.forEach((w, i) => {
    if (w.length !== width) throw new Error(`feature window ${i} has ${w.length} values, expected ${lookbackDays} days × ${scaler.channels} channels = ${width}`);
    scaler.transformInto(w, out, i * width);
  });
  return out;
}

/** Eval-mode predictions (dropout off) for n already-scaled windows, mapped back to weekly returns. */
export function predictScaled(model: tf.LayersModel, scaled: Float32Array, n: number, lookbackDays: number, channels: number, target: TargetScale): Float32Array {
  return unscaleTarget(predictOutputs(model, scaled, n, lookbackDays, channels), target);
}

/** The model's own outputs (dropout off) for n already-scaled windows: in the training target's units. */
export function predictOutputs(model: tf.LayersModel, scaled: Float32Array, n: number, lookbackDays: number, channels: number): Float32Array {
  const width = lookbackDays * channels;
  const out = new Float32Array(n);
  for (let from = 0; from < n; from += PREDICT_BATCH) {
    const size = Math.min(PREDICT_BATCH, n - from);
    const batch = tf.tidy(() => {
      const x = tf.tensor3d(scaled.subarray(from * width, (from + size) * width), [size, lookbackDays, channels]);
      // predict() would otherwise cut the batch into its default 32-sample pieces (16x the per-op overhead).
      return (model.predict(x, { batchSize: size }) as tf.Tensor).dataSync() as Float32Array;
    });
    out.set(batch, from);
  }
  return out;
}

/** Model outputs mapped back to weekly returns (the target was standardised with `target`; identity when not). */
export function unscaleTarget(outputs: Float32Array, target: TargetScale): Float32Array {
  return outputs.map((v) => v * target.std + target.mean);
}

export function meanSquaredError(predictions: ArrayLike<number>, targets: ArrayLike<number>): number {
  if (predictions.length !== targets.length) throw new Error(`${predictions.length} predictions for ${targets.length} targets`);
  if (targets.length === 0) throw new Error('mean squared error of no samples');
  let sum = 0;
  for (let i = 0; i < targets.length; i++) sum += (predictions[i] - targets[i]) ** 2;
  return sum / targets.length;
}
