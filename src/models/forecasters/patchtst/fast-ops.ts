/**
 * Ops with hand-written gradients, for the wasm backend's slow spots (measured on a [11264, 64]
 * float32 tensor, the tokens of a 128-sample batch): its 2-D Transpose takes ~8 ms where the same
 * permutation through a rank-3 view takes ~1.2 ms, and a Sum over the leading axis (every bias or
 * gain gradient of a broadcast add) goes through that slow transpose. tfjs's own gradients hit both
 * on every dense, layer norm and embedding; these do not.
 * Same maths, different summation order: values agree to float rounding, not bit for bit.
 */
import { tf } from '../../../ml/backend.ts';

type Gradient = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/** tf.customGrad with positional tensor arguments (its own typing takes one rest parameter). */
function withGradient<A extends tf.Tensor[]>(f: (...args: [...A, tf.GradSaveFunc]) => Gradient): (...inputs: A) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: A) => tf.Tensor;
}

/** [rows, cols] → [cols, rows], through a [rows/g, g, cols] view when rows divide evenly. */
export function transposeRows(x: tf.Tensor2D): tf.Tensor2D {
  const [rows, cols] = x.shape;
  const group = [16, 8, 4, 2].find((g) => rows % g === 0 && rows > g);
  if (!group) return tf.transpose(x);
  return tf.transpose(x.reshape([rows / group, group, cols]), [2, 0, 1]).reshape([cols, rows]);
}

/** Sums [rows, cols] over its rows → [cols]: wasm sums fast only over the last axis. */
export function sumRows(x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(transposeRows(x), 1));
}

/** x [..., in] · w [in, out] + b [out] over the last axis. */
export function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [inputs, units] = w.shape;
  const rows = x.size / inputs;
  const outShape = [...x.shape.slice(0, -1), units];
  const op = withGradient<[tf.Tensor, tf.Tensor, tf.Tensor]>((x_, w_, b_, save) => {
    const x2 = x_.reshape([rows, inputs]) as tf.Tensor2D;
    save([x2, w_]);
    return {
      value: tf.fused.matMul({ a: x2, b: w_ as tf.Tensor2D, bias: b_ }).reshape(outShape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dy2 = dy.reshape([rows, units]) as tf.Tensor2D;
        return [tf.matMul(dy2, ws, false, true).reshape(x_.shape), tf.matMul(transposeRows(xs), dy2), sumRows(dy2)];
      },
    };
  });
  return op(x, w, b);
}

/**
 * Layer normalisation over the last axis: (x − mean) / √(var + eps) · gamma + beta, with the
 * standard closed-form gradient: dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ x̂)), ĝ = dy · gamma.
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const width = x.shape[x.rank - 1];
  const rows = x.size / width;
  const op = withGradient<[tf.Tensor, tf.Tensor, tf.Tensor]>((x_, g_, b_, save) => {
    const x2 = x_.reshape([rows, width]);
    const { mean, variance } = tf.moments(x2, -1, true);
    const rstd = tf.rsqrt(tf.add(variance, epsilon));
    const normalised = tf.mul(tf.sub(x2, mean), rstd);
    save([normalised, rstd, g_]);
    return {
      value: tf.add(tf.mul(normalised, g_), b_).reshape(x_.shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xhat, rs, g] = saved;
        const dy2 = dy.reshape([rows, width]) as tf.Tensor2D;
        const dxhat = tf.mul(dy2, g);
        const centred = tf.sub(dxhat, tf.mean(dxhat, -1, true));
        const dx = tf.mul(rs, tf.sub(centred, tf.mul(xhat, tf.mean(tf.mul(dxhat, xhat), -1, true))));
        return [dx.reshape(x_.shape), sumRows(tf.mul(dy2, xhat) as tf.Tensor2D), sumRows(dy2)];
      },
    };
  });
  return op(x, gamma, beta);
}

/** x [..., a, b] + e [a, b], broadcast over the leading axes. */
export function addTrailing(x: tf.Tensor, e: tf.Tensor): tf.Tensor {
  const op = withGradient<[tf.Tensor, tf.Tensor]>((x_, e_) => ({
    value: tf.add(x_, e_),
    // dy.clone(), not dy: the engine disposes a returned gradient and dy separately.
    gradFunc: (dy: tf.Tensor) => [dy.clone(), sumRows(dy.reshape([dy.size / e_.size, e_.size]) as tf.Tensor2D).reshape(e_.shape)],
  }));
  return op(x, e);
}

/**
 * Exact GELU, x·Φ(x) (PyTorch's default, tfjs's 'gelu'), with gradient Φ(x) + x·φ(x). Saves only x:
 * the composed ops would keep four more [tokens, feedForward] tensors per layer alive until the
 * backward pass.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  const op = withGradient<[tf.Tensor]>((x_, save) => {
    save([x_]);
    return {
      value: tf.mul(x_, normalCdf(x_)),
      gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => {
        const density = tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), 1 / Math.sqrt(2 * Math.PI));
        return [tf.mul(dy, tf.add(normalCdf(xs), tf.mul(xs, density)))];
      },
    };
  });
  return op(x);
}

function normalCdf(x: tf.Tensor): tf.Tensor {
  return tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}
