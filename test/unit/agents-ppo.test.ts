import { beforeAll, describe, expect, it } from 'vitest';
import { capMarket, smallEnv } from '../support/toy-panels.ts';
import { initBackend, tf } from '../../src/ml/backend.ts';
import { deserializePpoAgent, serializePpoAgent } from '../../src/models/agents/ppo/ppo-artifacts.ts';
import { DEFAULT_PPO_CONFIG, PpoAgent, computeGae, trainPpo, type PpoConfig, type PpoUpdateLog } from '../../src/models/agents/ppo/ppo.ts';

beforeAll(async () => {
  await initBackend();
});

const SMALL: Partial<PpoConfig> = { numEnvs: 2, numSteps: 32, minibatchSize: 16, updateEpochs: 2, totalTimesteps: 192, seed: 7 };

describe('computeGae', () => {
  it('bootstraps a truncation from V(finalObs), not a termination, and never crosses an episode boundary (hand case)', () => {
    // Prepare: γ = 0.9, λ = 0.8 (γλ = 0.72); 3 steps × 2 envs, index t·2 + e.
    // env 0: rewards 1, 2, 3; values 0.5, 0.6, 0.7; truncated at t = 1 with V(finalObs) = 4; V(after) = 5.
    //   t=2: δ = 3 + 0.9·5 − 0.7 = 6.8;                 A = 6.8
    //   t=1: δ = 2 + 0.9·4 − 0.6 = 5.0 (ends: no A₂);    A = 5.0
    //   t=0: δ = 1 + 0.9·0.6 − 0.5 = 1.04;               A = 1.04 + 0.72·5.0 = 4.64
    // env 1: rewards 1, 1, 1; values 2, 0, 1; terminated at t = 0; V(after) = 3.
    //   t=2: δ = 1 + 0.9·3 − 1 = 2.7;                   A = 2.7
    //   t=1: δ = 1 + 0.9·1 − 0 = 1.9;                   A = 1.9 + 0.72·2.7 = 3.844
    //   t=0: δ = 1 + 0 − 2 = −1 (terminal: no bootstrap); A = −1
    const input = {
      rewards: [1, 1, 2, 1, 3, 1],
      values: [0.5, 2, 0.6, 0, 0.7, 1],
      terminated: [0, 1, 0, 0, 0, 0],
      truncated: [0, 0, 1, 0, 0, 0],
      finalValues: [0, 99, 4, 0, 0, 0], // 99 where env 1 terminated: must not be read
      lastValues: [5, 3],
      numEnvs: 2,
      gamma: 0.9,
      lambda: 0.8,
    };
    const expected = [4.64, -1, 5.0, 3.844, 6.8, 2.7];
    // Act
    const { advantages, returns } = computeGae(input);
    // Assess
    expected.forEach((a, i) => expect(advantages[i]).toBeCloseTo(a, 5));
    expected.forEach((a, i) => expect(returns[i]).toBeCloseTo(a + input.values[i], 5));
  });
});

describe('trainPpo', () => {
  it('leaves the tensor count flat across updates and frees everything on dispose', async () => {
    // Prepare
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    // Act
    const { agent, history } = await trainPpo(smallEnv, SMALL, { onUpdate: () => counts.push(tf.memory().numTensors) });
    agent.dispose();
    // Assess
    expect(history).toHaveLength(3);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reproduces the same losses and episodes from the same seed', async () => {
    // Prepare
    const run = async (seed: number) => {
      const { agent, history, episodes } = await trainPpo(smallEnv, { ...SMALL, seed });
      agent.dispose();
      return { history: history.map(({ steps_per_second: _, ...rest }: PpoUpdateLog) => rest), episodes };
    };
    // Act
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    // Assess
    expect(a).toEqual(b);
    expect(a.history).not.toEqual(c.history);
    expect(a.episodes.length).toBeGreaterThan(0); // 20-week episodes complete within 96 steps per env
    expect(Object.keys(a.history[0])).toEqual(expect.arrayContaining(['policy_loss', 'value_loss', 'approx_kl', 'clip_fraction', 'explained_variance', 'entropy', 'mean_episode_return']));
  });

  it('learns a toy market with a known optimum: the asset at its cap', async () => {
    // Prepare: one asset at +1 % every week, cap 90 %, cash ≥ 2 %: the best weight is 0.9. The
    // initial policy's mean logits are ≈ 0, i.e. about 50/50.
    const { rules, makeEnv, allCashObs, assetWeight } = capMarket();
    const untrained = PpoAgent.create(3, 2, DEFAULT_PPO_CONFIG, 3);
    const initialWeight = assetWeight(untrained.act(allCashObs, true));
    untrained.dispose();
    // Act
    const { agent, history } = await trainPpo(makeEnv, { totalTimesteps: 20_000, numEnvs: 4, numSteps: 128, seed: 3 });
    const learnedWeight = assetWeight(agent.act(allCashObs, true));
    agent.dispose();
    // Assess
    expect(initialWeight).toBeGreaterThan(0.4);
    expect(initialWeight).toBeLessThan(0.6);
    expect(learnedWeight).toBeGreaterThanOrEqual(0.9 * rules.maxStockWeight);
    expect(history.at(-1)!.mean_episode_return!).toBeGreaterThan(history[0].mean_episode_return!);
  });
});

describe('PPO agent files', () => {
  it('restores the networks and the log-std, and fine-tunes from them at 1e-4 without touching the original', async () => {
    // (Adam's state is not saved: a fine-tune starts a fresh optimiser.)
    // Prepare
    const { agent } = await trainPpo(smallEnv, SMALL);
    const probe = Float32Array.from([0.5, -1, 0.3, 2, -0.7, 0.1, 0.2, 0.3, 0.1, 0.4]); // 3 × 2 features, then 3 + 1 weights
    // Act
    const files = serializePpoAgent(agent);
    const restored = deserializePpoAgent(files);
    const { agent: tuned, history } = await trainPpo(smallEnv, { ...SMALL, learningRate: 1e-4 }, { initial: restored });
    // Assess
    expect(Object.keys(files).sort()).toEqual(['ppo-agent.json', 'ppo-weights.bin']);
    expect(Array.from(restored.act(probe, true))).toEqual(Array.from(agent.act(probe, true)));
    expect(Array.from(restored.value(probe))).toEqual(Array.from(agent.value(probe)));
    expect(Array.from(restored.logStdVariable.dataSync())).toEqual(Array.from(agent.logStdVariable.dataSync()));
    expect(restored.config).toEqual(agent.config);
    expect(history[0].learning_rate).toBe(1e-4);
    expect(Array.from(tuned.act(probe, true))).not.toEqual(Array.from(restored.act(probe, true)));
    expect(Array.from(restored.act(probe, true))).toEqual(Array.from(agent.act(probe, true)));
    [agent, restored, tuned].forEach((a) => a.dispose());
  });
});
