/**
 * Dropout whose masks come from a seeded stream. tfjs's own Dropout layer either uses Math.random
 * (no seed) or, given a seed, draws the very same mask on every call, which is not dropout at all.
 * This layer draws a fresh seed per training call from a mulberry32 stream started at `seed`, so a
 * run is reproducible and every batch gets a different mask: inverted dropout (each element kept
 * with probability 1 − rate and scaled by 1 / (1 − rate)) by kernels/hashed-dropout.ts's hash of
 * (seed, index), four lanes at a time in wasm (the LSTM's first layer needs 256 × 60 × 64 draws a
 * batch). Identity outside training.
 */
import { tf } from './backend.ts';
import { hashedDropoutMask } from './kernels/dropout-mask.ts';
import { mulberry32, nextSeed, type Rng } from './random.ts';

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  private readonly rng: Rng;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed;
    this.rng = mulberry32(args.seed);
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.rate === 0) return x;
    const mask = hashedDropoutMask(nextSeed(this.rng), x.size, this.rate);
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
