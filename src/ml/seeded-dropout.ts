/**
 * Dropout whose masks come from a seeded stream. tfjs's own Dropout layer either uses Math.random
 * (no seed) or, given a seed, draws the very same mask on every call, which is not dropout at all.
 * This layer draws a fresh seed per training call from a mulberry32 stream started at `seed`, so a
 * run is reproducible and every batch gets a different mask. Identity outside training.
 */
import { tf } from './backend.ts';
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
    const mask = dropoutMask(x.size, this.rate, nextSeed(this.rng));
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);

/**
 * Inverted dropout's mask: each element kept with probability 1 − rate (then scaled by 1 / (1 − rate),
 * so the expected activation is unchanged), else 0. The draws are mulberry32(seed)'s (ml/random.ts),
 * inlined and compared as integers: the LSTM's first layer needs 256 × 60 × 64 of them a batch.
 */
export function dropoutMask(size: number, rate: number, seed: number): Float32Array {
  const scale = 1 / (1 - rate);
  // u = draw / 2^32 ≥ rate  ⇔  draw ≥ rate · 2^32 (draw an integer).
  const threshold = Math.ceil(rate * 4294967296);
  const mask = new Float32Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    if ((t ^ (t >>> 14)) >>> 0 >= threshold) mask[i] = scale;
  }
  return mask;
}
