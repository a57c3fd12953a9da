/** Issue 19: an agent run's K seeds, all kept for the ensemble, the best ranked (validation score, else training episodes), and the spread of their metrics. */
import { describe, expect, it } from 'vitest';
import type { AlgorithmRun, PortfolioAgent } from '../../src/models/agents/agent-algorithm.ts';
import { agentSeeds, trainSeeds } from '../../src/models/agents/agent-seeds.ts';

/** A constant-allocation agent whose quality is a number; it records being disposed. */
class FixedAgent implements PortfolioAgent {
  readonly obsDim = 1;
  disposed = false;
  constructor(readonly seed: number, readonly quality: number) {}
  act(): number[] {
    return [this.quality, 0];
  }
  dispose(): void {
    this.disposed = true;
  }
}

function run(agent: FixedAgent, episodeSharpe: number): AlgorithmRun<FixedAgent> {
  return { agent, losses: { policy_loss: agent.seed / 100 }, episodes: [{ return: 0.1, sharpe: episodeSharpe }], timesteps: 10, training: {} };
}

describe('trainSeeds', () => {
  it('derives the seeds from the config: seed, seed + 1, …', () => {
    expect(agentSeeds({ seed: 1, seedCount: 3 })).toEqual([1, 2, 3]);
    expect(agentSeeds({ seed: 7 })).toEqual([7]);
  });

  it('ranks the seeds by validation score, keeps every agent for the ensemble, and spreads every metric', async () => {
    // Prepare: validation quality 0.2, 0.9, 0.5; training episodes would pick seed 10 instead.
    const quality: Record<number, number> = { 10: 0.2, 11: 0.9, 12: 0.5 };
    const agents: FixedAgent[] = [];
    // Act
    const seeded = await trainSeeds<FixedAgent>({
      seeds: [10, 11, 12],
      train: async (seed) => run(agents[agents.push(new FixedAgent(seed, quality[seed])) - 1], seed === 10 ? 3 : 1),
      evaluate: (r) => ({ eval_sharpe: r.agent.quality * 2, avg_episode_sharpe: r.episodes[0].sharpe, ...r.losses }),
      validation: (agent) => (agent as FixedAgent).quality,
    });
    // Assess
    expect(seeded.chosen).toEqual({ seed: 11, score: 0.9, scored_by: 'validation_sharpe' });
    expect(seeded.run.agent).toBe(agents[1]);
    expect(seeded.runs.map((r) => r.agent)).toEqual(agents);
    expect(agents.map((a) => a.disposed)).toEqual([false, false, false]);
    expect(seeded.seeds.map((s) => s.seed)).toEqual([10, 11, 12]);
    expect(seeded.metricSpread.eval_sharpe).toMatchObject({ mean: (0.4 + 1.8 + 1.0) / 3, min: 0.4, max: 1.8, n: 3 });
    expect(Object.keys(seeded.metricSpread).sort()).toEqual(['avg_episode_sharpe', 'eval_sharpe', 'policy_loss']);
  });

  it('without a validation segment ranks by the training episodes’ Sharpe; NaN never wins, ties keep the earlier seed', async () => {
    const sharpe: Record<number, number> = { 1: Number.NaN, 2: 0.5, 3: 0.5 };
    const seeded = await trainSeeds<FixedAgent>({
      seeds: [1, 2, 3],
      train: async (seed) => run(new FixedAgent(seed, 0), sharpe[seed]),
      evaluate: (r) => ({ avg_episode_sharpe: r.episodes[0].sharpe }),
    });
    expect(seeded.chosen).toEqual({ seed: 2, score: 0.5, scored_by: 'avg_episode_sharpe' });
  });

  it('frees every trained agent when a later seed fails to train or to evaluate', async () => {
    const trained: FixedAgent[] = [];
    const failing = trainSeeds<FixedAgent>({
      seeds: [1, 2, 3],
      train: async (seed) => {
        if (seed === 3) throw new Error('diverged');
        return run(trained[trained.push(new FixedAgent(seed, 1)) - 1], 1);
      },
      evaluate: () => ({ avg_episode_sharpe: 1 }),
    });
    await expect(failing).rejects.toThrow('diverged');
    expect(trained.map((a) => a.disposed)).toEqual([true, true]);

    const evaluated: FixedAgent[] = [];
    const badEvaluation = trainSeeds<FixedAgent>({
      seeds: [1, 2],
      train: async (seed) => run(evaluated[evaluated.push(new FixedAgent(seed, 1)) - 1], 1),
      evaluate: (r) => {
        if (r.agent.seed === 2) throw new Error('NaN weights');
        return { avg_episode_sharpe: 1 };
      },
    });
    await expect(badEvaluation).rejects.toThrow('NaN weights');
    expect(evaluated.map((a) => a.disposed)).toEqual([true, true]);
  });

  it('hands each seed its index (a fine-tune of an ensemble starts seed i from member i mod K)', async () => {
    const indices: number[] = [];
    const seeded = await trainSeeds<FixedAgent>({
      seeds: [5, 6, 7],
      train: async (seed, index) => {
        indices.push(index);
        return run(new FixedAgent(seed, 0), 1);
      },
      evaluate: () => ({ avg_episode_sharpe: 1 }),
    });
    expect(indices).toEqual([0, 1, 2]);
    expect(seeded.chosen.seed).toBe(5);
  });

  it('with workers trains two seeds at a time and keeps the seeds’ order whatever order they finish in', async () => {
    // Prepare: seed 1 finishes last; at most two run at once.
    let running = 0;
    let most = 0;
    let closed = 0;
    const delays: Record<number, number> = { 1: 40, 2: 5, 3: 5 };
    // Act
    const seeded = await trainSeeds<FixedAgent>({
      seeds: [1, 2, 3],
      train: () => Promise.reject(new Error('the sequential path must not run')),
      workers: {
        threads: 2,
        train: async (seed) => {
          most = Math.max(most, ++running);
          await new Promise((resolve) => setTimeout(resolve, delays[seed]));
          running--;
          return run(new FixedAgent(seed, seed === 2 ? 1 : 0), 1);
        },
        close: async () => {
          closed++;
        },
      },
      evaluate: (r) => ({ avg_episode_sharpe: r.agent.quality }),
    });
    // Assess
    expect(most).toBe(2);
    expect(closed).toBe(1);
    expect(seeded.runs.map((r) => r.agent.seed)).toEqual([1, 2, 3]);
    expect(seeded.seeds.map((s) => s.seed)).toEqual([1, 2, 3]);
    expect(seeded.chosen.seed).toBe(2);
  });

  it('with workers: a seed’s failure stops the others, frees the agents trained and is the run’s error', async () => {
    // Prepare: seed 1 trains, seed 2 fails while seed 3 is still running (it stops when told).
    const trained: FixedAgent[] = [];
    let stopped = false;
    let closed = false;
    // Act
    const failing = trainSeeds<FixedAgent>({
      seeds: [1, 2, 3, 4],
      train: () => Promise.reject(new Error('the sequential path must not run')),
      workers: {
        threads: 2,
        train: (seed, _index, signal) =>
          new Promise((resolve, reject) => {
            if (seed === 1) resolve(run(trained[trained.push(new FixedAgent(seed, 1)) - 1], 1));
            if (seed === 2) setTimeout(() => reject(new Error('worker: diverged')), 20);
            if (seed === 3)
              signal.addEventListener('abort', () => {
                stopped = true;
                reject(signal.reason);
              });
            if (seed === 4) reject(new Error('seed 4 must not start'));
          }),
        close: async () => {
          closed = true;
        },
      },
      evaluate: () => ({ avg_episode_sharpe: 1 }),
    });
    // Assess
    await expect(failing).rejects.toThrow('worker: diverged');
    expect(stopped).toBe(true);
    expect(closed).toBe(true);
    expect(trained.map((a) => a.disposed)).toEqual([true]);
  });
});
