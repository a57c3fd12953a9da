/**
 * Throughput of the LSTM forecaster with the `local` profile's config (2 × LSTM 64, batch 256) on a
 * fixed, seeded synthetic batch: training steps and prediction, and how many threads its kernel
 * uses (MIZAN_KERNEL_THREADS, else 2 on a machine with two cores). `measureLstm()` is meant for
 * bench/run.ts; run alone (`node bin/run-ts.mjs bench/lstm-speed.ts`) it prints `bench` lines.
 */
import { pathToFileURL } from 'node:url';
import { CHANNELS } from '../src/features/weekly-dataset.ts';
import { initBackend, tf } from '../src/ml/backend.ts';
import { kernelThreads } from '../src/ml/kernels/mlp-threads.ts';
import { mulberry32 } from '../src/ml/random.ts';
import { LSTM_CONFIGS } from '../src/models/forecasters/lstm/lstm-config.ts';
import { buildLstmModel } from '../src/models/forecasters/lstm/lstm-model.ts';
import { predictScaled } from '../src/models/forecasters/shared/forecaster-inference.ts';
import { disposeForecaster } from '../src/models/forecasters/shared/train-forecaster.ts';

const TRAIN_STEPS = 6;
const PREDICT_SAMPLES = 2048;

export interface LstmSpeed {
  lstm_train_samples_per_s: number;
  lstm_train_step_ms: number;
  lstm_predict_samples_per_s: number;
  lstm_kernel_threads: number;
}

export async function measureLstm(): Promise<LstmSpeed> {
  await initBackend();
  const rng = mulberry32(1234);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const config = LSTM_CONFIGS.local;
  const width = config.lookbackDays * CHANNELS;
  const model = buildLstmModel(config, CHANNELS);
  const x = tf.tensor3d(Float32Array.from({ length: config.batchSize * width }, gaussian), [config.batchSize, config.lookbackDays, CHANNELS]);
  const y = tf.tensor2d(Float32Array.from({ length: config.batchSize }, () => 0.03 * gaussian()), [config.batchSize, 1]);
  try {
    await model.trainOnBatch(x, y); // warm-up: builds the graph and the optimizer state
    let started = performance.now();
    for (let step = 0; step < TRAIN_STEPS; step++) await model.trainOnBatch(x, y);
    const trainSeconds = (performance.now() - started) / 1000;

    const predictInput = Float32Array.from({ length: PREDICT_SAMPLES * width }, gaussian);
    const identity = { mean: 0, std: 1 };
    predictScaled(model, predictInput.subarray(0, width), 1, config.lookbackDays, CHANNELS, identity); // warm-up
    started = performance.now();
    predictScaled(model, predictInput, PREDICT_SAMPLES, config.lookbackDays, CHANNELS, identity);
    const predictSeconds = (performance.now() - started) / 1000;
    return {
      lstm_train_samples_per_s: (TRAIN_STEPS * config.batchSize) / trainSeconds,
      lstm_train_step_ms: (trainSeconds * 1000) / TRAIN_STEPS,
      lstm_predict_samples_per_s: PREDICT_SAMPLES / predictSeconds,
      lstm_kernel_threads: tf.getBackend() === 'wasm' ? kernelThreads() : 0,
    };
  } finally {
    tf.dispose([x, y]);
    disposeForecaster({ model });
  }
}

export const LSTM_UNITS: Record<keyof LstmSpeed, string> = {
  lstm_train_samples_per_s: 'samples/s',
  lstm_train_step_ms: 'ms',
  lstm_predict_samples_per_s: 'samples/s',
  lstm_kernel_threads: 'threads',
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const speed = await measureLstm();
  for (const [name, value] of Object.entries(speed)) process.stdout.write(`bench ${name} ${value.toFixed(1)} ${LSTM_UNITS[name as keyof LstmSpeed]}\n`);
}
