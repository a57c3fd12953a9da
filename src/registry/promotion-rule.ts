import { isForecasterKind, type ModelKind } from '../config/model-kinds.ts';

/** The metric that decides promotion for a kind, and which direction is better (the seed's rules). */
export interface PromotionMetric {
  name: 'val_loss' | 'eval_sharpe' | 'eval_cagr';
  better: 'lower' | 'higher';
}

export function promotionMetric(kind: ModelKind): PromotionMetric {
  if (isForecasterKind(kind)) return { name: 'val_loss', better: 'lower' };
  if (kind.startsWith('ppo_')) return { name: 'eval_sharpe', better: 'higher' };
  if (kind.startsWith('sac_')) return { name: 'eval_cagr', better: 'higher' };
  throw new Error(`no promotion metric for model kind ${JSON.stringify(kind)}`);
}

export type Metrics = Readonly<Record<string, number | null | undefined>>;

export interface PromotionInput {
  kind: ModelKind;
  candidate: Metrics;
  /**
   * The model `current` points at. `comparedOn` says where its metrics come from:
   * re-evaluated on the candidate's held-out set, or the numbers stored when it was trained.
   */
  current?: { version: string; metrics: Metrics; comparedOn: 'same_holdout' | 'stored_metrics' };
}

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

/**
 * The first model is promoted; after that only a strictly better one (ties keep the current
 * model). A candidate without a finite metric is never promoted.
 */
export function decide(input: PromotionInput): PromotionDecision {
  const metric = promotionMetric(input.kind);
  const candidate = input.candidate[metric.name];
  if (typeof candidate !== 'number' || !Number.isFinite(candidate)) {
    return { promote: false, reason: `candidate ${metric.name} is ${String(candidate)}, not a finite number` };
  }
  const { current } = input;
  if (current === undefined) {
    return { promote: true, reason: `first ${input.kind} model (${metric.name}=${candidate})` };
  }
  const incumbent = current.metrics[metric.name];
  if (typeof incumbent !== 'number' || !Number.isFinite(incumbent)) {
    // A current model without a usable metric cannot be defended; a finite candidate replaces it.
    return { promote: true, reason: `current ${current.version} has no finite ${metric.name} (${String(incumbent)}); candidate ${metric.name}=${candidate}` };
  }
  const better = metric.better === 'lower' ? candidate < incumbent : candidate > incumbent;
  const comparison = `${metric.name} ${candidate} vs ${incumbent} of ${current.version} (${metric.better} is better, compared on ${current.comparedOn})`;
  return better ? { promote: true, reason: `better ${comparison}` } : { promote: false, reason: `not better: ${comparison}` };
}
