/**
 * Trains any forecaster (the kind builds the network): date split into train / validation / test
 * (with purge gaps) → scaler fit on training rows only → optional target scaling with training
 * statistics → for each of the config's seeds (seed, seed + 1, …) a seeded mini-batch loop (our own
 * shuffle: model.fit's uses Math.random) with early stopping on validation MSE and the best epoch's
 * weights restored → the seed ensemble (the members' mean; or the member with the lowest validation
 * loss when the config says so) → metrics on the three segments in eval mode, beside both baselines,
 * for every member (their spread) and the stored model. The ensemble's outputs are the average of its
 * members' (seed-ensemble.ts's averageOutputs, the Average layer's float32 arithmetic), so scoring it
 * costs no second pass through K networks. The test weeks are read only after every training decision.
 *
 * The members train one after another, each on both cores (the kernels split every batch over two
 * threads). Measured on the local LSTM (bench/seed-members.ts, one epoch, two seeds): on a busy
 * machine 69 s in sequence on two threads each, 102 s as two one-thread processes at once; on an
 * idle one (2026-12-07) 14.6–17.2 s against 16.0–16.9 s (each one-thread member took 13.4–13.9 s
 * beside the other, 11.0 s alone): two at once gain nothing.
 */
import type { WeeklySample } from '../../../features/weekly-dataset.ts';
import { initBackend, tf } from '../../../ml/backend.ts';
import { mulberry32, shuffledIndices } from '../../../ml/random.ts';
import { StandardScaler } from '../../../ml/scaler.ts';
import { meanBaselineLoss, meanOf, zeroBaselineLoss } from './baselines.ts';
import { splitByDate } from './date-split.ts';
import type { ForecasterTrainingConfig } from './forecaster-config.ts';
import { meanSquaredError, predictOutputs, predictScaled, scaleWindows, unscaleTarget } from './forecaster-inference.ts';
import type { EpochReport, ForecasterMetrics, MemberReport, TargetScale, TrainedForecaster } from './forecaster-types.ts';
import { averageOutputs, combineMembers, memberSeeds } from './seed-ensemble.ts';

export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
}

/** Which member of the seed ensemble an epoch belongs to (1-based index of `count`). */
export interface MemberTag {
  index: number;
  count: number;
  seed: number;
}

export interface TrainForecasterOptions<C extends ForecasterTrainingConfig> {
  samples: readonly WeeklySample[];
  config: C;
  /** The kind's network for `channels` input channels, compiled (optimizer owned by the model). */
  buildModel: (config: C, channels: number) => tf.LayersModel;
  onEpoch?: (report: EpochReport, member: MemberTag) => void;
  /** Called after every training batch (for a progress bar). */
  onBatch?: (progress: BatchProgress) => void;
}

/** Distinct stream from the initialisers' (which use config.seed itself). */
const SHUFFLE_STREAM = 0x5eed5;

export async function trainForecaster<C extends ForecasterTrainingConfig>(options: TrainForecasterOptions<C>): Promise<TrainedForecaster> {
  const { samples, config } = options;
  await initBackend();
  const data = scaledSegments(samples, config);
  const seeds = memberSeeds(config);
  const members: (MemberReport & { model: tf.LayersModel; outputs: SegmentOutputs })[] = [];
  let model: tf.LayersModel | undefined;
  try {
    for (const [i, seed] of seeds.entries()) {
      const tag: MemberTag = { index: i + 1, count: seeds.length, seed };
      members.push(await fitMember(data, { ...config, seed }, tag, options));
    }
    model = storedModel(members, config);
    const chosen = members.find((m) => m.model === model);
    const metrics = chosen ? chosen.metrics : metricsOf(averageSegments(members.map((m) => m.outputs)), data);
    const first = chosen ?? members[0];
    return {
      model,
      scaler: data.scaler,
      config,
      target: data.target,
      metrics,
      trainMean: data.trainMean,
      split: data.split.summary,
      history: first.history,
      bestEpoch: first.bestEpoch,
      members: members.map(({ model: _model, outputs: _outputs, ...report }) => report),
    };
  } catch (error) {
    // The stored model owns every member still held (an ensemble disposes its members).
    if (model) model.dispose();
    else for (const m of members) m.model.dispose();
    throw error;
  }
}

