import { beforeAll, describe, expect, it } from 'vitest';
import { capMarket, smallEnv } from '../support/toy-panels.ts';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { mulberry32 } from '../../src/ml/random.ts';
import { deserializeSacAgent, serializeSacAgent } from '../../src/models/agents/sac/sac-artifacts.ts';
import {
  DEFAULT_SAC_CONFIG,
  ReplayBuffer,
  SacAgent,
  createOptimizers,
  gaussianPairs,
  nextObsAndMask,
  sacUpdate,
  softQTarget,
  squashedLogProb,
  temperatureLoss,
  trainSac,
  type NamedWeights,
  type SacConfig,
} from '../../src/models/agents/sac/sac.ts';

beforeAll(async () => {
  await initBackend();
});

const SMALL: Partial<SacConfig> = { totalSteps: 300, learningStarts: 100, logInterval: 50, finalWindow: 50, seed: 7 };
const byName = (weights: NamedWeights[]) => new Map(weights.map((w) => [w.name, w.values]));

/** Φ(z) by Simpson's rule on the standard normal density from −12 (error far below the test's tolerance). */
function normalCdf(z: number): number {
  const lo = -12;
  const n = 4000;
  const h = (z - lo) / n;
  const pdf = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  let s = pdf(lo) + pdf(z);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * pdf(lo + i * h);
  return (s * h) / 3;
}

describe('squashedLogProb', () => {
  it('matches the density of a = scale·tanh(u) got by differentiating its CDF numerically (1-D)', () => {
    // Prepare: u ~ N(0.3, 0.7²), scale 3. P(A ≤ a) = Φ((atanh(a/3) − 0.3)/0.7); its central difference is the density.
    const [mu, sigma, scale] = [0.3, 0.7, 3];
    const us = [-1.5, -0.5, 0, 0.8, 1.6];
    const cdf = (a: number) => normalCdf((Math.atanh(a / scale) - mu) / sigma);
    const numeric = us.map((u) => {
      const a = scale * Math.tanh(u);
      const h = 1e-4;
      return (cdf(a + h) - cdf(a - h)) / (2 * h);
    });
    // Act
    const logProbs = tf.tidy(() =>
      squashedLogProb(tf.tensor2d(us, [us.length, 1]), tf.fill([us.length, 1], mu) as tf.Tensor2D, tf.fill([us.length, 1], Math.log(sigma)) as tf.Tensor2D, scale).dataSync(),
    );
    // Assess
    us.forEach((_, i) => expect(Math.exp(logProbs[i]) / numeric[i]).toBeCloseTo(1, 3));
  });

  it("is what the agent's reparameterised sample reports as log π", () => {
    // Prepare
    const agent = SacAgent.create(4, 3, DEFAULT_SAC_CONFIG, 11);
    const rng = mulberry32(2);
    const obs = Float32Array.from({ length: 5 * 4 }, () => 2 * rng() - 1);
    const eps = Float32Array.from({ length: 5 * 3 }, () => 2 * rng() - 1);
    // Act
    const [fromSample, direct] = tf.tidy(() => {
      const x = agent.batch(obs);
      const e = tf.tensor2d(eps, [5, 3]);
      const { mean, logStd } = agent.actorHeads(x);
      const u = tf.add(mean, tf.mul(tf.exp(logStd), e)) as tf.Tensor2D;
      return [agent.sample(x, e).logProb.dataSync(), squashedLogProb(u, mean, logStd, DEFAULT_SAC_CONFIG.actionScale).dataSync()];
    });
    agent.dispose();
    // Assess
    fromSample.forEach((v, i) => expect(v).toBeCloseTo(direct[i], 4));
  });
});

describe('gaussianPairs (the update noise)', () => {
  it('draws standard normals: mean 0, variance 1, normal tails, uncorrelated pairs, the same from the same seed', () => {
    // Prepare
    const draw = (seed: number) => {
      const out = new Float32Array(200_001); // odd: the last value takes a cosine alone
      gaussianPairs(out, mulberry32(seed));
      return out;
    };
    // Act
    const values = draw(3);
    // Assess
    const n = values.length;
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    let beyond2 = 0;
    let pairProduct = 0;
    for (let i = 0; i < n; i++) if (Math.abs(values[i]) > 2) beyond2++;
    for (let i = 0; i + 1 < n; i += 2) pairProduct += values[i] * values[i + 1];
    expect(Math.abs(mean)).toBeLessThan(0.01); // 4.5 standard errors
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    expect(Math.abs(beyond2 / n - 2 * (1 - normalCdf(2)))).toBeLessThan(0.003); // P(|z| > 2) ≈ 0.0455
    expect(Math.abs(pairProduct / (n >> 1))).toBeLessThan(0.015); // cos and sin of one angle: uncorrelated
    expect(draw(3)).toEqual(values);
    expect(draw(4)).not.toEqual(values);
  });
});

