/**
 * Checkpoints on weeks the agent does not train on: during a full run the algorithm offers its
 * current agent every few updates (and at the end); each is scored by the validation score (the
 * deterministic policy's Sharpe on the validation weeks) and the best is kept as the run's agent.
 * The evaluation weeks are not read here: they are touched once, by the chosen agent.
 */
import { evaluatePolicy } from './env/evaluate-policy.ts';
import type { PortfolioRules } from './env/portfolio-rules.ts';
import type { WeekRange, WeeklyPanel } from './env/weekly-panel.ts';
import type { PortfolioAgent } from './agent-algorithm.ts';
import { sharpe } from './portfolio-metrics.ts';

/** A trained agent's score on weeks it did not train on; higher is better (one per agent, so it can also pick the best of several seeds). */
export type ValidationScore = (agent: PortfolioAgent) => number;

/** The annualised Sharpe of the deterministic policy over `range`, in one pass from all cash, costs included (as the evaluation). */
export function validationScore(panel: WeeklyPanel, range: WeekRange, rules: PortfolioRules): ValidationScore {
  return (agent) => sharpe(evaluatePolicy(panel, range, (obs) => agent.act(obs), rules).weeklyReturns);
}

/** When a run offers its agent: every `every` updates (the algorithm's unit), and at its end. */
export interface CheckpointPlan {
  every: number;
  score: ValidationScore;
}

/** Every `total / count` updates (at least 1): `count` evenly spaced checkpoints over a run of `total` updates. */
export function checkpointEvery(total: number, count: number): number {
  return Math.max(1, Math.floor(total / count));
}

export interface CheckpointRecord {
  /** The update (PPO: rollout; SAC: environment step) the agent was taken at. */
  at: number;
  score: number;
}

/** The best-scoring copy of an agent over a run's checkpoints (ties keep the earlier one; NaN never wins). */
export class BestCheckpoint<A extends PortfolioAgent & { clone(): A }> {
  readonly history: CheckpointRecord[] = [];
  private best: { agent: A; at: number; score: number } | null = null;

  constructor(private readonly score: ValidationScore) {}

  /** Scores `agent` as it is now (its weights must be current) and keeps a copy when it is the best so far. */
  offer(agent: A, at: number): void {
    const score = this.score(agent);
    this.history.push({ at, score });
    const ranked = Number.isNaN(score) ? -Infinity : score;
    if (this.best && !(ranked > this.best.score)) return;
    this.best?.agent.dispose();
    this.best = { agent: agent.clone(), at, score: ranked };
  }

  /** The best checkpoint's agent (`final` is disposed), or `final` itself when nothing was offered. */
  take(final: A): { agent: A; best: CheckpointRecord | null } {
    if (!this.best) return { agent: final, best: null };
    final.dispose();
    const { agent, at } = this.best;
    this.best = null;
    return { agent, best: this.history.find((h) => h.at === at)! };
  }

  /** Frees the kept copy (after a failure). */
  dispose(): void {
    this.best?.agent.dispose();
    this.best = null;
  }
}
