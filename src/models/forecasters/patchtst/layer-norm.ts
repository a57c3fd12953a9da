/**
 * Layer normalisation over the last axis, with a learnable gain and bias. tfjs's own
 * LayerNormalization tiles the statistics and parameters to the full input shape before a batchNorm,
 * and the wasm Tile kernel made that over half of a PatchTST forward pass (measured); broadcasting
 * computes the same values without the copies, and fast-ops.ts's gradient avoids wasm's slow
 * leading-axis sums.
 */
import { tf } from '../../../ml/backend.ts';
import { layerNorm } from './fast-ops.ts';

export interface LayerNormArgs {
  epsilon?: number;
  name?: string;
}

export class LayerNorm extends tf.layers.Layer {
  static readonly className = 'PatchTstLayerNorm';
  readonly epsilon: number;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;

  constructor(args: LayerNormArgs) {
    super({ name: args.name });
    this.epsilon = args.epsilon ?? 1e-5;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const width = shape[shape.length - 1];
    if (width == null) throw new Error(`LayerNorm needs a fixed last dimension, got [${shape.join(', ')}]`);
    this.gamma = this.addWeight('gamma', [width], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [width], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => layerNorm(x, this.gamma!.read(), this.beta!.read(), this.epsilon));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(LayerNorm);