describe('the soft Q target', () => {
  it('uses the smaller of the two target critics and the entropy term, and does not bootstrap a terminal', () => {
    // Prepare: γ = 0.9, α = 0.2.
    //   row 0: r = 1, not terminal, Q1' = 10, Q2' = 8, log π' = −1 → 1 + 0.9·(8 + 0.2) = 8.38
    //   row 1: r = 0.5, terminal → 0.5
    //   row 2: r = 0, Q1' = 2 < Q2' = 5, log π' = 0.5 → 0.9·(2 − 0.1) = 1.71
    const input = [[1, 0.5, 0], [0, 1, 0], [10, 3, 2], [8, 4, 5], [-1, 2, 0.5]];
    // Act
    const y = tf.tidy(() => {
      const [r, d, q1, q2, lp] = input.map((v) => tf.tensor1d(v));
      return softQTarget(r, d, q1, q2, lp, 0.2, 0.9).dataSync();
    });
    // Assess
    [8.38, 0.5, 1.71].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
  });

  it('bootstraps a truncation from finalObs: only a termination is masked', () => {
    // Prepare: 3 envs, obsDim 2. env 0 goes on; env 1 hits its time limit (truncated); env 2 terminates.
    const step = {
      obs: Float32Array.from([1, 1, 2, 2, 3, 3]), // env 1 and 2 already show their next episode's start
      reward: Float32Array.from([0.1, 0.2, 0.3]),
      terminated: Uint8Array.from([0, 0, 1]),
      truncated: Uint8Array.from([0, 1, 0]),
      finalObs: [null, Float32Array.from([9, 9]), Float32Array.from([7, 7])],
    };
    // Act
    const { nextObs, terminal } = nextObsAndMask(step, 2);
    // Assess
    expect(Array.from(nextObs)).toEqual([1, 1, 9, 9, 7, 7]);
    expect(Array.from(terminal)).toEqual([0, 0, 1]);
    expect(() => nextObsAndMask({ ...step, finalObs: [null, null, null] }, 2)).toThrow(/finalObs/);
  });
});

describe('the temperature', () => {
  it('rises when the policy entropy is below the target and falls when above (one step)', () => {
    // Prepare: target entropy −2. log π = 5 → entropy −5 (below); log π = −5 → entropy 5 (above).
    const step = (logProb: number) => {
      const agent = SacAgent.create(3, 2, { ...DEFAULT_SAC_CONFIG, initialAlpha: 0.5 }, 1);
      const optimizer = tf.train.adam(3e-4);
      const before = agent.alpha;
      optimizer.minimize(() => temperatureLoss(agent.logAlpha, tf.fill([8], logProb) as tf.Tensor1D, -2), false, [agent.logAlpha]);
      const after = agent.alpha;
      optimizer.dispose();
      agent.dispose();
      return after - before;
    };
    // Act / Assess
    expect(step(5)).toBeGreaterThan(0);
    expect(step(-5)).toBeLessThan(0);
  });
});

describe('sacUpdate', () => {
  it('moves the target networks by exactly τ towards the updated critics', () => {
    // Prepare: a replay of random transitions; the critics move during the update, then the targets follow.
    const [obsDim, actDim, n] = [5, 3, 16];
    const agent = SacAgent.create(obsDim, actDim, DEFAULT_SAC_CONFIG, 4);
    const optimizers = createOptimizers(DEFAULT_SAC_CONFIG);
    const rng = mulberry32(9);
    const buffer = new ReplayBuffer(n, obsDim, actDim);
    for (let i = 0; i < n; i++) {
      const r = () => Float32Array.from({ length: obsDim }, () => 2 * rng() - 1);
      buffer.add(r(), Float32Array.from({ length: actDim }, () => 2 * rng() - 1), [rng()], r(), [0], 0);
    }
    const noise = Float32Array.from({ length: 2 * n * actDim }, () => 2 * rng() - 1);
    // Two updates first, so that critics and targets differ.
    sacUpdate(agent, optimizers, buffer.sample(n, rng), noise, -actDim);
    sacUpdate(agent, optimizers, buffer.sample(n, rng), noise, -actDim);
    const before = byName(agent.exportWeights());
    // Act
    sacUpdate(agent, optimizers, buffer.sample(n, rng), noise, -actDim);
    const after = byName(agent.exportWeights());
    // Assess
    const tau = DEFAULT_SAC_CONFIG.tau;
    let checked = 0;
    for (const [name, target] of after) {
      if (!name.includes('_target')) continue;
      const critic = after.get(name.replace('_target', ''))!;
      const old = before.get(name)!;
      expect(Array.from(critic)).not.toEqual(Array.from(before.get(name.replace('_target', ''))!)); // the critic did move
      target.forEach((t, i) => expect(t).toBeCloseTo(tau * critic[i] + (1 - tau) * old[i], 6));
      checked++;
    }
    expect(checked).toBe(12);
    Object.values(optimizers).forEach((o) => o.dispose());
    agent.dispose();
  });
});

