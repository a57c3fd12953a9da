/**
 * A whole LSTM layer as one differentiable tfjs op on the wasm backend: the forward pass over every
 * time step is one call into the lstm-sequence kernel, and so is backpropagation through time
 * (tf.customGrad). tfjs's own LSTM dispatches ~16 small ops per step and layer, forward and
 * backward: ~2,000 per batch for the seed's model. Same maths as tfjs's LSTMCell (gates i, f, g, o;
 * sigmoid gates, tanh cell), to float rounding.
 */
import { tf } from '../../../ml/backend.ts';
import type { LstmPass } from '../../../ml/kernels/lstm-sequence.ts';
import { lstmSequenceKernel } from '../../../ml/kernels/lstm-sequence-parallel.ts';

export interface LstmSequenceOptions {
  returnSequences: boolean;
  /** Keep the record for a backward pass (training); inference frees everything at once. */
  training: boolean;
  /** Whose record this is: a new training pass of the same owner frees its previous, unused one. */
  owner: object;
}

const pending = new WeakMap<object, LstmPass>();

/** A tensor's values in place on the wasm heap (no copy; valid until the next tfjs allocation, and the kernel copies them first). */
function heapView(t: tf.Tensor): Float32Array {
  return (tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array }).typedArrayFromHeap(t);
}

/** True when the fused op can run here (the wasm backend, with the kernel loaded). */
export function lstmSequenceAvailable(units: number): boolean {
  return tf.getBackend() === 'wasm' && units % 4 === 0 && lstmSequenceKernel() !== null;
}

/** x [B, T, I], kernel [I, 4H], recurrent [H, 4H], bias [4H] → [B, T, H] or [B, H]. Call only when lstmSequenceAvailable. */
export function lstmSequence(x: tf.Tensor3D, kernel: tf.Tensor2D, recurrent: tf.Tensor2D, bias: tf.Tensor1D, options: LstmSequenceOptions): tf.Tensor {
  const k = lstmSequenceKernel();
  if (!k) throw new Error('lstm-sequence kernel is not loaded');
  const [B, T, I] = x.shape;
  const H = recurrent.shape[0];
  const shape = { T, B, I, H };
  const { returnSequences, training, owner } = options;
  const op = tf.customGrad(((x_: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor) => {
    const previous = pending.get(owner);
    if (previous) k.release(previous);
    const weights = { W: heapView(W), U: heapView(U), bias: heapView(b) };
    const { out, record } = k.forward(shape, heapView(x_), weights, returnSequences, training);
    if (record) pending.set(owner, record);
    return {
      value: tf.tensor(out, returnSequences ? [B, T, H] : [B, H]),
      gradFunc: (dy: tf.Tensor) => {
        if (!record) throw new Error('LSTM: gradient of a pass run without training: true');
        pending.delete(owner);
        const g = k.backward(record, heapView(dy), returnSequences);
        return [tf.tensor3d(g.dx, [B, T, I]), tf.tensor2d(g.dW, [I, 4 * H]), tf.tensor2d(g.dU, [H, 4 * H]), tf.tensor1d(g.dbias)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as (...inputs: tf.Tensor[]) => tf.Tensor)(x, kernel, recurrent, bias);
}
