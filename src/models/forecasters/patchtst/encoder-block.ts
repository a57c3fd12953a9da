/**
 * One PatchTST Transformer encoder layer as a single tfjs layer, on [batch, channels, patches,
 * dModel]. Post-norm, as the original PatchTST (pre_norm=False):
 *   x = LN(x + Dropout(MHA(x)));  x = LN(x + Dropout(Dense(Dropout(GELU(Dense(x)))))).
 * LayerNorm over dModel instead of the original's BatchNorm: no batch statistics, so training and
 * inference compute the same function. The original's residual attention (scores carried from layer
 * to layer) is left out.
 *
 * On the wasm backend the whole layer is one call into the patchtst-encoder kernel forward and one
 * backward (tf.customGrad), split over two threads (patchtst-encoder-parallel.ts); elsewhere (the
 * GPU container's 'tensorflow' backend, cpu) the same maths in tfjs ops (encoderOps). Both draw the
 * same dropout masks (encoder-dropout.ts), so they agree to float rounding in training too.
 */
import { tf } from '../../../ml/backend.ts';
import { encoderParamSizes, encoderShapeSupported, type EncoderKernel, type EncoderPass } from '../../../ml/kernels/patchtst-encoder.ts';
import { encoderKernel } from '../../../ml/kernels/patchtst-encoder-parallel.ts';
import { mulberry32, nextSeed, type Rng } from '../../../ml/random.ts';
import { requirePositiveInt } from './architecture.ts';
import { dropoutMask } from '../../../ml/kernels/hashed-dropout.ts';
import { gelu, layerNorm, linear } from './fast-ops.ts';

/** The seeds of the layer's initialisers and dropout streams, in the order the model draws them. */
export interface EncoderSeeds {
  attention: number;
  attentionDropout: number;
  ffDropout: number;
  ffIn: number;
  ffOutDropout: number;
  ffOut: number;
}

export interface EncoderBlockArgs {
  heads: number;
  feedForward: number;
  dropout: number;
  seeds: EncoderSeeds;
  name?: string;
}

/** The weights' names, in the kernel's parameter order. */
const WEIGHTS = [
  'query_kernel', 'key_kernel', 'value_kernel', 'output_kernel', 'query_bias', 'key_bias', 'value_bias', 'output_bias',
  'attention_norm_gamma', 'attention_norm_beta', 'ff_in_kernel', 'ff_in_bias', 'ff_out_kernel', 'ff_out_bias', 'ff_norm_gamma', 'ff_norm_beta',
] as const;

/** A training call's dropout: the three masks' seeds (attention output, GELU output, feed-forward output), or none. */
export interface BlockDropout {
  seeds: [number, number, number];
  rate: number;
}

/**
 * The layer in tfjs ops on x [T, d] (T = sequences × S tokens): what runs off wasm, with the same
 * masks as the kernel. Weights in the kernel's order.
 */
export function encoderOps(x: tf.Tensor2D, w: readonly tf.Tensor[], S: number, heads: number, dropout: BlockDropout | null): tf.Tensor2D {
  return tf.tidy(() => {
    const [T, d] = x.shape;
    const depth = d / heads;
    const N = T / S;
    const [wq, wk, wv, wo, bq, bk, bv, bo, g1, be1, w1, c1, w2, c2, g2, be2] = w;
    const drop = (t: tf.Tensor, i: number) => {
      if (!dropout) return t;
      const width = t.shape[t.rank - 1];
      return tf.mul(t, tf.tensor(dropoutMask(dropout.seeds[i], t.size / width, width, dropout.rate), t.shape));
    };
    const project = (wt: tf.Tensor, b: tf.Tensor) => linear(x, wt, b).reshape([N, S, heads, depth]).transpose([0, 2, 1, 3]).reshape([N * heads, S, depth]) as tf.Tensor3D;
    const [q, k, v] = [project(wq, bq), project(wk, bk), project(wv, bv)];
    const context = tf.matMul(tf.softmax(tf.matMul(tf.mul(q, 1 / Math.sqrt(depth)), k, false, true)), v); // softmax(q·kᵀ/√depth)·v
    const merged = context.reshape([N, heads, S, depth]).transpose([0, 2, 1, 3]).reshape([T, d]);
    const h1 = layerNorm(tf.add(x, drop(linear(merged, wo, bo), 0)), g1, be1, 1e-5);
    const hidden = drop(gelu(linear(h1, w1, c1)), 1);
    return layerNorm(tf.add(h1, drop(linear(hidden, w2, c2), 2)), g2, be2, 1e-5) as tf.Tensor2D;
  });
}

/** A tensor's values in place on the wasm heap (no copy; valid until the next tfjs allocation, and the kernel copies them first). */
function heapView(t: tf.Tensor): Float32Array {
  return (tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array }).typedArrayFromHeap(t);
}

const pending = new WeakMap<object, EncoderPass>();

