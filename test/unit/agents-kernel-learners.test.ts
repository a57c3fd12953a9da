/**
 * The agents' kernel learners (wasm mlp kernel, hand-written loss gradients) against their tfjs
 * learners (tfjs ops and autodiff), from the same agent on the same minibatches: the same losses and
 * the same weights after a few updates, to 1e-4 relative; with the tfjs learner on the wasm backend
 * and on the pure-JS cpu backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { mulberry32 } from '../../src/ml/random.ts';
import { gaussian } from '../../src/ml/seeded-init.ts';
import { DEFAULT_PPO_CONFIG, PpoAgent, createPpoLearner, type PpoConfig } from '../../src/models/agents/ppo/ppo.ts';
import { DEFAULT_SAC_CONFIG, ReplayBuffer, SacAgent, createSacLearner, type NamedWeights, type SacConfig } from '../../src/models/agents/sac/sac.ts';
import type { LearnerEngine } from '../../src/models/agents/ppo/ppo-learner.ts';

beforeAll(async () => {
  await initBackend();
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

/** The largest |a − b| / max(|b|, 1 % of max |b|): relative, except where float32 sums cancel to near 0. */
function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-2 * scale, Math.abs(b[i])));
  return worst;
}

function expectSameWeights(a: NamedWeights[], b: NamedWeights[], tolerance: number): void {
  expect(a.map((w) => w.name)).toEqual(b.map((w) => w.name));
  a.forEach((w, i) => expect(maxRelativeError(w.values, b[i].values), w.name).toBeLessThan(tolerance));
}

const uniform = (length: number, rng: () => number, spread = 1) => Float32Array.from({ length }, () => spread * (2 * rng() - 1));

describe('the PPO kernel learner', () => {
  const [obsDim, actDim, n] = [12, 5, 32];
  // Adam's ε at 1: each step is then close to lr × the gradient, so the weights compare the gradients
  // (with ε 1e-5, Adam's per-element normalisation turns float32 rounding in a near-zero gradient into a full step).
  const config: PpoConfig = { ...DEFAULT_PPO_CONFIG, hiddenSizes: [16, 16], adamEpsilon: 1 };
  const minibatch = (seed: number) => {
    const rng = mulberry32(seed);
    return {
      obs: uniform(n * obsDim, rng, 2),
      actions: uniform(n * actDim, rng, 0.5),
      // Old log-probs near the new ones, so that some ratios fall inside the clip range and some outside.
      logprobs: Float32Array.from({ length: n }, () => -actDim * 0.92 + 0.4 * (2 * rng() - 1)),
      advantages: uniform(n, rng),
      returns: uniform(n, rng),
      values: uniform(n, rng, 0.3),
    };
  };
  const train = (engine: LearnerEngine) => {
    const agent = PpoAgent.create(obsDim, actDim, config, 3);
    const learner = createPpoLearner(agent, config, n, engine);
    const stats = [1, 2, 3].map((step) => Array.from(learner.update(minibatch(step), 0.05)));
    const rollout = learner.policyAndValue(minibatch(9).obs.subarray(0, 4 * obsDim), 4);
    learner.finish();
    const start = PpoAgent.create(obsDim, actDim, config, 3);
    const initial = start.exportWeights();
    start.dispose();
    // What the updates changed, compared relative to the largest change.
    const weights = agent.exportWeights().map((w, i) => ({ ...w, values: w.values.map((x, k) => x - initial[i].values[k]) }));
    agent.dispose();
    return { stats, weights, rollout };
  };

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`takes the tfjs learner's steps (tfjs on ${backend}): losses, weights, rollout means and values`, async () => {
      // Prepare
      const kernel = train('kernel');
      await tf.setBackend(backend);
      // Act
      const reference = train('tfjs');
      await tf.setBackend('wasm');
      // Assess
      kernel.stats.forEach((s, i) => expect(maxRelativeError(s, reference.stats[i])).toBeLessThan(1e-4));
      expectSameWeights(kernel.weights, reference.weights, 1e-4);
      expect(maxRelativeError(kernel.rollout.mean, reference.rollout.mean)).toBeLessThan(1e-4);
      expect(maxRelativeError(kernel.rollout.value, reference.rollout.value)).toBeLessThan(1e-4);
    });
  }
});

