/**
 * An agent run's K seeds (issue 19): the algorithm trained with seeds seed, seed + 1, … one after
 * another (each run already uses both cores: its critic's half on a worker thread), each evaluated
 * like the stored agent, and one kept: the seed whose agent scores best on the validation weeks
 * (the deterministic policy's Sharpe there, the score its checkpoints were chosen by), or, without a
 * validation segment (a fine-tune), the best mean Sharpe of its training episodes. The others are
 * freed as soon as they lose; every seed's metrics make the spread (metadata `metric_spread`).
 */
import { metricSpread, type Spread } from '../../stats/spread.ts';
import type { AlgorithmRun, PortfolioAgent } from './agent-algorithm.ts';

export interface SeedSummary {
  seed: number;
  /** The score the seed was ranked by (higher is better; NaN never wins). */
  score: number;
  metrics: Record<string, number>;
}

export interface SeededRuns<A extends PortfolioAgent> {
  /** The kept seed's run (its agent is the caller's to dispose). */
  run: AlgorithmRun<A>;
  chosen: { seed: number; score: number; scored_by: 'validation_sharpe' | 'avg_episode_sharpe' };
  seeds: SeedSummary[];
  metricSpread: Record<string, Spread>;
}

export interface SeedTraining<A extends PortfolioAgent> {
  seeds: readonly number[];
  /** The algorithm's run with this seed. */
  train(seed: number): Promise<AlgorithmRun<A>>;
  /** The run's metrics as they are stored (the evaluation weeks included: they rank nothing here). */
  evaluate(run: AlgorithmRun<A>): Record<string, number>;
  /** The validation weeks' score of an agent, when the run has a validation segment. */
  validation?: (agent: PortfolioAgent) => number;
  log?: (line: string) => void;
}

export async function trainSeeds<A extends PortfolioAgent>(t: SeedTraining<A>): Promise<SeededRuns<A>> {
  if (t.seeds.length === 0) throw new Error('an agent run needs at least one seed');
  const scoredBy = t.validation ? 'validation_sharpe' : 'avg_episode_sharpe';
  const summaries: SeedSummary[] = [];
  let best: { run: AlgorithmRun<A>; summary: SeedSummary } | undefined;
  try {
    for (const seed of t.seeds) {
      const run = await t.train(seed);
      let summary: SeedSummary;
      try {
        const metrics = t.evaluate(run);
        const score = t.validation ? t.validation(run.agent) : metrics.avg_episode_sharpe;
        summary = { seed, score, metrics };
      } catch (error) {
        run.agent.dispose();
        throw error;
      }
      summaries.push(summary);
      if (t.seeds.length > 1) t.log?.(`seed ${seed} (${summaries.length}/${t.seeds.length}): ${scoredBy}=${summary.score.toFixed(3)} eval_sharpe=${summary.metrics.eval_sharpe?.toFixed(3) ?? 'n/a'}`);
      if (!best || rank(summary.score) > rank(best.summary.score)) {
        best?.run.agent.dispose();
        best = { run, summary };
      } else {
        run.agent.dispose();
      }
    }
  } catch (error) {
    best?.run.agent.dispose();
    throw error;
  }
  const kept = best!;
  return {
    run: kept.run,
    chosen: { seed: kept.summary.seed, score: kept.summary.score, scored_by: scoredBy },
    seeds: summaries,
    metricSpread: metricSpread(summaries.map((s) => s.metrics)),
  };
}

/** Ties keep the earlier seed; NaN (e.g. no training episode completed) never wins. */
function rank(score: number): number {
  return Number.isNaN(score) ? -Infinity : score;
}

/** The seeds of an agent config's run: seed, seed + 1, … (`seedCount`, absent before issue 19: one). */
export function agentSeeds(config: { seed: number; seedCount?: number }): number[] {
  return Array.from({ length: config.seedCount ?? 1 }, (_, i) => config.seed + i);
}
