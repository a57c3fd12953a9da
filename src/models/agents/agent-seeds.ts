/**
 * An agent run's K seeds (issue 19): the algorithm trained with seeds seed, seed + 1, …, two at a
 * time on worker threads when the run may use two threads (seed-pool.ts: wasm backend,
 * kernelThreads() 2), else one after another on this thread (each seed's training is one thread);
 * each evaluated like the stored agent, in the seeds' order, and ranked: the best is the seed whose
 * agent scores best on the validation weeks (the deterministic policy's Sharpe there, the score its
 * checkpoints were chosen by), or, without a validation segment (a fine-tune), the best mean Sharpe
 * of its training episodes. All K agents are kept (small MLPs) for the ensemble of them
 * (policy-ensemble.ts) the trainer scores beside the best; every seed's metrics make the spread
 * (metadata `metric_spread`).
 */
import { metricSpread, type Spread } from '../../stats/spread.ts';
import type { AlgorithmRun, PortfolioAgent } from './agent-algorithm.ts';
import { disposeAll } from './policy-ensemble.ts';
import type { SeedWorkers } from './seed-pool.ts';

export interface SeedSummary {
  seed: number;
  /** The score the seed was ranked by (higher is better; NaN never wins). */
  score: number;
  metrics: Record<string, number>;
}

export interface SeededRuns<A extends PortfolioAgent> {
  /** Every seed's run, in the seeds' order: their agents are the caller's to dispose (all of them). */
  runs: AlgorithmRun<A>[];
  /** The best seed's run (one of `runs`). */
  run: AlgorithmRun<A>;
  chosen: { seed: number; score: number; scored_by: 'validation_sharpe' | 'avg_episode_sharpe' };
  seeds: SeedSummary[];
  metricSpread: Record<string, Spread>;
}

export interface SeedTraining<A extends PortfolioAgent> {
  seeds: readonly number[];
  /** The algorithm's run with this seed, the `index`-th of the run. */
  train(seed: number, index: number): Promise<AlgorithmRun<A>>;
  /** The run's metrics as they are stored (the evaluation weeks included: they rank nothing here). */
  evaluate(run: AlgorithmRun<A>): Record<string, number>;
  /** The validation weeks' score of an agent, when the run has a validation segment. */
  validation?: (agent: PortfolioAgent) => number;
  log?: (line: string) => void;
  /** Given (and K ≥ 2): the seeds train on these workers, `threads` at once, instead of `train` one after another. */
  workers?: SeedWorkers<A>;
}

export async function trainSeeds<A extends PortfolioAgent>(t: SeedTraining<A>): Promise<SeededRuns<A>> {
  if (t.seeds.length === 0) throw new Error('an agent run needs at least one seed');
  const scoredBy = t.validation ? 'validation_sharpe' : 'avg_episode_sharpe';
  const summaries: SeedSummary[] = [];
  const runs: AlgorithmRun<A>[] = [];
  let best = 0;
  try {
    const parallel = t.workers !== undefined && t.workers.threads > 1 && t.seeds.length > 1;
    if (parallel) {
      t.log?.(`training ${t.seeds.length} seeds ${t.workers!.threads} at a time on worker threads`);
      runs.push(...(await trainOnWorkers(t.seeds, t.workers!)));
    }
    for (const [index, seed] of t.seeds.entries()) {
      if (!parallel) runs.push(await t.train(seed, index));
      const run = runs[index];
      const metrics = t.evaluate(run);
      const summary: SeedSummary = { seed, score: t.validation ? t.validation(run.agent) : metrics.avg_episode_sharpe, metrics };
      summaries.push(summary);
      if (t.seeds.length > 1) t.log?.(`seed ${seed} (${summaries.length}/${t.seeds.length}): ${scoredBy}=${summary.score.toFixed(3)} eval_sharpe=${summary.metrics.eval_sharpe?.toFixed(3) ?? 'n/a'}`);
      if (rank(summary.score) > rank(summaries[best].score)) best = index;
    }
  } catch (error) {
    try {
      disposeAll(runs.map((r) => r.agent));
    } catch {
      // The training's error is the one to report.
    }
    throw error;
  }
  const kept = summaries[best];
  return {
    runs,
    run: runs[best],
    chosen: { seed: kept.seed, score: kept.score, scored_by: scoredBy },
    seeds: summaries,
    metricSpread: metricSpread(summaries.map((s) => s.metrics)),
  };
}

/**
 * Every seed's run in the seeds' order, `threads` trained at once. On the first failure the other
 * workers are stopped, the runs already trained are disposed and that failure is thrown.
 */
async function trainOnWorkers<A extends PortfolioAgent>(seeds: readonly number[], workers: SeedWorkers<A>): Promise<AlgorithmRun<A>[]> {
  const runs: AlgorithmRun<A>[] = [];
  const stop = new AbortController();
  let failure: { error: unknown } | undefined;
  let next = 0;
  const lane = async () => {
    while (next < seeds.length && !failure) {
      const index = next++;
      try {
        runs[index] = await workers.train(seeds[index], index, stop.signal);
      } catch (error) {
        if (!failure) {
          failure = { error };
          stop.abort(error);
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(workers.threads, seeds.length) }, lane));
  } finally {
    await workers.close();
  }
  if (failure) {
    try {
      disposeAll(runs.filter((r) => r !== undefined).map((r) => r.agent));
    } catch {
      // The training's error is the one to report.
    }
    throw failure.error;
  }
  return runs;
}

/** Ties keep the earlier seed; NaN (e.g. no training episode completed) never wins. */
function rank(score: number): number {
  return Number.isNaN(score) ? -Infinity : score;
}

/** The seeds of an agent config's run: seed, seed + 1, … (`seedCount`, absent before issue 19: one). */
export function agentSeeds(config: { seed: number; seedCount?: number }): number[] {
  return Array.from({ length: config.seedCount ?? 1 }, (_, i) => config.seed + i);
}
