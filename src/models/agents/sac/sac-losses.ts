/**
 * SAC's pure pieces, tested on their own and used as they are by the tfjs update: the squashed
 * Gaussian's log-density, the soft Bellman target and the temperature's loss, with their constants
 * (which the kernel learner's hand-written gradients use too).
 */
import { tf } from '../../../ml/backend.ts';

export const LOG_STD_MIN = -5;
export const LOG_STD_MAX = 2;
/** The ε inside the squash's log-Jacobian, as CleanRL. */
export const SQUASH_EPSILON = 1e-6;
export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

// ---------------------------------------------------------------------------------------------
// Pure pieces (tested on their own and used as they are by the update).
// ---------------------------------------------------------------------------------------------

/**
 * log π(a) of a = scale·tanh(u), u ~ N(mean, exp(logStd)) per dimension, summed over the last axis
 * (n × d → n): log N(u) − Σ log(scale·(1 − tanh²u) + ε). Every Jacobian term of the squash, scale
 * included (CleanRL's formula).
 */
export function squashedLogProb(u: tf.Tensor2D, mean: tf.Tensor2D, logStd: tf.Tensor2D, scale: number): tf.Tensor1D {
  return tf.tidy(() => {
    const z = tf.mul(tf.sub(u, mean), tf.exp(tf.neg(logStd)));
    const logNormal = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(logStd, HALF_LOG_2PI));
    const y = tf.tanh(u);
    const logJacobian = tf.log(tf.add(tf.mul(scale, tf.sub(1, tf.square(y))), SQUASH_EPSILON));
    return tf.sum(tf.sub(logNormal, logJacobian), 1) as tf.Tensor1D;
  });
}

/** The soft Bellman target y = r + γ(1 − terminated)(min(Q1', Q2') − α log π(a'|s')), all n-vectors (α a scalar). */
export function softQTarget(
  reward: tf.Tensor1D,
  terminated: tf.Tensor1D,
  nextQ1: tf.Tensor1D,
  nextQ2: tf.Tensor1D,
  nextLogProb: tf.Tensor1D,
  alpha: tf.Scalar | number,
  gamma: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const softValue = tf.sub(tf.minimum(nextQ1, nextQ2), tf.mul(alpha, nextLogProb));
    return tf.add(reward, tf.mul(tf.mul(gamma, tf.sub(1, terminated)), softValue)) as tf.Tensor1D;
  });
}

/** CleanRL's alpha_loss = mean(−α·(log π + target entropy)), log π held fixed: α rises when the entropy −log π is below the target. */
export function temperatureLoss(logAlpha: tf.Variable, logProb: tf.Tensor1D, targetEntropy: number): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.mul(tf.neg(tf.exp(logAlpha)), tf.add(logProb, targetEntropy))) as tf.Scalar);
}
