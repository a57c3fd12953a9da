/**
 * The PatchTST weekly-return forecaster (Nie et al. 2023; issue 9) as a tfjs LayersModel:
 *
 *   [batch, days, channels], each channel already standardised by the trainer (training statistics)
 *   → PriceRevIn on the price channels only (the slow channels pass through: DESIGN)
 *   → patches [batch, channels, patches, patchLength] (end padded with `stride` copies of the last day)
 *   → shared linear patch embedding to dModel + learned positional embedding → dropout
 *   → `encoderLayers` post-norm Transformer encoder layers, shared across channels (channel independence)
 *   → flatten all channels' [patches × dModel] representations → dense(1).
 *
 * Head: the original flattens each channel and maps it to that channel's forecast; with one scalar
 * target over several channels, one dense(1) over every channel's flattened representation lets
 * the head weigh channels differently (same weights as per-channel dense then sum, with one bias).
 *
 * Output: the week's return in the trainer's SCALED target units: the trainer standardises the
 * target with the training targets' mean and std and un-scales predictions. DESIGN measured that
 * this head on a raw ~0.03-sized target did worse than predicting zero.
 *
 * Every initialiser and dropout mask is seeded from `seed`: the same seed gives the same weights.
 * Importing this module registers every custom layer, so a saved model reloads.
 */
import { tf } from '../../../ml/backend.ts';
import { mulberry32, nextSeed } from '../../../ml/random.ts';
import { SeededDropout } from '../../../ml/seeded-dropout.ts';
import { patchCount, validateArchitecture, type PatchTstArchitecture } from './architecture.ts';
import { encoderLayer } from './encoder-layer.ts';
import { Patching } from './patching.ts';
import { PositionalEmbedding } from './positional-embedding.ts';
import { PriceRevIn } from './revin.ts';
import { TokenDense } from './token-dense.ts';

export { PATCHTST_SEED_ARCHITECTURE, patchCount, type PatchTstArchitecture } from './architecture.ts';

export interface PatchTstInput {
  lookbackDays: number;
  channels: number;
  /** Channels normalised per instance by RevIN (the price channels); the rest pass through. */
  instanceNormChannels: readonly number[];
}

export function buildPatchTstModel(arch: PatchTstArchitecture, input: PatchTstInput, seed: number, learningRate: number): tf.LayersModel {
  validateArchitecture(arch);
  const patches = patchCount(input.lookbackDays, arch.patchLength, arch.stride); // validates lookbackDays against the patch
  if (!(learningRate > 0)) throw new Error(`learningRate must be positive, got ${learningRate}`);
  const rng = mulberry32(seed);

  const days = tf.input({ name: 'days', shape: [input.lookbackDays, input.channels] });
  const normalised = new PriceRevIn({ name: 'revin', channels: input.channels, instanceNormChannels: input.instanceNormChannels }).apply(days) as tf.SymbolicTensor;
  const patched = new Patching({ name: 'patching', patchLength: arch.patchLength, stride: arch.stride }).apply(normalised) as tf.SymbolicTensor;
  const embedded = new TokenDense({ name: 'patch_embedding', units: arch.dModel, seed: nextSeed(rng) }).apply(patched);
  const positioned = new PositionalEmbedding({ name: 'positional_embedding', seed: nextSeed(rng) }).apply(embedded);
  let x = new SeededDropout({ name: 'embedding_dropout', rate: arch.dropout, seed: nextSeed(rng) }).apply(positioned) as tf.SymbolicTensor;
  for (let layer = 0; layer < arch.encoderLayers; layer++) x = encoderLayer(x, arch, rng, `encoder_${layer + 1}`);
  const flat = tf.layers.flatten({ name: 'flatten' }).apply(x);
  const output = tf.layers.dense({ name: 'weekly_return', units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed(rng) }) }).apply(flat) as tf.SymbolicTensor;

  const model = tf.model({ name: 'patchtst_forecaster', inputs: days, outputs: output });
  if (model.outputs[0].shape[1] !== 1 || x.shape[2] !== patches) throw new Error('PatchTST built with unexpected shapes'); // guards the layer arithmetic
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' });
  // The model owns its optimizer, so model.dispose() frees the Adam moments too (as compileForecaster).
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
  return model;
}
