/**
 * A dense layer over the last axis of [..., features] (every patch token of every channel), like
 * tf.layers.dense but through `linear`'s hand-written gradient (fast-ops.ts: wasm's transposes and
 * leading-axis sums made tfjs's own dense gradient several times slower). Seeded Glorot-uniform
 * kernel, zero bias.
 */
import { tf } from '../../../ml/backend.ts';
import { requirePositiveInt } from './architecture.ts';
import { gelu, linear } from './fast-ops.ts';

export type TokenActivation = 'linear' | 'relu' | 'gelu';

export interface TokenDenseArgs {
  units: number;
  seed: number;
  activation?: TokenActivation;
  name?: string;
}

export class TokenDense extends tf.layers.Layer {
  static readonly className = 'TokenDense';
  readonly units: number;
  readonly seed: number;
  readonly activation: TokenActivation;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: TokenDenseArgs) {
    super({ name: args.name });
    requirePositiveInt('units', args.units);
    this.units = args.units;
    this.seed = args.seed;
    this.activation = args.activation ?? 'linear';
    if (!['linear', 'relu', 'gelu'].includes(this.activation)) throw new Error(`activation must be linear, relu or gelu, got ${this.activation}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[shape.length - 1];
    if (features == null) throw new Error(`TokenDense needs a fixed last dimension, got [${shape.join(', ')}]`);
    this.kernel = this.addWeight('kernel', [features, this.units], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const y = linear(x, this.kernel!.read(), this.bias!.read());
      if (this.activation === 'relu') return tf.relu(y);
      if (this.activation === 'gelu') return gelu(y);
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, seed: this.seed, activation: this.activation };
  }
}

tf.serialization.registerClass(TokenDense);
