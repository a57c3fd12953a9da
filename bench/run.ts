/**
 * `npm run bench`: throughput on fixed, seeded synthetic inputs, as `bench <name> <value> <unit>`
 * lines on stdout (the whole run takes a few minutes on 2 cores):
 * - the LSTM forecaster with the `local` profile's config (bench/lstm-speed.ts): training,
 *   prediction, and the threads its kernel uses;
 * - PPO on a panel the size of the production universe (bench/ppo-speed.ts): rollout steps alone,
 *   and timesteps of a whole run (rollouts and updates) with the seed's PPO config;
 * - PatchTST with the `local` profile's config (its architecture and batch size) on 60 × 11 inputs;
 * - SAC on the same panel (bench/sac-speed.ts): learning steps per second, each one gradient update.
 */
import { CHANNELS } from '../src/features/weekly-dataset.ts';
import { SIGNAL_CHANNELS } from '../src/features/signal-channels.ts';
import { initBackend, tf } from '../src/ml/backend.ts';
import { mulberry32 } from '../src/ml/random.ts';
import { PATCHTST_CONFIGS } from '../src/models/forecasters/patchtst/patchtst-config.ts';
import { buildPatchTstModel } from '../src/models/forecasters/patchtst/patchtst-model.ts';
import { measureLstm, LSTM_UNITS } from './lstm-speed.ts';
import { measurePpo } from './ppo-speed.ts';
import { measureSac } from './sac-speed.ts';
import { measureDashboard } from './dashboard-speed.ts';

const TRAIN_STEPS = 6;
const PREDICT_SAMPLES = 2048;
/** 8 PPO updates (2048 timesteps each) and 2000 SAC learning steps: steady rates, about a minute in all. */
const PPO_TIMESTEPS = 16_384;
const SAC_UPDATES = 2_000;

function line(name: string, value: number | string, unit: string): void {
  process.stdout.write(`bench ${name} ${typeof value === 'number' ? value.toFixed(1) : value} ${unit}\n`);
}

const rng = mulberry32(1234);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

/** bench/patchtst-speed.ts measures the seed's architecture at batch 256 (the `full` profile); this is the `local` one. */
async function benchPatchTstLocal(): Promise<void> {
  const config = PATCHTST_CONFIGS.local;
  const channels = CHANNELS + (config.signals ? SIGNAL_CHANNELS.length : 0);
  const { lookbackDays, batchSize } = config;
  const width = lookbackDays * channels;
  const priceChannels = Array.from({ length: CHANNELS }, (_, c) => c);
  const model = buildPatchTstModel(config, { lookbackDays, channels, instanceNormChannels: priceChannels }, config.seed, config.learningRate);
  const x = tf.tensor3d(Float32Array.from({ length: batchSize * width }, gaussian), [batchSize, lookbackDays, channels]);
  const y = tf.tensor2d(Float32Array.from({ length: batchSize }, gaussian), [batchSize, 1]);
  const predictX = tf.tensor3d(Float32Array.from({ length: PREDICT_SAMPLES * width }, gaussian), [PREDICT_SAMPLES, lookbackDays, channels]);
  try {
    await model.trainOnBatch(x, y); // warm-up
    let started = performance.now();
    for (let step = 0; step < TRAIN_STEPS; step++) await model.trainOnBatch(x, y);
    line('patchtst_train_samples_per_s', (TRAIN_STEPS * batchSize) / ((performance.now() - started) / 1000), 'samples/s');
    tf.tidy(() => void model.predict(x.slice(0, 1))); // warm-up; returns nothing, so tidy disposes the slice and the prediction
    started = performance.now();
    const predicted = model.predict(predictX, { batchSize }) as tf.Tensor;
    await predicted.data();
    line('patchtst_predict_samples_per_s', PREDICT_SAMPLES / ((performance.now() - started) / 1000), 'samples/s');
    predicted.dispose();
  } finally {
    tf.dispose([x, y, predictX]);
    model.dispose();
  }
}

const backend = await initBackend((l) => process.stderr.write(`${l}\n`));
line('backend', backend, '-');
const before = tf.memory().numTensors;
const lstm = await measureLstm();
for (const [name, value] of Object.entries(lstm)) line(name, value, LSTM_UNITS[name as keyof typeof lstm]);

const ppo = await measurePpo(PPO_TIMESTEPS);
line('ppo_env_steps_per_s', ppo.ppo_env_steps_per_s, 'steps/s');
line('ppo_timesteps_per_s', ppo.ppo_timesteps_per_s, 'steps/s');
line('ppo_100k_minutes_extrapolated', 100_000 / ppo.ppo_timesteps_per_s / 60, 'min');

await benchPatchTstLocal();

const sac = await measureSac(SAC_UPDATES);
line('sac_updates_per_s', sac.sac_updates_per_s, 'updates/s');
line('sac_updates_per_cpu_s', sac.sac_updates_per_cpu_s, 'updates/s');

line('leaked_tensors', tf.memory().numTensors - before, 'tensors');

// A page from a data dir with 100 versions and 100 executions (issue 13: under 300 ms).
const dashboard = await measureDashboard();
for (const [name, value] of Object.entries(dashboard)) {
  if (name.startsWith('dashboard_') && typeof value === 'number') line(name, value, 'ms');
}
