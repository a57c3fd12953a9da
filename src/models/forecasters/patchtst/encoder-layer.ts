/**
 * One Transformer encoder layer, composed from functional layers on [batch, channels, patches,
 * dModel]. Post-norm, as the original PatchTST (pre_norm=False):
 *   x = LN(x + Dropout(MHA(x)));  x = LN(x + Dropout(Dense(GELU(Dense(x))) with dropout inside)).
 * LayerNorm over dModel instead of the original's BatchNorm: no batch statistics, so training and
 * inference compute the same function. The original's residual attention (scores carried from layer
 * to layer) is left out.
 */
import { tf } from '../../../ml/backend.ts';
import { nextSeed, type Rng } from '../../../ml/random.ts';
import { SeededDropout } from '../../../ml/seeded-dropout.ts';
import type { PatchTstArchitecture } from './architecture.ts';
import { LayerNorm } from './layer-norm.ts';
import { MultiHeadAttention } from './multi-head-attention.ts';
import { TokenDense } from './token-dense.ts';

export function encoderLayer(x: tf.SymbolicTensor, arch: PatchTstArchitecture, rng: Rng, prefix: string): tf.SymbolicTensor {
  const dropout = (name: string) => new SeededDropout({ name: `${prefix}_${name}`, rate: arch.dropout, seed: nextSeed(rng) });
  const norm = (name: string) => new LayerNorm({ name: `${prefix}_${name}`, epsilon: 1e-5 });
  const dense = (name: string, units: number, activation?: 'gelu') => new TokenDense({ name: `${prefix}_${name}`, units, activation, seed: nextSeed(rng) });

  const attention = new MultiHeadAttention({ name: `${prefix}_attention`, heads: arch.heads, seed: nextSeed(rng) }).apply(x) as tf.SymbolicTensor;
  const attended = norm('attention_norm').apply(tf.layers.add({ name: `${prefix}_attention_residual` }).apply([x, dropout('attention_dropout').apply(attention) as tf.SymbolicTensor])) as tf.SymbolicTensor;

  const hidden = dropout('ff_dropout').apply(dense('ff_in', arch.feedForward, 'gelu').apply(attended)) as tf.SymbolicTensor;
  const fed = dropout('ff_out_dropout').apply(dense('ff_out', arch.dModel).apply(hidden)) as tf.SymbolicTensor;
  return norm('ff_norm').apply(tf.layers.add({ name: `${prefix}_ff_residual` }).apply([attended, fed])) as tf.SymbolicTensor;
}
