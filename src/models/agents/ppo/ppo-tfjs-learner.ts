/**
 * PPO's gradient step as tfjs ops and autodiff (CleanRL's loss, term by term), for backends other
 * than wasm and as the reference the kernel learner is tested against.
 */
import { tf } from '../../../ml/backend.ts';
import type { PpoAgent } from './ppo.ts';
import type { PpoConfig } from './ppo-defaults.ts';
import { HALF_LOG_2PI, type Minibatch, type PpoLearner } from './ppo-learner.ts';

/** tfjs ops and autodiff, one tidy per call (the reference the kernel is tested against). */
export class PpoTfjsLearner implements PpoLearner {
  private readonly optimizer: tf.Optimizer;
  private readonly variables: tf.Variable[];

  constructor(
    private readonly agent: PpoAgent,
    private readonly config: Readonly<PpoConfig>,
  ) {
    this.optimizer = tf.train.adam(config.learningRate, 0.9, 0.999, config.adamEpsilon);
    this.variables = agent.trainableVariables();
  }

  policyAndValue(obs: Float32Array, n: number): { mean: Float32Array; value: Float32Array } {
    const { agent } = this;
    const both = tf.tidy(() => {
      const x = agent.batch(obs);
      return tf.concat([agent.actorMean(x), agent.criticValue(x).reshape([n, 1])], 1).dataSync() as Float32Array;
    });
    const width = agent.actDim + 1;
    const mean = new Float32Array(n * agent.actDim);
    const value = new Float32Array(n);
    for (let e = 0; e < n; e++) {
      mean.set(both.subarray(e * width, e * width + agent.actDim), e * agent.actDim);
      value[e] = both[e * width + agent.actDim];
    }
    return { mean, value };
  }

  value(obs: Float32Array): Float32Array {
    return this.agent.value(obs);
  }

  logStd(): Float32Array {
    return this.agent.logStdVariable.dataSync() as Float32Array;
  }

  update(m: Minibatch, learningRate: number): Float32Array {
    const { agent, config, variables, optimizer } = this;
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate; // tfjs's Adam reads it at every step
    let stats: tf.Tensor | undefined;
    tf.tidy(() => {
      const n = m.logprobs.length;
      const obs = tf.tensor2d(m.obs, [n, agent.obsDim]);
      const actions = tf.tensor2d(m.actions, [n, agent.actDim]);
      const oldLogprobs = tf.tensor1d(m.logprobs);
      const advantages = tf.tensor1d(m.advantages);
      const returns = tf.tensor1d(m.returns);
      const oldValues = tf.tensor1d(m.values);
      const { grads } = tf.variableGrads(() => {
        const logStd = agent.logStdVariable;
        const z = tf.mul(tf.sub(actions, agent.actorMean(obs)), tf.exp(tf.neg(logStd)));
        const newLogprobs = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), tf.add(tf.sum(logStd), agent.actDim * HALF_LOG_2PI));
        const logratio = tf.sub(newLogprobs, oldLogprobs);
        const ratio = tf.exp(logratio);
        const pgLoss1 = tf.mul(tf.neg(advantages), ratio);
        const pgLoss2 = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - config.clipCoef, 1 + config.clipCoef));
        const pgLoss = tf.mean(tf.maximum(pgLoss1, pgLoss2));

        const newValues = agent.criticValue(obs);
        const vLossUnclipped = tf.square(tf.sub(newValues, returns));
        const vLoss = config.clipVloss
          ? tf.mul(0.5, tf.mean(tf.maximum(vLossUnclipped, tf.square(tf.sub(tf.add(oldValues, tf.clipByValue(tf.sub(newValues, oldValues), -config.clipCoef, config.clipCoef)), returns)))))
          : tf.mul(0.5, tf.mean(vLossUnclipped));

        // Entropy of a diagonal Gaussian: Σ (log σ + ½ + ½ log 2π), the same for every state.
        const entropy = tf.add(tf.sum(logStd), agent.actDim * (0.5 + HALF_LOG_2PI));
        const loss = tf.add(tf.sub(pgLoss, tf.mul(config.entCoef, entropy)), tf.mul(config.vfCoef, vLoss)) as tf.Scalar;

        // http://joschu.net/blog/kl-approx.html, as CleanRL.
        const oldApproxKl = tf.mean(tf.neg(logratio));
        const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logratio));
        const clipFraction = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), config.clipCoef), 'float32'));
        stats = tf.keep(tf.stack([pgLoss, vLoss, entropy, oldApproxKl, approxKl, clipFraction]));
        return loss;
      }, variables);

      // Clip the global norm over every gradient together (torch's clip_grad_norm_).
      const list = variables.map((v) => grads[v.name]);
      const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(config.maxGradNorm, tf.add(norm, 1e-6)));
      optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: tf.mul(list[i], scale) })));
    });
    const values = stats!.dataSync() as Float32Array;
    stats!.dispose();
    return values;
  }

  /** The agent's variables are the ones trained: nothing to write. */
  sync(): void {}

  finish(): void {
    this.optimizer.dispose();
  }
}
