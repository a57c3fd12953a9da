/**
 * `npm run bench`: throughput of the LSTM forecaster with the `local` profile's model config on a
 * fixed, seeded synthetic batch. Prints `bench <name> <value> <unit>` lines on stdout.
 */
import { LSTM_CONFIGS } from '../src/models/forecasters/lstm/lstm-config.ts';
import { CHANNELS } from '../src/features/weekly-dataset.ts';
import { buildLstmModel } from '../src/models/forecasters/lstm/lstm-model.ts';
import { predictScaled } from '../src/models/forecasters/shared/forecaster-inference.ts';
import { disposeForecaster } from '../src/models/forecasters/shared/train-forecaster.ts';
import { initBackend, tf } from '../src/ml/backend.ts';
import { mulberry32 } from '../src/ml/random.ts';

const TRAIN_STEPS = 6;
const PREDICT_SAMPLES = 2048;

function line(name: string, value: number | string, unit: string): void {
  process.stdout.write(`bench ${name} ${typeof value === 'number' ? value.toFixed(1) : value} ${unit}\n`);
}

const config = LSTM_CONFIGS.local;
const backend = await initBackend((l) => process.stderr.write(`${l}\n`));
line('backend', backend, '-');

const width = config.lookbackDays * CHANNELS;
const rng = mulberry32(1234);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const xs = Float32Array.from({ length: config.batchSize * width }, gaussian);
const ys = Float32Array.from({ length: config.batchSize }, () => 0.03 * gaussian());

const model = buildLstmModel(config, CHANNELS);
const x = tf.tensor3d(xs, [config.batchSize, config.lookbackDays, CHANNELS]);
const y = tf.tensor2d(ys, [config.batchSize, 1]);
await model.trainOnBatch(x, y); // warm-up: builds the graph and the optimizer state
let started = performance.now();
for (let step = 0; step < TRAIN_STEPS; step++) await model.trainOnBatch(x, y);
const trainSeconds = (performance.now() - started) / 1000;
line('lstm_train_samples_per_s', (TRAIN_STEPS * config.batchSize) / trainSeconds, 'samples/s');
line('lstm_train_step_ms', (trainSeconds * 1000) / TRAIN_STEPS, 'ms');

const predictInput = Float32Array.from({ length: PREDICT_SAMPLES * width }, gaussian);
const identity = { mean: 0, std: 1 };
predictScaled(model, predictInput.subarray(0, width), 1, config.lookbackDays, CHANNELS, identity); // warm-up
started = performance.now();
predictScaled(model, predictInput, PREDICT_SAMPLES, config.lookbackDays, CHANNELS, identity);
line('lstm_predict_samples_per_s', PREDICT_SAMPLES / ((performance.now() - started) / 1000), 'samples/s');

tf.dispose([x, y]);
disposeForecaster({ model });
line('lstm_leaked_tensors', tf.memory().numTensors, 'tensors');
