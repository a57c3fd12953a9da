/**
 * One Transformer encoder layer of the model (encoder-block.ts: post-norm, attention and GELU
 * feed-forward, one fused kernel call each way on wasm). The seeds are drawn from the model's stream
 * in the order the layer's parts were once built one by one (attention, its dropout, the GELU's
 * dropout, the first dense, the output dropout, the second dense), so the initial weights stay those.
 */
import type { tf } from '../../../ml/backend.ts';
import { nextSeed, type Rng } from '../../../ml/random.ts';
import type { PatchTstArchitecture } from './architecture.ts';
import { EncoderBlock } from './encoder-block.ts';

export function encoderLayer(x: tf.SymbolicTensor, arch: PatchTstArchitecture, rng: Rng, prefix: string): tf.SymbolicTensor {
  const seeds = {
    attention: nextSeed(rng),
    attentionDropout: nextSeed(rng),
    ffDropout: nextSeed(rng),
    ffIn: nextSeed(rng),
    ffOutDropout: nextSeed(rng),
    ffOut: nextSeed(rng),
  };
  return new EncoderBlock({ name: prefix, heads: arch.heads, feedForward: arch.feedForward, dropout: arch.dropout, seeds }).apply(x) as tf.SymbolicTensor;
}
