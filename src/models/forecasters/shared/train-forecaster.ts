/**
 * Trains the LSTM forecaster: date split (with gap) → scaler fit on training rows only → seeded
 * mini-batch loop (our own shuffle: model.fit's uses Math.random) → early stopping on validation MSE
 * with the best epoch's weights restored → metrics on both parts in eval mode.
 */
import type { ForecasterConfig } from '../../../config/profiles.ts';
import { CHANNELS, splitByDate, type WeeklySample } from '../../../features/weekly-dataset.ts';
import { initBackend, tf } from '../../../ml/backend.ts';
import { mulberry32, shuffledIndices } from '../../../ml/random.ts';
import { StandardScaler } from '../../../ml/scaler.ts';
import { meanSquaredError, predictScaled, scaleWindows } from './forecaster-inference.ts';
import type { EpochReport, TrainedForecaster } from './forecaster-types.ts';
import { buildLstmModel } from '../lstm/lstm-model.ts';

export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
}

export interface TrainForecasterOptions {
  samples: readonly WeeklySample[];
  config: ForecasterConfig;
  onEpoch?: (report: EpochReport) => void;
  /** Called after every training batch (for a progress bar). */
  onBatch?: (progress: BatchProgress) => void;
}

/** Distinct stream from the initialisers' (which use config.seed itself). */
const SHUFFLE_STREAM = 0x5eed5;

export async function trainForecaster({ samples, config, onEpoch, onBatch }: TrainForecasterOptions): Promise<TrainedForecaster> {
  validateConfig(config);
  await initBackend();
  const split = splitByDate(samples, config.trainFraction, config.gapWeeks);
  const scaler = StandardScaler.fit(
    split.train.map((s) => s.features),
    CHANNELS,
  );
  const L = config.lookbackDays;
  const width = L * CHANNELS;
  const trainX = scaleWindows(scaler, split.train.map((s) => s.features), L);
  const trainY = Float64Array.from(split.train, (s) => s.target);
  const valX = scaleWindows(scaler, split.val.map((s) => s.features), L);
  const valY = Float64Array.from(split.val, (s) => s.target);
  const nTrain = split.train.length;
  const nVal = split.val.length;

  const model = buildLstmModel(config);
  try {
    const rng = mulberry32(config.seed ^ SHUFFLE_STREAM);
    const batches = Math.ceil(nTrain / config.batchSize);
    const xBuf = new Float32Array(config.batchSize * width);
    const yBuf = new Float32Array(config.batchSize);
    const history: EpochReport[] = [];
    let best = { epoch: 0, valLoss: Infinity, weights: [] as Float32Array[] };
    let epochsWithoutImprovement = 0;
    let secondsSoFar = 0;

    for (let epoch = 1; epoch <= config.maxEpochs; epoch++) {
      const started = performance.now();
      const order = shuffledIndices(nTrain, rng);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        const from = b * config.batchSize;
        const size = Math.min(config.batchSize, nTrain - from);
        for (let k = 0; k < size; k++) {
          const i = order[from + k];
          xBuf.set(trainX.subarray(i * width, (i + 1) * width), k * width);
          yBuf[k] = trainY[i];
        }
        const x = tf.tensor3d(xBuf.subarray(0, size * width), [size, L, CHANNELS]);
        const y = tf.tensor2d(yBuf.subarray(0, size), [size, 1]);
        try {
          lossSum += Number(await model.trainOnBatch(x, y)) * size;
        } finally {
          x.dispose();
          y.dispose();
        }
        onBatch?.({ epoch, batch: b + 1, batches });
      }
      const trainLoss = lossSum / nTrain;
      if (!Number.isFinite(trainLoss)) throw new Error(`training diverged: loss ${trainLoss} at epoch ${epoch}`);
      const valLoss = meanSquaredError(predictScaled(model, valX, nVal, L), valY);
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
      const report: EpochReport = {
        epoch,
        maxEpochs: config.maxEpochs,
        trainLoss,
        valLoss,
        improved,
        seconds,
        etaSeconds: stopping ? 0 : (secondsSoFar / epoch) * (config.maxEpochs - epoch),
      };
      history.push(report);
      onEpoch?.(report);
      if (stopping) break;
    }

    writeWeights(model, best.weights);
    return {
      model,
      scaler,
      config,
      metrics: {
        train_loss: meanSquaredError(predictScaled(model, trainX, nTrain, L), trainY),
        val_loss: meanSquaredError(predictScaled(model, valX, nVal, L), valY),
        baseline_loss: meanSquaredError(new Float32Array(nVal), valY),
      },
      split: {
        trainWeeks: split.trainWeeks,
        valWeeks: split.valWeeks,
        trainLastWeek: split.trainLastWeek,
        valFirstWeek: split.valFirstWeek,
        gapWeeks: config.gapWeeks,
        nTrain,
        nVal,
      },
      history,
      bestEpoch: best.epoch,
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Weights copied out of the engine (plain arrays, so keeping the best epoch holds no tensors). */
function readWeights(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
}

function writeWeights(model: tf.LayersModel, values: readonly Float32Array[]): void {
  const current = model.getWeights();
  const tensors = values.map((v, i) => tf.tensor(v, current[i].shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

function validateConfig(c: ForecasterConfig): void {
  const positiveInts: (keyof ForecasterConfig)[] = ['lookbackDays', 'hiddenUnits', 'layers', 'batchSize', 'maxEpochs', 'patience'];
  for (const key of positiveInts) {
    if (!Number.isInteger(c[key]) || (c[key] as number) < 1) throw new Error(`forecaster config ${key} must be a positive integer, got ${c[key]}`);
  }
  if (!(c.learningRate > 0)) throw new Error(`forecaster config learningRate must be > 0, got ${c.learningRate}`);
  if (!Number.isInteger(c.seed)) throw new Error(`forecaster config seed must be an integer, got ${c.seed}`);
}

/** Frees a forecaster's tensors: its weights and, for a trained one, its optimizer's state. Same as `model.dispose()`. */
export function disposeForecaster(forecaster: { model: tf.LayersModel }): void {
  forecaster.model.dispose();
}
