/**
 * Adds a learned positional embedding [patches, dModel] to every channel's patch embeddings
 * ([batch, channels, patches, dModel]), shared across channels. Initialised uniform in ±0.02, as the
 * original's learned 'zeros' encoding.
 */
import { tf } from '../../../ml/backend.ts';
import { addTrailing } from './fast-ops.ts';

export interface PositionalEmbeddingArgs {
  seed: number;
  name?: string;
}

export class PositionalEmbedding extends tf.layers.Layer {
  static readonly className = 'PositionalEmbedding';
  readonly seed: number;
  private embedding?: tf.LayerVariable;

  constructor(args: PositionalEmbeddingArgs) {
    super({ name: args.name });
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [patches, dModel] = shape.slice(-2);
    if (patches == null || dModel == null) throw new Error(`PositionalEmbedding needs fixed patches and dModel, got [${shape.join(', ')}]`);
    const init = tf.initializers.randomUniform({ minval: -0.02, maxval: 0.02, seed: this.seed });
    this.embedding = this.addWeight('embedding', [patches, dModel], 'float32', init);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => addTrailing(x, this.embedding!.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}

tf.serialization.registerClass(PositionalEmbedding);