/** One seed's network, trained with early stopping, its best epoch's weights restored, and its metrics. */
async function fitMember<C extends ForecasterTrainingConfig>(data: ReturnType<typeof scaledSegments>, config: C, tag: MemberTag, options: TrainForecasterOptions<C>) {
  const model = options.buildModel(config, data.channels);
  try {
    const { history, best } = await fitEpochs(model, data, config, tag, options);
    restoreWeights(model, best.weights);
    const outputs = predictSegments(model, data, config);
    return { seed: config.seed, model, history, bestEpoch: best.epoch, outputs, metrics: metricsOf(outputs, data) };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The members' mean; or, when the config asks for it, the member with the lowest validation loss (the others are freed). */
function storedModel(members: readonly { model: tf.LayersModel; metrics: ForecasterMetrics }[], config: ForecasterTrainingConfig): tf.LayersModel {
  if (config.combineSeeds !== 'best_val') return combineMembers(members.map((m) => m.model));
  const best = members.reduce((a, b) => (b.metrics.val_loss < a.metrics.val_loss ? b : a));
  for (const m of members) if (m !== best) m.model.dispose();
  return best.model;
}

/** A model's outputs (the training target's units) on the three segments. */
interface SegmentOutputs {
  train: Float32Array;
  val: Float32Array;
  test: Float32Array;
}

/** Eval-mode outputs on every segment; the test weeks are read here, after the model's training. */
function predictSegments(model: tf.LayersModel, data: ReturnType<typeof scaledSegments>, config: ForecasterTrainingConfig): SegmentOutputs {
  const outputs = (part: Segment) => predictOutputs(model, part.x, part.n, config.lookbackDays, data.channels);
  return { train: outputs(data.train), val: outputs(data.val), test: outputs(data.test()) };
}

/** The seed ensemble's outputs from its members' (combineMembers' Average layer, to the bit). */
function averageSegments(members: readonly SegmentOutputs[]): SegmentOutputs {
  return {
    train: averageOutputs(members.map((m) => m.train)),
    val: averageOutputs(members.map((m) => m.val)),
    test: averageOutputs(members.map((m) => m.test)),
  };
}

/** MSE on the three segments (outputs mapped back to weekly returns) and both baselines. */
function metricsOf(outputs: SegmentOutputs, data: ReturnType<typeof scaledSegments>): ForecasterMetrics {
  const mse = (part: keyof SegmentOutputs, y: Float64Array) => meanSquaredError(unscaleTarget(outputs[part], data.target), y);
  const { train, val, trainMean } = data;
  const test = data.test();
  return {
    train_loss: mse('train', train.y),
    val_loss: mse('val', val.y),
    baseline_loss: zeroBaselineLoss(val.y),
    mean_baseline_loss: meanBaselineLoss(val.y, trainMean),
    test_loss: mse('test', test.y),
    test_baseline_loss: zeroBaselineLoss(test.y),
    test_mean_baseline_loss: meanBaselineLoss(test.y, trainMean),
  };
}

/** A segment's windows, scaled and concatenated [n, lookbackDays, channels], and its raw targets. */
interface Segment {
  x: Float32Array;
  y: Float64Array;
  n: number;
}

/** The date split, the scaler fit on the training rows, the training and validation segments and the target scale. */
function scaledSegments(samples: readonly WeeklySample[], config: ForecasterTrainingConfig) {
  const L = config.lookbackDays;
  const split = splitByDate(samples, config);
  const channels = split.train[0].features.length / L;
  if (!Number.isInteger(channels) || channels < 1) throw new Error(`feature windows of ${split.train[0].features.length} values do not hold ${L} days`);
  const scaler = StandardScaler.fit(split.train.map((s) => s.features), channels);
  const segment = (part: readonly WeeklySample[]): Segment => ({
    x: scaleWindows(scaler, part.map((s) => s.features), L),
    y: Float64Array.from(part, (s) => s.target),
    n: part.length,
  });
  const train = segment(split.train);
  const val = segment(split.val);
  const trainMean = meanOf(train.y);
  const target: TargetScale = config.scaleTarget ? { mean: trainMean, std: stdOf(train.y, trainMean) } : { mean: 0, std: 1 };
  let test: Segment | undefined;
  // Scaled once, when the first model is scored (after its training).
  const testSegment = () => (test ??= segment(split.test));
  return { split, channels, scaler, train, val, test: testSegment, trainMean, target };
}

/** Seeded mini-batch epochs with early stopping on the validation MSE; the best epoch's weights, copied out. */
async function fitEpochs<C extends ForecasterTrainingConfig>(model: tf.LayersModel, data: ReturnType<typeof scaledSegments>, config: C, tag: MemberTag, options: TrainForecasterOptions<C>) {
  const { train, val, channels, target } = data;
  const rng = mulberry32(config.seed ^ SHUFFLE_STREAM);
  const history: EpochReport[] = [];
  let best = { epoch: 0, valLoss: Infinity, weights: [] as Float32Array[] };
  let epochsWithoutImprovement = 0;
  let secondsSoFar = 0;
  for (let epoch = 1; epoch <= config.maxEpochs; epoch++) {
    const started = performance.now();
    const trainLoss = await trainEpoch(model, train, shuffledIndices(train.n, rng), { epoch, channels, target, config, onBatch: options.onBatch });
    if (!Number.isFinite(trainLoss)) throw new Error(`training diverged: loss ${trainLoss} at epoch ${epoch}`);
    const valLoss = meanSquaredError(predictScaled(model, val.x, val.n, config.lookbackDays, channels, target), val.y);
    const improved = valLoss < best.valLoss;
    if (improved) {
      best = { epoch, valLoss, weights: readWeights(model) };
      epochsWithoutImprovement = 0;
    } else {
      epochsWithoutImprovement++;
    }
    const stopping = epochsWithoutImprovement >= config.patience || epoch === config.maxEpochs;
    const seconds = (performance.now() - started) / 1000;
    secondsSoFar += seconds;
    const etaSeconds = stopping ? 0 : (secondsSoFar / epoch) * (config.maxEpochs - epoch);
    const report: EpochReport = { epoch, maxEpochs: config.maxEpochs, trainLoss, valLoss, improved, seconds, etaSeconds };
    history.push(report);
    options.onEpoch?.(report, tag);
    if (stopping) break;
  }
  return { history, best };
}

/** One pass over the training rows in `order`, batch by batch; the mean batch loss (scaled target units). */
async function trainEpoch(
  model: tf.LayersModel,
  train: Segment,
  order: ArrayLike<number>,
  at: { epoch: number; channels: number; target: TargetScale; config: ForecasterTrainingConfig; onBatch?: (progress: BatchProgress) => void },
): Promise<number> {
  const { batchSize, lookbackDays: L } = at.config;
  const width = L * at.channels;
  const batches = Math.ceil(train.n / batchSize);
  const xBuf = new Float32Array(batchSize * width);
  const yBuf = new Float32Array(batchSize);
  let lossSum = 0;
  for (let b = 0; b < batches; b++) {
    const from = b * batchSize;
    const size = Math.min(batchSize, train.n - from);
    for (let k = 0; k < size; k++) {
      const i = order[from + k];
      xBuf.set(train.x.subarray(i * width, (i + 1) * width), k * width);
      yBuf[k] = (train.y[i] - at.target.mean) / at.target.std;
    }
    const x = tf.tensor3d(xBuf.subarray(0, size * width), [size, L, at.channels]);
    const y = tf.tensor2d(yBuf.subarray(0, size), [size, 1]);
    try {
      lossSum += Number(await model.trainOnBatch(x, y)) * size;
    } finally {
      x.dispose();
      y.dispose();
    }
    at.onBatch?.({ epoch: at.epoch, batch: b + 1, batches });
  }
  return lossSum / train.n;
}

/**
 * The std of the training targets, dividing by n: a standardiser of the model's target, like the
 * features' scaler (ml/scaler.ts), and as the seed's twin scales it (numpy's .std()).
 */
function stdOf(values: Float64Array, mean: number): number {
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  const std = Math.sqrt(sum / values.length);
  return std > 1e-12 ? std : 1;
}

/** Weights copied out of the engine (plain arrays, so keeping the best epoch holds no tensors). */
function readWeights(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
}

/** Puts the best epoch's weights back: the model returned is the one validation chose, not the last. */
export function restoreWeights(model: tf.LayersModel, values: readonly Float32Array[]): void {
  const current = model.getWeights();
  const tensors = values.map((v, i) => tf.tensor(v, current[i].shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Frees a forecaster's tensors: its weights (every member's) and, for a trained one, its optimizers' state. Same as `model.dispose()`. */
export function disposeForecaster(forecaster: { model: tf.LayersModel }): void {
  forecaster.model.dispose();
}