describe('the PPO kernel learner, run to run', () => {
  it('gives the same bits twice from the same agent and minibatches', () => {
    // Prepare
    const [obsDim, actDim, n] = [12, 5, 32];
    const config: PpoConfig = { ...DEFAULT_PPO_CONFIG, hiddenSizes: [16, 16] };
    const rng = mulberry32(4);
    const batches = [1, 2, 3].map(() => ({
      obs: uniform(n * obsDim, rng, 2),
      actions: uniform(n * actDim, rng, 0.5),
      logprobs: Float32Array.from({ length: n }, () => -actDim * 0.92 + 0.4 * (2 * rng() - 1)),
      advantages: uniform(n, rng),
      returns: uniform(n, rng),
      values: uniform(n, rng, 0.3),
    }));
    const train = () => {
      const agent = PpoAgent.create(obsDim, actDim, config, 3);
      const learner = createPpoLearner(agent, config, n, 'kernel');
      const stats = batches.map((m) => Array.from(learner.update(m, 3e-3)));
      const values = Array.from(learner.value(batches[0].obs.subarray(0, 8 * obsDim)));
      learner.finish();
      const weights = agent.exportWeights();
      agent.dispose();
      return { stats, values, weights };
    };
    // Act
    const [one, two] = [train(), train()];
    // Assess
    expect(two).toEqual(one);
  });
});

describe('the SAC kernel learner', () => {
  const [obsDim, actDim, n] = [10, 4, 32];
  const config: SacConfig = { ...DEFAULT_SAC_CONFIG, hiddenSizes: [16, 16], initialAlpha: 0.2 };
  const train = async (engine: LearnerEngine) => {
    const rng = mulberry32(5);
    const buffer = new ReplayBuffer(64, obsDim, actDim);
    for (let i = 0; i < 64; i++) buffer.add(uniform(obsDim, rng, 2), uniform(actDim, rng, 3), [0.1 * rng()], uniform(obsDim, rng, 2), [i % 9 === 0 ? 1 : 0], 0);
    const agent = SacAgent.create(obsDim, actDim, config, 3);
    const learner = createSacLearner(agent, config, n, engine);
    const stats: number[][] = [];
    for (let step = 0; step < 3; step++) {
      const noise = Float32Array.from({ length: 2 * n * actDim }, () => gaussian(rng));
      stats.push(Array.from(learner.update(buffer.sample(n, rng), noise, -actDim)));
    }
    const actions = learner.act(uniform(3 * obsDim, mulberry32(8)), mulberry32(9));
    await learner.finish();
    const weights = agent.exportWeights();
    const optimizer = agent.optimizerState!;
    agent.dispose();
    return { stats, weights, optimizer, actions };
  };

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`takes the tfjs learner's steps (tfjs on ${backend}): losses, every network, log α, the Adams' state and sampled actions`, async () => {
      // Prepare
      const kernel = await train('kernel');
      await tf.setBackend(backend);
      // Act
      const reference = await train('tfjs');
      await tf.setBackend('wasm');
      // Assess
      kernel.stats.forEach((s, i) => expect(maxRelativeError(s, reference.stats[i])).toBeLessThan(1e-4));
      // Adam (ε 1e-8, fixed for SAC) takes a full step on the sign of any near-zero gradient, so
      // float32 rounding there shows up in the weights at ~2e-4 after three steps: 1e-3 here, while
      // the losses of steps 2 and 3 (computed from the updated weights) agree to 1e-4.
      expectSameWeights(kernel.weights, reference.weights, 1e-3);
      expect(kernel.optimizer.map((w) => [w.name, w.shape])).toEqual(reference.optimizer.map((w) => [w.name, w.shape]));
      // The second moments are squares of gradients: compared on their square roots' scale.
      const rooted = (state: NamedWeights[]) => state.map((w) => (w.name.endsWith('.2') ? { ...w, values: w.values.map(Math.sqrt) } : w));
      expectSameWeights(rooted(kernel.optimizer), rooted(reference.optimizer), 1e-3);
      expect(maxRelativeError(kernel.actions, reference.actions)).toBeLessThan(1e-4);
    });
  }

  it('gives the same bits run to run', async () => {
    // Act
    const [one, two] = [await train('kernel'), await train('kernel')];
    // Assess
    expect(two).toEqual(one);
  });
});