/** The layer as one kernel call each way (wasm only). `owner`: a new training pass of the same owner frees its previous, unused one. */
export function encoderFused(kernel: EncoderKernel, x: tf.Tensor2D, w: readonly tf.Tensor[], S: number, heads: number, dropout: BlockDropout | null, training: boolean, owner: object): tf.Tensor2D {
  const [T, d] = x.shape;
  const ff = w[10].shape[1]!;
  const shape = { T, S, d, H: heads, ff };
  const kernelDropout = dropout ?? { seeds: [0, 0, 0] as [number, number, number], rate: 0 };
  const op = tf.customGrad(((...args: tf.Tensor[]) => {
    const inputs = args.slice(0, 1 + w.length);
    const previous = pending.get(owner);
    if (previous) {
      kernel.release(previous);
      pending.delete(owner);
    }
    const { out, pass } = kernel.forward(shape, inputs.slice(1).map(heapView), heapView(inputs[0]), kernelDropout, training);
    if (pass) pending.set(owner, pass);
    return {
      value: tf.tensor2d(out, [T, d]),
      gradFunc: (dy: tf.Tensor) => {
        if (!pass) throw new Error('encoder layer: gradient of a pass run without training');
        pending.delete(owner);
        const g = kernel.backward(pass, heapView(dy));
        const grads: tf.Tensor[] = [tf.tensor2d(g.dx, [T, d])];
        let at = 0;
        for (const input of inputs.slice(1)) {
          grads.push(tf.tensor(g.grads.subarray(at, at + input.size), input.shape));
          at += input.size;
        }
        return grads;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as (...inputs: tf.Tensor[]) => tf.Tensor2D)(x, ...w);
}

export class EncoderBlock extends tf.layers.Layer {
  static readonly className = 'PatchTstEncoderLayer';
  readonly heads: number;
  readonly feedForward: number;
  readonly rate: number;
  readonly seeds: EncoderSeeds;
  private readonly streams: [Rng, Rng, Rng];
  private weightsInOrder: tf.LayerVariable[] = [];

  constructor(args: EncoderBlockArgs) {
    super({ name: args.name });
    requirePositiveInt('heads', args.heads);
    requirePositiveInt('feedForward', args.feedForward);
    if (!(args.dropout >= 0 && args.dropout < 1)) throw new Error(`dropout must be in [0, 1), got ${args.dropout}`);
    this.heads = args.heads;
    this.feedForward = args.feedForward;
    this.rate = args.dropout;
    this.seeds = { ...args.seeds };
    this.streams = [mulberry32(args.seeds.attentionDropout), mulberry32(args.seeds.ffDropout), mulberry32(args.seeds.ffOutDropout)];
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const d = shape[shape.length - 1];
    if (d == null || shape.length < 3) throw new Error(`encoder layer needs [..., sequence, dModel] with a fixed dModel, got [${shape.join(', ')}]`);
    if (d % this.heads !== 0) throw new Error(`dModel (${d}) must be divisible by heads (${this.heads})`);
    const ff = this.feedForward;
    const rng = mulberry32(this.seeds.attention);
    // The seeds as the composed layers drew them: query, key, value, output from the attention's stream.
    const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
    const init = [
      ...[0, 1, 2, 3].map(() => glorot(nextSeed(rng))),
      ...[0, 1, 2, 3].map(() => tf.initializers.zeros()),
      tf.initializers.ones(), tf.initializers.zeros(),
      glorot(this.seeds.ffIn), tf.initializers.zeros(),
      glorot(this.seeds.ffOut), tf.initializers.zeros(),
      tf.initializers.ones(), tf.initializers.zeros(),
    ];
    const shapes = [[d, d], [d, d], [d, d], [d, d], [d], [d], [d], [d], [d], [d], [d, ff], [ff], [ff, d], [d], [d], [d]];
    if (encoderParamSizes(d, ff).some((n, i) => n !== shapes[i].reduce((a, b) => a * b, 1))) throw new Error('encoder layer: weight shapes out of step with the kernel');
    this.weightsInOrder = WEIGHTS.map((name, i) => this.addWeight(name, shapes[i], 'float32', init[i]));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const training = kwargs.training === true;
    const dropout: BlockDropout | null = training && this.rate > 0 ? { seeds: [nextSeed(this.streams[0]), nextSeed(this.streams[1]), nextSeed(this.streams[2])], rate: this.rate } : null;
    return tf.tidy(() => {
      const S = x.shape[x.rank - 2];
      const d = x.shape[x.rank - 1];
      const rows = x.reshape([x.size / d, d]) as tf.Tensor2D;
      const w = this.weightsInOrder.map((v) => v.read());
      const kernel = tf.getBackend() === 'wasm' && encoderShapeSupported({ T: rows.shape[0], S, d, H: this.heads, ff: this.feedForward }) ? encoderKernel() : null;
      const y = kernel ? encoderFused(kernel, rows, w, S, this.heads, dropout, training, this) : encoderOps(rows, w, S, this.heads, dropout);
      return y.reshape(x.shape);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, feedForward: this.feedForward, dropout: this.rate, seeds: { ...this.seeds } };
  }
}

tf.serialization.registerClass(EncoderBlock);
