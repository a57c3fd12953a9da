/**
 * Throughput of the PatchTST forecaster with the seed architecture at batch 256 on a 60 × 11 input,
 * on a fixed, seeded synthetic batch (6 timed steps, as the PyTorch twin). On wasm each encoder
 * layer is one kernel call each way, split over `patchtst_kernel_threads` threads; the CPU time per
 * step (this process, every thread) is printed beside the wall time, as it moves less with the
 * machine's load. `measurePatchTst()` is meant for bench/run.ts; run alone
 * (`node bin/run-ts.mjs bench/patchtst-speed.ts`) it prints `bench <name> <value> <unit>` lines.
 */
import { pathToFileURL } from 'node:url';
import { initBackend, tf } from '../src/ml/backend.ts';
import { kernelThreads } from '../src/ml/kernels/mlp-threads.ts';
import { mulberry32 } from '../src/ml/random.ts';
import { buildPatchTstModel, PATCHTST_SEED_ARCHITECTURE } from '../src/models/forecasters/patchtst/patchtst-model.ts';

const BATCH = 256;
const LOOKBACK_DAYS = 60;
const CHANNELS = 11;
const PRICE_CHANNELS = [0, 1, 2, 3, 4];
const TRAIN_STEPS = 6;
const PREDICT_SAMPLES = 2048;

export interface PatchTstSpeed {
  patchtst_train_samples_per_s: number;
  patchtst_train_step_ms: number;
  patchtst_train_cpu_ms_per_step: number;
  patchtst_predict_samples_per_s: number;
  patchtst_kernel_threads: number;
}

const UNITS: Record<keyof PatchTstSpeed, string> = {
  patchtst_train_samples_per_s: 'samples/s',
  patchtst_train_step_ms: 'ms',
  patchtst_train_cpu_ms_per_step: 'ms',
  patchtst_predict_samples_per_s: 'samples/s',
  patchtst_kernel_threads: 'threads',
};

export async function measurePatchTst(): Promise<PatchTstSpeed> {
  await initBackend();
  const rng = mulberry32(1234);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const width = LOOKBACK_DAYS * CHANNELS;
  const model = buildPatchTstModel(PATCHTST_SEED_ARCHITECTURE, { lookbackDays: LOOKBACK_DAYS, channels: CHANNELS, instanceNormChannels: PRICE_CHANNELS }, 7, 1e-3);
  const x = tf.tensor3d(Float32Array.from({ length: BATCH * width }, gaussian), [BATCH, LOOKBACK_DAYS, CHANNELS]);
  const y = tf.tensor2d(Float32Array.from({ length: BATCH }, gaussian), [BATCH, 1]);
  const predictX = tf.tensor3d(Float32Array.from({ length: PREDICT_SAMPLES * width }, gaussian), [PREDICT_SAMPLES, LOOKBACK_DAYS, CHANNELS]);
  try {
    await model.trainOnBatch(x, y); // warm-up: builds the graph and the optimizer state
    const cpu = process.cpuUsage();
    let started = performance.now();
    for (let step = 0; step < TRAIN_STEPS; step++) await model.trainOnBatch(x, y);
    const trainSeconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);

    tf.dispose(model.predict(x.slice(0, 1)) as tf.Tensor); // warm-up
    started = performance.now();
    const predicted = model.predict(predictX, { batchSize: BATCH }) as tf.Tensor;
    await predicted.data();
    const predictSeconds = (performance.now() - started) / 1000;
    predicted.dispose();
    return {
      patchtst_train_samples_per_s: (TRAIN_STEPS * BATCH) / trainSeconds,
      patchtst_train_step_ms: (trainSeconds * 1000) / TRAIN_STEPS,
      patchtst_train_cpu_ms_per_step: (user + system) / 1000 / TRAIN_STEPS,
      patchtst_predict_samples_per_s: PREDICT_SAMPLES / predictSeconds,
      patchtst_kernel_threads: tf.getBackend() === 'wasm' ? kernelThreads() : 0,
    };
  } finally {
    tf.dispose([x, y, predictX]);
    model.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const speed = await measurePatchTst();
  for (const [name, value] of Object.entries(speed)) process.stdout.write(`bench ${name} ${value.toFixed(1)} ${UNITS[name as keyof PatchTstSpeed]}\n`);
}
