/**
 * softmax(Q·Kᵀ/√depth)·V for [sequences, length, depth] inputs: on the wasm backend one call into
 * the patchtst-attention kernel forward and one backward (tf.customGrad), instead of two batched
 * matMuls, a softmax and their gradients over every (sample, channel, head); elsewhere (the GPU
 * container's 'tensorflow' backend) the same formula in tfjs ops. Same maths, to float rounding.
 */
import { tf } from '../../../ml/backend.ts';
import { attentionKernel, MAX_SEQUENCE } from '../../../ml/kernels/patchtst-attention.ts';

/** The plain tfjs composition (and the reference the fused op is tested against). */
export function attentionOps(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  const depth = q.shape[2];
  const scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(depth)), k, false, true);
  return tf.matMul(tf.softmax(scores), v);
}

/** A tensor's values in place on the wasm heap (no copy; valid until the next tfjs allocation). */
function heapView(t: tf.Tensor): Float32Array {
  return (tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array }).typedArrayFromHeap(t);
}

export function attention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  const [N, S, D] = q.shape;
  const kernel = tf.getBackend() === 'wasm' && D % 4 === 0 && S <= MAX_SEQUENCE ? attentionKernel() : null;
  if (!kernel) return attentionOps(q, k, v);
  const shape = { N, S, D };
  const scale = 1 / Math.sqrt(D);
  const op = tf.customGrad(((q_: tf.Tensor, k_: tf.Tensor, v_: tf.Tensor, save: tf.GradSaveFunc) => {
    // Kernel results are views of its memory: tf.tensor3d copies each into the wasm heap at once.
    const { out, probs } = kernel.forward(shape, scale, heapView(q_), heapView(k_), heapView(v_));
    const p = tf.tensor3d(probs, [N, S, S]);
    const value = tf.tensor3d(out, [N, S, D]);
    save([q_, k_, v_, p]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const g = kernel.backward(shape, scale, heapView(saved[0]), heapView(saved[1]), heapView(saved[2]), heapView(saved[3]), heapView(dy));
        return [tf.tensor3d(g.dq, [N, S, D]), tf.tensor3d(g.dk, [N, S, D]), tf.tensor3d(g.dv, [N, S, D])];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as (...inputs: tf.Tensor[]) => tf.Tensor3D)(q, k, v);
}