describe('trainSac', () => {
  it('leaves the tensor count flat over 10K steps and frees everything on dispose', async () => {
    // Prepare: small networks and batches (a leak is per code path, not per size), so 10K updates run in seconds.
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    // Act
    const config = { ...SMALL, totalSteps: 10_000, logInterval: 500, hiddenSizes: [8, 8], batchSize: 16 };
    const { agent, history, final } = await trainSac(smallEnv, config, { onUpdate: () => counts.push(tf.memory().numTensors) });
    agent.dispose();
    // Assess
    expect(history).toHaveLength(20); // 9,900 updates after a 100-step warm-up: a line every 500, and the last partial one
    expect(history.at(-1)!.updates).toBe(9_900);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(final.updates).toBe(50);
    for (const v of [final.actor_loss, final.critic_loss, final.alpha]) expect(Number.isFinite(v)).toBe(true);
  });

  it('reproduces the same run from the same seed', async () => {
    // Prepare
    const run = async (seed: number) => {
      const { agent, history, episodes } = await trainSac(smallEnv, { ...SMALL, seed });
      agent.dispose();
      return { history: history.map(({ steps_per_second: _, ...rest }) => rest), episodes };
    };
    // Act
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    // Assess
    expect(a).toEqual(b);
    expect(a.history).not.toEqual(c.history);
    expect(a.episodes.length).toBeGreaterThan(0);
    expect(Object.keys(a.history[0])).toEqual(expect.arrayContaining(['actor_loss', 'critic_loss', 'alpha', 'mean_q', 'entropy', 'episode_return', 'episodes_completed']));
  });

  it('learns a toy market with a known optimum: the asset at its cap', async () => {
    // Prepare: one asset at +1 % every week, cap 90 %, cash ≥ 2 %: the best weight is 0.9. The
    // untrained deterministic policy (squashed mean ≈ 0 logits) holds about 50 %.
    const { makeEnv, allCashObs, assetWeight } = capMarket();
    const untrained = SacAgent.create(3, 2, DEFAULT_SAC_CONFIG, 3);
    const initialWeight = assetWeight(untrained.act(allCashObs, true));
    untrained.dispose();
    // Act
    const { agent } = await trainSac(makeEnv, { totalSteps: 2500, learningStarts: 500, seed: 3, logInterval: 500 });
    const learnedWeight = assetWeight(agent.act(allCashObs, true));
    agent.dispose();
    // Assess
    expect(initialWeight).toBeGreaterThan(0.4);
    expect(initialWeight).toBeLessThan(0.6);
    expect(learnedWeight).toBeGreaterThanOrEqual(0.8);
  }, 60_000);
});

describe('SAC agent files', () => {
  it('restore every network, log α and the optimisers, and fine-tune from them at 1e-4 without touching the original', async () => {
    // Prepare
    const { agent } = await trainSac(smallEnv, SMALL);
    const probe = Float32Array.from([0.5, -1, 0.3, 2, -0.7, 0.1, 0.2, 0.3, 0.1, 0.4]);
    // Act
    const files = serializeSacAgent(agent);
    const restored = deserializeSacAgent(files);
    const { agent: tuned } = await trainSac(smallEnv, { ...SMALL, learningRate: 1e-4, alphaLearningRate: 1e-4 }, { initial: restored });
    // Assess
    expect(Object.keys(files).sort()).toEqual(['sac-agent.json', 'sac-weights.bin']);
    expect(restored.exportWeights()).toEqual(agent.exportWeights());
    expect(restored.optimizerState).toEqual(agent.optimizerState);
    expect(restored.optimizerState!.filter((w) => w.name.endsWith('.0')).map((w) => [w.name, w.values[0]])).toEqual([
      ['optim.actor.0', 200],
      ['optim.critic.0', 200],
      ['optim.alpha.0', 200],
    ]); // each Adam's step count: 200 updates
    expect(restored.config).toEqual(agent.config);
    expect(tuned.config.learningRate).toBe(1e-4);
    expect(tuned.config.alphaLearningRate).toBe(1e-4);
    expect(tuned.optimizerState!.find((w) => w.name === 'optim.actor.0')!.values[0]).toBe(400); // resumed, not restarted
    expect(Array.from(tuned.act(probe, true))).not.toEqual(Array.from(restored.act(probe, true)));
    expect(Array.from(restored.act(probe, true))).toEqual(Array.from(agent.act(probe, true)));
    [agent, restored, tuned].forEach((a) => a.dispose());
  });
});
