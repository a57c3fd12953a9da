/**
 * [batch, days, channels] → [batch, channels, patches, patchLength]: each channel's window, its end
 * padded with `stride` copies of the last day (the original's padding_patch='end', so the most
 * recent days are never dropped), cut into patches of `patchLength` days every `stride` days.
 *
 * Padding and unfolding are one matMul by a constant 0/1 selection matrix [days, patches ×
 * patchLength]: exact (each output is one input × 1 plus zeros), differentiable without the gather
 * gradient wasm lacks, and a single fused kernel instead of a slice per patch.
 */
import { tf } from '../../../ml/backend.ts';
import { patchCount, requirePositiveInt } from './architecture.ts';

export interface PatchingArgs {
  patchLength: number;
  stride: number;
  name?: string;
}

export class Patching extends tf.layers.Layer {
  static readonly className = 'Patching';
  readonly patchLength: number;
  readonly stride: number;

  constructor(args: PatchingArgs) {
    super({ name: args.name });
    this.patchLength = args.patchLength;
    this.stride = args.stride;
    requirePositiveInt('patchLength', this.patchLength);
    requirePositiveInt('stride', this.stride);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, days, channels] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (days == null) throw new Error('Patching needs a fixed number of days');
    return [batch, channels, patchCount(days, this.patchLength, this.stride), this.patchLength];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const [batch, days, channels] = x.shape;
      const patches = patchCount(days, this.patchLength, this.stride);
      const series = tf.transpose(x, [0, 2, 1]).reshape([batch * channels, days]);
      const picked = tf.matMul(series, selectionMatrix(days, this.patchLength, this.stride, patches));
      return picked.reshape([batch, channels, patches, this.patchLength]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), patchLength: this.patchLength, stride: this.stride };
  }
}

/** Column p × patchLength + j picks day min(p × stride + j, days − 1): beyond the end, the last day. */
function selectionMatrix(days: number, patchLength: number, stride: number, patches: number): tf.Tensor2D {
  const columns = patches * patchLength;
  const values = new Float32Array(days * columns);
  for (let p = 0; p < patches; p++) {
    for (let j = 0; j < patchLength; j++) {
      const day = Math.min(p * stride + j, days - 1);
      values[day * columns + p * patchLength + j] = 1;
    }
  }
  return tf.tensor2d(values, [days, columns]);
}

tf.serialization.registerClass(Patching);
