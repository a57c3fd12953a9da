/**
 * Multi-head self-attention (tfjs 4.22 has no such layer): Q, K, V projections, softmax(QKᵀ/√d_k)V
 * per head, output projection. Works on any [..., sequence, dModel] input (PatchTST's is [batch,
 * channels, patches, dModel]): the leading dims are folded into one batch.
 *
 * All heads at once, no per-head loop: heads are folded into the batch by reshape/transpose, then
 * one attention op (fused-attention.ts: a wasm kernel, or two batched matMuls off wasm).
 */
import { tf } from '../../../ml/backend.ts';
import { mulberry32, nextSeed } from '../../../ml/random.ts';
import { requirePositiveInt } from './architecture.ts';
import { linear } from './fast-ops.ts';
import { attention } from './fused-attention.ts';

export interface MultiHeadAttentionArgs {
  heads: number;
  seed: number;
  name?: string;
}

export class MultiHeadAttention extends tf.layers.Layer {
  static readonly className = 'MultiHeadAttention';
  readonly heads: number;
  readonly seed: number;
  private dModel = 0;
  private kernels: tf.LayerVariable[] = [];
  private biases: tf.LayerVariable[] = [];

  constructor(args: MultiHeadAttentionArgs) {
    super({ name: args.name });
    requirePositiveInt('heads', args.heads);
    this.heads = args.heads;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const dModel = shape[shape.length - 1];
    if (dModel == null || shape.length < 3) throw new Error(`MultiHeadAttention needs [..., sequence, dModel] with a fixed dModel, got [${shape.join(', ')}]`);
    if (dModel % this.heads !== 0) throw new Error(`dModel (${dModel}) must be divisible by heads (${this.heads})`);
    this.dModel = dModel;
    const rng = mulberry32(this.seed);
    // Order (query, key, value, output) fixes both the weight names and each one's seed.
    for (const role of ['query', 'key', 'value', 'output']) {
      this.kernels.push(this.addWeight(`${role}_kernel`, [dModel, dModel], 'float32', tf.initializers.glorotUniform({ seed: nextSeed(rng) })));
      this.biases.push(this.addWeight(`${role}_bias`, [dModel], 'float32', tf.initializers.zeros()));
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const { dModel, heads } = this;
      const depth = dModel / heads;
      const sequence = x.shape[x.rank - 2];
      const batch = x.size / (sequence * dModel);
      const [wq, wk, wv, wo] = this.kernels.map((k) => k.read());
      const [bq, bk, bv, bo] = this.biases.map((b) => b.read());
      const rows = x.reshape([batch * sequence, dModel]);
      // [batch·seq, dModel] → [batch·heads, seq, depth]; rank-4 transposes (wasm's rank-5 one is slow).
      const project = (w: tf.Tensor, b: tf.Tensor) =>
        linear(rows, w, b).reshape([batch, sequence, heads, depth]).transpose([0, 2, 1, 3]).reshape([batch * heads, sequence, depth]);
      const [q, k, v] = [project(wq, bq), project(wk, bk), project(wv, bv)];
      const context = attention(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D); // [batch·heads, seq, depth]
      const merged = context.reshape([batch, heads, sequence, depth]).transpose([0, 2, 1, 3]).reshape([batch * sequence, dModel]);
      return linear(merged, wo, bo).reshape(x.shape);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, seed: this.seed };
  }
}

tf.serialization.registerClass(MultiHeadAttention);
