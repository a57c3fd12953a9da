/**
 * RevIN (reversible instance normalisation, Kim et al. 2022) on the listed channels only: each
 * sample's window is centred and scaled by its own per-channel mean and standard deviation over time
 * (biased variance + eps, like the original), then a learnable per-channel affine is applied.
 *
 * Only the price channels are listed: DESIGN measured that RevIN turns a slow channel (sentiment,
 * fundamentals: often constant in the window) into zeros and any change into a ±1 step, so those
 * channels pass through unchanged, already standardised globally by the trainer.
 *
 * No de-normalisation: the original undoes RevIN on its output because it forecasts the normalised
 * series itself; here the output is a scalar weekly return (in the trainer's scaled units), not a
 * value of any input channel, so there are no statistics to restore.
 */
import { tf } from '../../../ml/backend.ts';

export interface PriceRevInArgs {
  /** Channels of the [batch, days, channels] input. */
  channels: number;
  /** Indices of the channels to normalise per instance. */
  instanceNormChannels: readonly number[];
  eps?: number;
  name?: string;
}

export class PriceRevIn extends tf.layers.Layer {
  static readonly className = 'PriceRevIn';
  readonly channels: number;
  readonly instanceNormChannels: readonly number[];
  readonly eps: number;
  private affineWeight?: tf.LayerVariable;
  private affineBias?: tf.LayerVariable;

  constructor(args: PriceRevInArgs) {
    super({ name: args.name });
    const { channels, instanceNormChannels } = args;
    if (!Number.isInteger(channels) || channels < 1) throw new Error(`channels must be a positive integer, got ${channels}`);
    const seen = new Set<number>();
    for (const c of instanceNormChannels) {
      if (!Number.isInteger(c) || c < 0 || c >= channels) throw new Error(`instanceNormChannels: ${c} is not a channel index in [0, ${channels})`);
      if (seen.has(c)) throw new Error(`instanceNormChannels: ${c} is listed twice`);
      seen.add(c);
    }
    this.channels = channels;
    this.instanceNormChannels = [...instanceNormChannels];
    this.eps = args.eps ?? 1e-5;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (shape.length !== 3 || shape[2] !== this.channels) throw new Error(`PriceRevIn expects [batch, days, ${this.channels}], got [${shape.join(', ')}]`);
    const k = this.instanceNormChannels.length;
    if (k > 0) {
      this.affineWeight = this.addWeight('affine_weight', [k], 'float32', tf.initializers.ones());
      this.affineBias = this.addWeight('affine_bias', [k], 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!this.affineWeight || !this.affineBias) return x;
    return tf.tidy(() => {
      const k = this.instanceNormChannels.length;
      // A [k, channels] one-hot places the k affine parameters on their channels by matMul
      // (differentiable on wasm; gather's gradient needs UnsortedSegmentSum, which wasm lacks).
      const placement = new Float32Array(k * this.channels);
      const maskValues = new Float32Array(this.channels);
      this.instanceNormChannels.forEach((c, i) => {
        placement[i * this.channels + c] = 1;
        maskValues[c] = 1;
      });
      const place = tf.tensor2d(placement, [k, this.channels]);
      const mask = tf.tensor1d(maskValues);
      const unmasked = tf.sub(1, mask);
      const spread = (v: tf.LayerVariable) => tf.matMul(v.read().reshape([1, k]), place).reshape([this.channels]);
      // Pass-through channels get centre 0, scale 1, gain 1, shift 0: exactly x.
      const { mean, variance } = tf.moments(x, 1, true);
      const centre = tf.mul(mean, mask);
      const scale = tf.add(tf.mul(tf.sqrt(tf.add(variance, this.eps)), mask), unmasked);
      const gain = tf.add(spread(this.affineWeight!), unmasked);
      const shift = spread(this.affineBias!);
      return tf.add(tf.mul(tf.div(tf.sub(x, centre), scale), gain), shift);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), channels: this.channels, instanceNormChannels: [...this.instanceNormChannels], eps: this.eps };
  }
}

tf.serialization.registerClass(PriceRevIn);
