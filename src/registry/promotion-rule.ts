import type { ModelKind } from '../config/model-kinds.ts';
import { kindSpec } from '../models/kinds.ts';
import type { PromotionMetric } from '../models/kind-spec.ts';

export type { PromotionMetric } from '../models/kind-spec.ts';

/**
 * The metric that decides promotion for a kind, and which direction is better (the seed's rules):
 * forecasters the MSE on the challenger's test weeks, PPO eval_sharpe, SAC eval_cagr. Each kind
 * declares its own (src/models/kinds.ts).
 */
export function promotionMetric(kind: ModelKind): PromotionMetric {
  return kindSpec(kind).promotion;
}

export interface PromotionInput {
  kind: ModelKind;
  /** The challenger's score: for the first model its own metric, else its score on the shared weeks. */
  candidate: number | null | undefined;
  /** The current model's score re-computed on the same weeks as the candidate's. */
  current?: { version: string; score: number | null | undefined };
}

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

/**
 * The first model is promoted; after that only a strictly better one (ties keep the current
 * model). A candidate without a finite score is never promoted.
 */
export function decide(input: PromotionInput): PromotionDecision {
  const metric = promotionMetric(input.kind);
  const { candidate, current } = input;
  if (typeof candidate !== 'number' || !Number.isFinite(candidate)) {
    return { promote: false, reason: `candidate ${metric.name} is ${String(candidate)}, not a finite number` };
  }
  if (current === undefined) return { promote: true, reason: `first ${input.kind} model (${metric.name}=${candidate})` };
  const incumbent = current.score;
  if (typeof incumbent !== 'number' || !Number.isFinite(incumbent)) {
    // A current model that cannot score the weeks cannot be defended; a finite candidate replaces it.
    return { promote: true, reason: `current ${current.version} scored ${String(incumbent)} on the same weeks; candidate ${metric.name}=${candidate}` };
  }
  const better = metric.better === 'lower' ? candidate < incumbent : candidate > incumbent;
  const comparison = `${metric.name} ${candidate} vs ${incumbent} of ${current.version} on the same weeks (${metric.better} is better)`;
  return better ? { promote: true, reason: `better ${comparison}` } : { promote: false, reason: `not better: ${comparison}` };
}
